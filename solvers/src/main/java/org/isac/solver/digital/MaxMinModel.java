package org.isac.solver.digital;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.isac.solver.model.ModelFile;

/**
 * Learned parameters of the unfolded max-min AO of seed 002 (Algorithm 1, Fig. 1): the
 * step sizes β_{ℓ,i} of L_out outer × L_in inner layers (eq. (18)), the number I_w of
 * passes over the L_in inner layers per outer layer, and the smoothing factors μ_c, μ_s of
 * eq. (8).
 *
 * <p>Steps are stored relative to √P_t: the W step is β·√P_t·∇g/‖∇g‖_F, so a model does not
 * depend on the unit of power or on the channel scale (the AO is invariant to H → cH,
 * σ² → c²σ² and to P_t → c²P_t with W → cW). The paper's β = 0.01 at P_t = 100 (20 dB SNR,
 * σ² = 1) is β = 0.001 here.
 *
 * <p>Model file kind {@value #KIND}: keys {@code outer}, {@code inner}, {@code repeats},
 * {@code steps} (L_out·L_in values, outer-major), {@code mu_c}, {@code mu_s}; everything else
 * (training set, epochs, validation results) is provenance and is kept in {@link #file()}.
 */
public final class MaxMinModel {
    /** Model file kind. */
    public static final String KIND = "maxmin-uao";
    /** Classpath resource of the shipped model. */
    public static final String DEFAULT_RESOURCE = "/models/maxmin-uao.model";

    private final int outer;
    private final int inner;
    private final int repeats;
    private final double[] steps;
    private final double muC;
    private final double muS;
    private final ModelFile file;

    /**
     * @param steps L_out·L_in relative step sizes, outer-major (β_{ℓ,i} at ℓ·L_in + i), all > 0
     */
    public MaxMinModel(int inner, int repeats, double[] steps, double muC, double muS, ModelFile file) {
        if (inner < 1 || repeats < 1 || steps.length == 0 || steps.length % inner != 0) {
            throw new IllegalArgumentException("maxmin model: need inner >= 1, repeats >= 1 and a multiple of inner steps, got inner="
                    + inner + ", repeats=" + repeats + ", " + steps.length + " steps");
        }
        for (double b : steps) {
            if (!(b > 0) || !Double.isFinite(b)) {
                throw new IllegalArgumentException("maxmin model: steps must be finite and > 0, got " + b);
            }
        }
        if (!(muC > 0) || !(muS > 0) || !Double.isFinite(muC) || !Double.isFinite(muS)) {
            throw new IllegalArgumentException("maxmin model: smoothing factors must be finite and > 0, got " + muC + ", " + muS);
        }
        this.outer = steps.length / inner;
        this.inner = inner;
        this.repeats = repeats;
        this.steps = steps.clone();
        this.muC = muC;
        this.muS = muS;
        this.file = file;
    }

    /** The untrained start of seed 002: every β = {@code step}, μ_c = μ_s = {@code mu}. */
    public static MaxMinModel constant(int outer, int inner, int repeats, double step, double mu) {
        double[] s = new double[outer * inner];
        Arrays.fill(s, step);
        return new MaxMinModel(inner, repeats, s, mu, mu, null);
    }

    public int outer() {
        return outer;
    }

    public int inner() {
        return inner;
    }

    public int repeats() {
        return repeats;
    }

    /** β_{ℓ,i} (relative), ℓ = 0…L_out−1, i = 0…L_in−1. */
    public double step(int layer, int i) {
        return steps[layer * inner + i];
    }

    /** A copy of all steps, outer-major. */
    public double[] steps() {
        return steps.clone();
    }

    public double muC() {
        return muC;
    }

    public double muS() {
        return muS;
    }

    /** The model file this model was read from or written to (provenance); null for a fresh model. */
    public ModelFile file() {
        return file;
    }

    /** A model file with the parameters; callers add provenance keys before writing. */
    public ModelFile toModelFile() {
        ModelFile f = new ModelFile(KIND);
        f.put("outer", outer);
        f.put("inner", inner);
        f.put("repeats", repeats);
        f.put("mu_c", muC);
        f.put("mu_s", muS);
        f.put("steps", steps);
        return f;
    }

    public static MaxMinModel fromModelFile(ModelFile f) {
        if (!KIND.equals(f.kind())) {
            throw new IllegalArgumentException("model kind '" + f.kind() + "', expected '" + KIND + "'");
        }
        int outer = f.integer("outer"), inner = f.integer("inner");
        if (outer < 1 || inner < 1) {
            throw new IllegalArgumentException("maxmin model: outer and inner must be >= 1, got " + outer + ", " + inner);
        }
        return new MaxMinModel(inner, f.integer("repeats"), f.numbers("steps", outer * inner), f.number("mu_c"), f.number("mu_s"), f);
    }

    public static MaxMinModel read(Reader r, String source) throws IOException {
        return fromModelFile(ModelFile.read(r, source, KIND));
    }

    /** The shipped model ({@value #DEFAULT_RESOURCE} on the classpath). */
    public static MaxMinModel loadDefault() {
        try (InputStream in = MaxMinModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("shipped model " + DEFAULT_RESOURCE + " is not on the classpath");
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read shipped model " + DEFAULT_RESOURCE + ": " + e.getMessage(), e);
        }
    }
}
