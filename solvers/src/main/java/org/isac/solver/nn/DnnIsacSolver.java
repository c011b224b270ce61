package org.isac.solver.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.metric.Metrics;

/**
 * Solver {@value #NAME}: the unsupervised seed 003 precoder network ({@link DnnPrecoder}),
 * one weight set per trade-off ρ as in the paper (Sec. III-B), optionally compressed
 * (Sec. IV, {@link Compression}).
 *
 * <p>Parameters ({@link Problem#params}): {@code rho} (default 0.5; must be a ρ a model is
 * shipped for, matched to two decimals), {@code q_bits} (default 32 = full float32 network,
 * else 2…15) and {@code prune} (J, default 0). The model is picked by (M, K, T, ρ) with M the
 * antennas, K the users and T the targets of the problem; target azimuths come from
 * {@link Problem#targets}. The network was trained at one SNR ({@link DnnConfig#snrDb}), so
 * the problem's noise powers are not an input; the power budget sets the scaling of eq. (21).
 *
 * <p>Models come from the class path under {@value #RESOURCE_ROOT} (index in
 * {@value #INDEX}); a missing model is an {@link IllegalArgumentException} naming what was
 * asked and what is shipped. Loading and compressing happen on the first solve with a new
 * (M, K, T, ρ, Q, J) — not on the hot path; after that a solve allocates nothing.
 */
public final class DnnIsacSolver implements Solver {
    public static final String NAME = "dnn-isac";
    /** Class-path folder of shipped models. */
    public static final String RESOURCE_ROOT = "models/dnn/";
    /** Class-path index of shipped models, one resource name per line. */
    public static final String INDEX = RESOURCE_ROOT + "index.txt";

    /** Where models come from. */
    public interface ModelSource {
        /** The full model for (M, K, T, ρ), or null when there is none. */
        DnnModel load(int antennas, int users, int targets, double rho) throws IOException;

        /** Human-readable list of what is available (for error messages). */
        List<String> available();
    }

    /** The class-path models shipped with the product. */
    public static final ModelSource SHIPPED = new ModelSource() {
        @Override
        public DnnModel load(int antennas, int users, int targets, double rho) throws IOException {
            return DnnModel.fromResource(resourceName(antennas, users, targets, rho));
        }

        @Override
        public List<String> available() {
            return shippedResources();
        }
    };

    private final ModelSource source;
    private int curM = -1;
    private int curK = -1;
    private int curT = -1;
    private double curRho = Double.NaN;
    private int curQ = -1;
    private double curJ = Double.NaN;
    private DnnModel full;
    private DnnPrecoder precoder;
    private double[] angles = new double[4];
    private double[] scratch = new double[16];

    public DnnIsacSolver() {
        this(SHIPPED);
    }

    public DnnIsacSolver(ModelSource source) {
        this.source = source;
    }

    /** {@code models/dnn/m<M>-k<K>-t<T>/rho-<ρ with two decimals>.model}. */
    public static String resourceName(int antennas, int users, int targets, double rho) {
        return String.format(Locale.ROOT, "%sm%d-k%d-t%d/rho-%.2f.model", RESOURCE_ROOT, antennas, users, targets, rho);
    }

    /** Resource names listed in {@value #INDEX} (empty when there is no index). */
    public static List<String> shippedResources() {
        List<String> out = new ArrayList<>();
        try (InputStream in = DnnIsacSolver.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) {
                return out;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null;) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The model currently served (null before the first solve). */
    public DnnModel currentModel() {
        return precoder == null ? null : precoder.model();
    }

    @Override
    public void solve(Problem p, Precoder out) {
        out.reset();
        int m = p.antennas(), k = p.users(), t = p.targets.count();
        if (p.tx.spacing() != org.isac.solver.array.ArrayShape.HALF_WAVELENGTH) {
            throw new IllegalArgumentException(NAME + ": the shipped models were trained for half-wavelength arrays; this"
                    + " array's spacing is " + p.tx.spacing() + " wavelengths");
        }
        double rho = p.params.get("rho", 0.5);
        double qd = p.params.get("q_bits", DnnModel.FULL_BITS);
        double prune = p.params.get("prune", 0);
        if (!(rho >= 0 && rho <= 1)) {
            throw new IllegalArgumentException(NAME + ": rho must lie in [0, 1], got " + rho);
        }
        if (qd != Math.rint(qd) || !(qd == DnnModel.FULL_BITS || (qd >= 2 && qd <= 15))) {
            throw new IllegalArgumentException(NAME + ": q_bits must be 32 or an integer in 2…15, got " + qd);
        }
        if (!(prune >= 0 && prune < 1)) {
            throw new IllegalArgumentException(NAME + ": prune must lie in [0, 1), got " + prune);
        }
        if (!(p.powerBudgetW > 0)) {
            throw new IllegalArgumentException(NAME + ": power budget must be > 0 W, got " + p.powerBudgetW);
        }
        if (t < 1) {
            throw new IllegalArgumentException(NAME + ": the problem has no targets; the network needs T target angles");
        }
        int q = (int) qd;
        double rhoKey = Math.round(rho * 100) / 100.0;
        if (m != curM || k != curK || t != curT || rhoKey != curRho || q != curQ || prune != curJ) {
            select(m, k, t, rhoKey, q, prune);
        }
        if (angles.length < t) {
            angles = new double[t];
        }
        System.arraycopy(p.targets.azimuthRad, 0, angles, 0, t);
        precoder.precode(p.channel, angles, p.powerBudgetW, out.baseband);
        if (scratch.length < k) {
            scratch = new double[k];
        }
        out.predicted.put("sum_rate_bits", Metrics.sumRateBits(p.channel, out.baseband, p.noise, scratch));
        out.iterations = 1;
    }

    private void select(int m, int k, int t, double rho, int q, double prune) {
        if (full == null || m != curM || k != curK || t != curT || rho != curRho) {
            DnnModel loaded;
            try {
                loaded = source.load(m, k, t, rho);
            } catch (IOException e) {
                throw new UncheckedIOException(NAME + ": cannot read model for M=" + m + ", K=" + k + ", T=" + t + ", ρ=" + rho, e);
            }
            if (loaded == null) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: no model shipped for M=%d, K=%d, T=%d, ρ=%.2f (%s); shipped: %s",
                        NAME, m, k, t, rho, resourceName(m, k, t, rho), source.available()));
            }
            DnnConfig c = loaded.config();
            if (c.antennas() != m || c.users() != k || c.targets() != t || Math.abs(c.rho() - rho) > 1e-9) {
                throw new IllegalArgumentException(NAME + ": model file for M=" + m + ", K=" + k + ", T=" + t + ", ρ=" + rho
                        + " holds a model for M=" + c.antennas() + ", K=" + c.users() + ", T=" + c.targets() + ", ρ=" + c.rho());
            }
            full = loaded;
        }
        DnnModel served = q == DnnModel.FULL_BITS && prune == 0 ? full : Compression.compress(full, q, prune);
        precoder = new DnnPrecoder(served);
        curM = m;
        curK = k;
        curT = t;
        curRho = rho;
        curQ = q;
        curJ = prune;
    }
}
