package org.isac.solver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.isac.solver.digital.LinearPrecoder;
import org.isac.solver.digital.MaxMinSolver;
import org.isac.solver.digital.ScaCrlbSolver;
import org.isac.solver.digital.WmmseSolver;
import org.isac.solver.hybrid.HybridPgaSolver;
import org.isac.solver.hybrid.HybridUpgaCentreSolver;
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.hybrid.HybridUpgaWbSolver;
import org.isac.solver.nn.DnnIsacSolver;

/**
 * Names every solver once, so the CLI, the controller's policy and the benchmarks agree.
 * {@link #create(String)} returns a fresh instance (an instance is single-threaded and owns
 * its workspace).
 */
public final class SolverRegistry {
    /**
     * One registered solver: its name, a line saying what it is, its parameters in words, and
     * the parameters it takes with their ranges ({@link ParamSpec}).
     */
    public record Entry(String name, String description, String params, List<ParamSpec> specs, Supplier<Solver> factory) {
        public Entry {
            specs = List.copyOf(specs);
        }

        /** Without declared parameters (it takes none). */
        public Entry(String name, String description, String params, Supplier<Solver> factory) {
            this(name, description, params, List.of(), factory);
        }
    }

    private static final int I = ParamSpec.MAX_ITERATIONS;
    private static final double BIG = 1e12;
    private static final List<ParamSpec> ISAC_SCA = List.of(ParamSpec.count("sensing_streams", 0, 4096),
            ParamSpec.flag("per_antenna_power"), ParamSpec.count("frame_length", 1, 1_000_000), ParamSpec.real("delta_c", 0, BIG),
            ParamSpec.real("delta_s", 0, BIG), ParamSpec.real("radar_noise_w", Double.MIN_VALUE, BIG), ParamSpec.count("max_iter", 1, I),
            ParamSpec.real("tol", 0, 1), ParamSpec.seed(), ParamSpec.flag("monotone"));
    private static final List<ParamSpec> MAXMIN = List.of(ParamSpec.real("delta", 0, BIG),
            ParamSpec.real("radar_noise_w", Double.MIN_VALUE, BIG), ParamSpec.flag("per_antenna_power"));
    private static final List<ParamSpec> MAXMIN_AO = concat(MAXMIN, List.of(ParamSpec.count("max_iter", 1, I),
            ParamSpec.count("inner_steps", 1, I), ParamSpec.real("step", Double.MIN_VALUE, BIG), ParamSpec.real("mu", 0, BIG),
            ParamSpec.real("tol", 0, 1)));

    private static List<ParamSpec> concat(List<ParamSpec> a, List<ParamSpec> b) {
        List<ParamSpec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register(new Entry("mrt", "maximum-ratio transmission X ∝ H (digital)", "",
                () -> new LinearPrecoder(LinearPrecoder.Kind.MRT)));
        register(new Entry("zf", "zero forcing X ∝ H(HᴴH)⁻¹ (digital, K ≤ N)", "",
                () -> new LinearPrecoder(LinearPrecoder.Kind.ZF)));
        register(new Entry("rzf", "regularised zero forcing X ∝ H(HᴴH + αI)⁻¹ (digital)",
                "reg: α (default K·mean(σ²)/P_t)", List.of(ParamSpec.real("reg", 0, BIG)),
                () -> new LinearPrecoder(LinearPrecoder.Kind.RZF)));
        register(new Entry(DnnIsacSolver.NAME, "unsupervised MLP ISAC precoder, one model per ρ (seed 003, digital)",
                "rho: trade-off ρ of a shipped model (default 0.5); q_bits: weight bits Q (default 32 = full); "
                        + "prune: global pruning ratio J (default 0)",
                List.of(ParamSpec.real("rho", 0, 1), ParamSpec.count("q_bits", 1, 32), ParamSpec.real("prune", 0, 1)),
                DnnIsacSolver::new));
        register(new Entry("wmmse", "weighted MMSE sum-rate precoder, Shi et al. 2011 (digital, total power)",
                "max_iter (100), tol (1e-6, relative sum-rate change), init (0 = RZF, 1 = MRT)",
                List.of(ParamSpec.count("max_iter", 1, I), ParamSpec.real("tol", 0, 1), ParamSpec.count("init", 0, 1)),
                WmmseSolver::new));
        register(new Entry("sca-crlb", "sum rate / CRLB balancing by two-layer SCA, seed 004 Algorithm 1 (digital ISAC)",
                "sensing_streams (3M), per_antenna_power (0/1), frame_length (30), delta_c (0.25), delta_s (1), "
                        + "radar_noise_w (mean user noise), max_iter (2000), tol (1e-5), seed (1), monotone (1)",
                ISAC_SCA, () -> new ScaCrlbSolver(false)));
        register(new Entry("sca-crlb-ld", "low-dimensional seed 004 Algorithm 1, W = [H, A, Ȧθ, Ȧε]·P (Proposition 5)",
                "as sca-crlb, total power only",
                ISAC_SCA, () -> new ScaCrlbSolver(true)));
        register(new Entry("maxmin-uao", "max-min fairness JCAS precoder and radar receive filters, unfolded AO with learned steps "
                + "(seed 002 Algorithm 1, shipped model)",
                "delta (1), radar_noise_w (mean user noise), per_antenna_power (1), layers (model's L_out), repeats (model's I_w)",
                concat(MAXMIN, List.of(ParamSpec.count("layers", 0, I), ParamSpec.count("repeats", 1, I))),
                MaxMinSolver::unfolded));
        register(new Entry("maxmin-ao", "seed 002 AO with a fixed normalised-gradient step (\"Fixed β\" baseline)",
                "delta, radar_noise_w, per_antenna_power, max_iter (150), inner_steps (6), step (0.001·√P_t), mu (10), tol (0)",
                MAXMIN_AO, () -> new MaxMinSolver(MaxMinSolver.Kind.FIXED)));
        register(new Entry("maxmin-ao-bt", "seed 002 AO with Armijo backtracking steps (\"Dynamic β\" baseline)",
                "as maxmin-ao; step = first trial (0.1·√P_t)",
                MAXMIN_AO, () -> new MaxMinSolver(MaxMinSolver.Kind.BACKTRACKING)));
        register(new Entry(HybridPgaSolver.NAME,
                "modified projected gradient ascent for hybrid JCAS precoding, max R - omega*tau (seed 000 Alg. 1, untrained)",
                "outer: I; inner: J; mu, lambda: steps; omega: tau weight; eta: weight of grad_W tau (1/N);"
                        + " rf_chains: M; init: 0 eq. 26, 1 random, 2 SVD; rescale_inner: 0/1; seed; half_width_deg",
                List.of(ParamSpec.count("outer", 0, I), ParamSpec.count("inner", 0, I), ParamSpec.real("mu", 0, BIG),
                        ParamSpec.real("lambda", 0, BIG), ParamSpec.real("omega", 0, BIG), ParamSpec.real("eta", 0, BIG),
                        ParamSpec.count("rf_chains", 1, 65_535), ParamSpec.count("init", 0, 2), ParamSpec.flag("rescale_inner"),
                        ParamSpec.seed(), ParamSpec.real("half_width_deg", Double.MIN_VALUE, 90)),
                HybridPgaSolver::new));
        register(new Entry(HybridUpgaSolver.NAME,
                "deep-unfolded PGA for hybrid JCAS precoding with trained steps (seed 000 Alg. 1); shipped model chosen by N, K, M, omega",
                "layers: L <= I; omega: selects the model (0.3 or 0); rf_chains: M",
                List.of(ParamSpec.count("layers", 0, I), ParamSpec.real("omega", 0, BIG), ParamSpec.count("rf_chains", 1, 65_535),
                        ParamSpec.flag("single_precision")),
                HybridUpgaSolver::new));
        register(new Entry(HybridUpgaWbSolver.NAME,
                "wideband deep-unfolded PGA for hybrid JCAS: one shared F, one W per subband, max mean rate - omega*tau of the"
                        + " band-averaged covariance (seed 000 Alg. 1 over the band, trained steps); S = 1 is hybrid-upga",
                "layers: L <= I; omega: selects the model (0.3); rf_chains: M",
                List.of(ParamSpec.count("layers", 0, I), ParamSpec.real("omega", 0, BIG), ParamSpec.count("rf_chains", 1, 65_535)),
                HybridUpgaWbSolver::new));
        register(new Entry(HybridUpgaCentreSolver.NAME,
                "wideband baseline: F from hybrid-upga on the centre subband, then per-subband W by the trained W steps with F"
                        + " fixed; S = 1 is hybrid-upga",
                "layers: L <= I of the narrowband solve; w_steps: W steps on the band (I); baseband_start: 0 W_c, 1 LS fit,"
                        + " 2 effective ZF; omega: selects the narrowband model; rf_chains: M",
                List.of(ParamSpec.count("layers", 0, I), ParamSpec.count("w_steps", 0, I), ParamSpec.count("baseband_start", 0, 2),
                        ParamSpec.real("omega", 0, BIG), ParamSpec.count("rf_chains", 1, 65_535), ParamSpec.flag("single_precision")),
                HybridUpgaCentreSolver::new));
    }

    private SolverRegistry() {
    }

    /** Adds a solver; a name may be registered once. */
    public static synchronized void register(Entry e) {
        if (ENTRIES.putIfAbsent(e.name(), e) != null) {
            throw new IllegalStateException("solver registered twice: " + e.name());
        }
    }

    public static synchronized boolean exists(String name) {
        return ENTRIES.containsKey(name);
    }

    /** A new instance of solver {@code name}. */
    public static synchronized Solver create(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown solver '" + name + "'; known: " + String.join(", ", ENTRIES.keySet()));
        }
        return e.factory().get();
    }

    /**
     * Null when {@code params} are parameters that solver {@code name} takes, each in its range;
     * otherwise why not, with {@code unknown[0]} true for a name the solver does not take.
     */
    public static synchronized String checkParams(String name, Map<String, Double> params, boolean[] unknown) {
        Entry e = ENTRIES.get(name);
        unknown[0] = false;
        if (e == null || params.isEmpty()) {
            return null;
        }
        return ParamSpec.checkAll(name, e.specs(), params, unknown);
    }

    public static synchronized List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.keySet()));
    }

    public static synchronized List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }
}
