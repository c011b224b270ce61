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
import org.isac.solver.hybrid.HybridUpgaSolver;
import org.isac.solver.nn.DnnIsacSolver;

/**
 * Names every solver once, so the CLI, the controller's policy and the benchmarks agree.
 * {@link #create(String)} returns a fresh instance (an instance is single-threaded and owns
 * its workspace).
 */
public final class SolverRegistry {
    /** One registered solver: its name, a line saying what it is, and its parameters. */
    public record Entry(String name, String description, String params, Supplier<Solver> factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register(new Entry("mrt", "maximum-ratio transmission X ∝ H (digital)", "",
                () -> new LinearPrecoder(LinearPrecoder.Kind.MRT)));
        register(new Entry("zf", "zero forcing X ∝ H(HᴴH)⁻¹ (digital, K ≤ N)", "",
                () -> new LinearPrecoder(LinearPrecoder.Kind.ZF)));
        register(new Entry("rzf", "regularised zero forcing X ∝ H(HᴴH + αI)⁻¹ (digital)",
                "reg: α (default K·mean(σ²)/P_t)",
                () -> new LinearPrecoder(LinearPrecoder.Kind.RZF)));
        register(new Entry(DnnIsacSolver.NAME, "unsupervised MLP ISAC precoder, one model per ρ (seed 003, digital)",
                "rho: trade-off ρ of a shipped model (default 0.5); q_bits: weight bits Q (default 32 = full); "
                        + "prune: global pruning ratio J (default 0)",
                DnnIsacSolver::new));
        register(new Entry("wmmse", "weighted MMSE sum-rate precoder, Shi et al. 2011 (digital, total power)",
                "max_iter (100), tol (1e-6, relative sum-rate change), init (0 = RZF, 1 = MRT)",
                WmmseSolver::new));
        register(new Entry("sca-crlb", "sum rate / CRLB balancing by two-layer SCA, seed 004 Algorithm 1 (digital ISAC)",
                "sensing_streams (3M), per_antenna_power (0/1), frame_length (30), delta_c (0.25), delta_s (1), "
                        + "radar_noise_w (mean user noise), max_iter (2000), tol (1e-5), seed (1), monotone (1)",
                () -> new ScaCrlbSolver(false)));
        register(new Entry("sca-crlb-ld", "low-dimensional seed 004 Algorithm 1, W = [H, A, Ȧθ, Ȧε]·P (Proposition 5)",
                "as sca-crlb, total power only",
                () -> new ScaCrlbSolver(true)));
        register(new Entry("maxmin-uao", "max-min fairness JCAS precoder and radar receive filters, unfolded AO with learned steps "
                + "(seed 002 Algorithm 1, shipped model)",
                "delta (1), radar_noise_w (mean user noise), per_antenna_power (1), layers (model's L_out), repeats (model's I_w)",
                MaxMinSolver::unfolded));
        register(new Entry("maxmin-ao", "seed 002 AO with a fixed normalised-gradient step (\"Fixed β\" baseline)",
                "delta, radar_noise_w, per_antenna_power, max_iter (150), inner_steps (6), step (0.001·√P_t), mu (10), tol (0)",
                () -> new MaxMinSolver(MaxMinSolver.Kind.FIXED)));
        register(new Entry("maxmin-ao-bt", "seed 002 AO with Armijo backtracking steps (\"Dynamic β\" baseline)",
                "as maxmin-ao; step = first trial (0.1·√P_t)",
                () -> new MaxMinSolver(MaxMinSolver.Kind.BACKTRACKING)));
        register(new Entry(HybridPgaSolver.NAME,
                "modified projected gradient ascent for hybrid JCAS precoding, max R - omega*tau (seed 000 Alg. 1, untrained)",
                "outer: I; inner: J; mu, lambda: steps; omega: tau weight; eta: weight of grad_W tau (1/N);"
                        + " rf_chains: M; init: 0 eq. 26, 1 random, 2 SVD; rescale_inner: 0/1; seed; half_width_deg",
                HybridPgaSolver::new));
        register(new Entry(HybridUpgaSolver.NAME,
                "deep-unfolded PGA for hybrid JCAS precoding with trained steps (seed 000 Alg. 1); shipped model chosen by N, K, M, omega",
                "layers: L <= I; omega: selects the model (0.3 or 0); rf_chains: M",
                HybridUpgaSolver::new));
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

    public static synchronized List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.keySet()));
    }

    public static synchronized List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }
}
