package org.isac.solver.hybrid;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.isac.solver.model.ModelFile;

/**
 * A trained unfolded PGA (seed 000 Sec. III-C, Algorithm 1): the problem it was trained for
 * (N, K, M, ω, η, targets, beampattern half-width) and its learned step sizes μ(i, j),
 * λ(i) for I outer × J inner layers, plus free-form training and validation facts
 * (dataset seed, sizes, epochs, final validation metrics) that travel with the file.
 *
 * <p>File format: a {@link ModelFile} of kind {@value #KIND}: {@code name}, {@code antennas},
 * {@code users}, {@code rf_chains}, {@code omega}, {@code eta}, {@code outer}, {@code inner},
 * {@code rescale_inner}, {@code init} (always 0 = eq. (26)), {@code targets_deg},
 * {@code half_width_deg}, {@code mu.<i>} (J values per outer layer), {@code lambda} (I
 * values), then any {@code training.*} / {@code validation.*} entries. Shipped models live
 * on the classpath under {@code /models/<name>.model} and are listed in
 * {@code /models/hybrid-upga.index}. Immutable.
 */
public final class HybridUpgaModel {
    /** Model file kind. */
    public static final String KIND = "hybrid-upga";
    /** Classpath folder of shipped models. */
    public static final String RESOURCE_DIR = "/models/";
    /** Classpath list of shipped model names, one per line. */
    public static final String INDEX = RESOURCE_DIR + "hybrid-upga.index";

    private static final Map<String, HybridUpgaModel> SHIPPED = new LinkedHashMap<>();
    private static boolean shippedLoaded;

    private final String name;
    private final int antennas;
    private final int users;
    private final int rfChains;
    private final double omega;
    private final double eta;
    private final boolean rescaleInner;
    private final double[] targetsDeg;
    private final double halfWidthDeg;
    private final double[][] mu;
    private final double[] lambda;
    private final Map<String, String> info;

    /**
     * @param mu μ(i, j), I rows of J values (copied)
     * @param lambda λ(i), I values (copied)
     * @param info training / validation facts, keys {@code training.*} or {@code validation.*} (copied, order kept)
     * @throws IllegalArgumentException on inconsistent sizes, non-finite or negative steps
     */
    public HybridUpgaModel(String name, int antennas, int users, int rfChains, double omega, double eta,
            boolean rescaleInner, double[] targetsDeg, double halfWidthDeg, double[][] mu, double[] lambda,
            Map<String, String> info) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\n")) {
            throw new IllegalArgumentException("bad model name '" + name + "'");
        }
        if (users < 1 || rfChains < users || antennas < rfChains) {
            throw new IllegalArgumentException("model needs 1 <= K <= M <= N, got N=" + antennas + " K=" + users + " M=" + rfChains);
        }
        if (!(omega >= 0) || !(eta >= 0) || !Double.isFinite(omega) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("model needs finite ω, η >= 0");
        }
        if (mu.length < 1 || mu.length != lambda.length) {
            throw new IllegalArgumentException("model needs I >= 1 outer layers with one λ each, got " + mu.length + " μ rows and "
                    + lambda.length + " λ");
        }
        int inner = mu[0].length;
        if (inner < 1) {
            throw new IllegalArgumentException("model needs J >= 1 inner layers");
        }
        this.mu = new double[mu.length][];
        for (int i = 0; i < mu.length; i++) {
            if (mu[i].length != inner) {
                throw new IllegalArgumentException("μ(" + i + ") has " + mu[i].length + " inner steps, expected " + inner);
            }
            this.mu[i] = checkSteps(mu[i], "μ(" + i + ", ·)");
        }
        this.lambda = checkSteps(lambda, "λ");
        if (targetsDeg.length < 1) {
            throw new IllegalArgumentException("model needs at least one target");
        }
        this.name = name;
        this.antennas = antennas;
        this.users = users;
        this.rfChains = rfChains;
        this.omega = omega;
        this.eta = eta;
        this.rescaleInner = rescaleInner;
        this.targetsDeg = targetsDeg.clone();
        this.halfWidthDeg = halfWidthDeg;
        this.info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
        for (String key : this.info.keySet()) {
            if (!key.startsWith("training.") && !key.startsWith("validation.")) {
                throw new IllegalArgumentException("model info key '" + key + "' must start with training. or validation.");
            }
        }
    }

    private static double[] checkSteps(double[] v, String what) {
        for (double x : v) {
            if (!(x >= 0) || !Double.isFinite(x)) {
                throw new IllegalArgumentException(what + " steps must be finite and >= 0, got " + x);
            }
        }
        return v.clone();
    }

    public String name() {
        return name;
    }

    /** N. */
    public int antennas() {
        return antennas;
    }

    /** K. */
    public int users() {
        return users;
    }

    /** M. */
    public int rfChains() {
        return rfChains;
    }

    public double omega() {
        return omega;
    }

    public double eta() {
        return eta;
    }

    /** I. */
    public int outer() {
        return lambda.length;
    }

    /** J. */
    public int inner() {
        return mu[0].length;
    }

    public boolean rescaleInner() {
        return rescaleInner;
    }

    public double[] targetsDeg() {
        return targetsDeg.clone();
    }

    public double halfWidthDeg() {
        return halfWidthDeg;
    }

    public double mu(int i, int j) {
        return mu[i][j];
    }

    public double lambda(int i) {
        return lambda[i];
    }

    /** Training and validation facts ({@code training.*}, {@code validation.*}). */
    public Map<String, String> info() {
        return info;
    }

    /** The same model with {@code extra} facts added (or replaced). */
    public HybridUpgaModel withInfo(Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(info);
        m.putAll(extra);
        return new HybridUpgaModel(name, antennas, users, rfChains, omega, eta, rescaleInner, targetsDeg, halfWidthDeg,
                mu, lambda, m);
    }

    /** Writes the learned steps into {@code out} (resized to I × J). */
    public PgaSteps steps(PgaSteps out) {
        out.resize(outer(), inner());
        for (int i = 0; i < outer(); i++) {
            for (int j = 0; j < inner(); j++) {
                out.setMu(i, j, mu[i][j]);
            }
            out.setLambda(i, lambda[i]);
        }
        return out;
    }

    /** True when the model was trained for this N, K, M. */
    public boolean fits(int n, int k, int m) {
        return n == antennas && k == users && m == rfChains;
    }

    /** "N=64, K=4, M=4, ω=0.3". */
    public String describeShape() {
        return String.format(Locale.ROOT, "N=%d, K=%d, M=%d, ω=%s", antennas, users, rfChains, omega);
    }

    /** The model as a {@link ModelFile}. */
    public ModelFile toModelFile() {
        ModelFile f = new ModelFile(KIND)
                .put("name", name)
                .put("antennas", antennas)
                .put("users", users)
                .put("rf_chains", rfChains)
                .put("omega", omega)
                .put("eta", eta)
                .put("outer", outer())
                .put("inner", inner())
                .put("rescale_inner", rescaleInner ? 1 : 0)
                .put("init", HybridInitializer.COHERENT)
                .put("targets_deg", targetsDeg)
                .put("half_width_deg", halfWidthDeg);
        for (int i = 0; i < outer(); i++) {
            f.put("mu." + i, mu[i]);
        }
        f.put("lambda", lambda);
        for (Map.Entry<String, String> e : info.entrySet()) {
            f.put(e.getKey(), e.getValue());
        }
        return f;
    }

    /** Reads a model from a {@link ModelFile} of kind {@value #KIND}. */
    public static HybridUpgaModel fromModelFile(ModelFile f) {
        int outer = f.integer("outer");
        int inner = f.integer("inner");
        if (outer < 1 || inner < 1) {
            throw new IllegalArgumentException("model '" + f.string("name") + "': outer and inner must be >= 1");
        }
        int init = f.integer("init");
        if (init != HybridInitializer.COHERENT) {
            throw new IllegalArgumentException("model '" + f.string("name") + "': init " + init + " is not supported (0 = eq. 26)");
        }
        double[][] mu = new double[outer][];
        for (int i = 0; i < outer; i++) {
            mu[i] = f.numbers("mu." + i, inner);
        }
        int rescale = f.integer("rescale_inner");
        if (rescale != 0 && rescale != 1) {
            throw new IllegalArgumentException("model '" + f.string("name") + "': rescale_inner must be 0 or 1");
        }
        Map<String, String> info = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : f.entries().entrySet()) {
            if (e.getKey().startsWith("training.") || e.getKey().startsWith("validation.")) {
                info.put(e.getKey(), e.getValue());
            }
        }
        return new HybridUpgaModel(f.string("name"), f.integer("antennas"), f.integer("users"), f.integer("rf_chains"),
                f.number("omega"), f.number("eta"), rescale == 1, f.numbers("targets_deg", -1), f.number("half_width_deg"),
                mu, f.numbers("lambda", outer), info);
    }

    /** Writes the model file to {@code path} (parent folders created). */
    public void write(Path path) throws IOException {
        toModelFile().write(path);
    }

    public static HybridUpgaModel read(Path path) throws IOException {
        return fromModelFile(ModelFile.read(path, KIND));
    }

    public static HybridUpgaModel read(Reader r, String source) throws IOException {
        return fromModelFile(ModelFile.read(r, source, KIND));
    }

    /**
     * Loads a model by file path (when {@code nameOrPath} names an existing file) or else by
     * the name of a shipped model ({@code /models/<name>.model} on the classpath).
     *
     * @throws IllegalArgumentException when neither exists (the message lists the shipped
     *     models) or the file is malformed
     */
    public static HybridUpgaModel load(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        try {
            if (Files.isRegularFile(p)) {
                return read(p);
            }
            HybridUpgaModel m = readResource(nameOrPath.endsWith(".model")
                    ? nameOrPath.substring(0, nameOrPath.length() - ".model".length()) : nameOrPath);
            if (m == null) {
                throw new IllegalArgumentException("no model file '" + nameOrPath + "' and no shipped hybrid-upga model of that name;"
                        + " shipped: " + String.join(", ", shippedNames()));
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model '" + nameOrPath + "': " + e.getMessage(), e);
        }
    }

    private static HybridUpgaModel readResource(String name) throws IOException {
        try (InputStream in = HybridUpgaModel.class.getResourceAsStream(RESOURCE_DIR + name + ".model")) {
            if (in == null) {
                return null;
            }
            HybridUpgaModel m = read(new InputStreamReader(in, StandardCharsets.UTF_8), "classpath:" + RESOURCE_DIR + name + ".model");
            if (!m.name().equals(name)) {
                throw new IllegalArgumentException("classpath model " + name + ".model calls itself '" + m.name() + "'");
            }
            return m;
        }
    }

    /** Names of the shipped models (from {@value #INDEX}; empty when there is none). */
    public static List<String> shippedNames() {
        return namesIn(INDEX);
    }

    /** The model names a classpath index lists (one per line, {@code #} comments; empty when there is no index). */
    static List<String> namesIn(String index) {
        try (InputStream in = HybridUpgaModel.class.getResourceAsStream(index)) {
            if (in == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    names.add(s);
                }
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + index, e);
        }
    }

    /** All shipped models, loaded once. */
    public static synchronized List<HybridUpgaModel> shipped() {
        if (!shippedLoaded) {
            for (String n : shippedNames()) {
                SHIPPED.put(n, load(n));
            }
            shippedLoaded = true;
        }
        return List.copyOf(SHIPPED.values());
    }

    /**
     * The shipped model for N, K, M and ω (ω compared to 1e-12).
     *
     * @throws IllegalArgumentException when none fits (the message lists what is shipped)
     */
    public static HybridUpgaModel shippedFor(int n, int k, int m, double omega) {
        return fitting(shipped(), n, k, m, omega, "hybrid-upga", "train one, or pass a model file");
    }

    /**
     * The first of {@code models} for N, K, M and ω (ω compared to 1e-12).
     *
     * @throws IllegalArgumentException naming {@code solver}, what is shipped and {@code hint}, when none fits
     */
    static HybridUpgaModel fitting(List<HybridUpgaModel> models, int n, int k, int m, double omega, String solver, String hint) {
        for (HybridUpgaModel model : models) {
            if (model.fits(n, k, m) && Math.abs(model.omega() - omega) <= 1e-12) {
                return model;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (HybridUpgaModel model : models) {
            sb.append(sb.length() == 0 ? "" : "; ").append(model.name()).append(" (").append(model.describeShape()).append(')');
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "no shipped %s model for N=%d, K=%d, M=%d, ω=%s; shipped: %s (%s)",
                solver, n, k, m, omega, sb.length() == 0 ? "none" : sb, hint));
    }

    @Override
    public String toString() {
        return "HybridUpgaModel(" + name + ": " + describeShape() + ", I=" + outer() + ", J=" + inner() + ", targets "
                + Arrays.toString(targetsDeg) + "°)";
    }
}
