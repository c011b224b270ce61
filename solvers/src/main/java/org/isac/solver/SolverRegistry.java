package org.isac.solver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.isac.solver.digital.LinearPrecoder;
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
