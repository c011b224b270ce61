package org.isac.controller;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.digital.LinearPrecoder;

/**
 * Controllable solvers registered under test names: {@code test-gate} (MRT after waiting on
 * {@link #gate}), {@code test-nan} (NaN weights), {@code test-hot} (MRT at 4× the budget),
 * {@code test-throw} (throws), {@code test-slow} (MRT after 100 ms, a slow design such as
 * sca-crlb), {@code test-error} (MRT, but every third solve of an instance throws an
 * {@code OutOfMemoryError}).
 */
final class TestSolvers {
    static final String GATE = "test-gate";
    static final String NAN = "test-nan";
    static final String HOT = "test-hot";
    static final String THROW = "test-throw";
    static final String SLOW = "test-slow";
    static final String ERROR = "test-error";

    /** Closed gate: solves of {@code test-gate} wait here (null = open). */
    static volatile CountDownLatch gate;
    /** Counted down each time a {@code test-gate} solve starts. */
    static volatile CountDownLatch entered = new CountDownLatch(0);

    static {
        register(GATE, () -> new Wrapped(GATE, 1.0, false, false));
        register(NAN, () -> new Wrapped(NAN, 1.0, true, false));
        register(HOT, () -> new Wrapped(HOT, 4.0, false, false));
        register(THROW, () -> new Wrapped(THROW, 1.0, false, true));
        register(SLOW, () -> new Wrapped(SLOW, 1.0, false, false));
        register(ERROR, () -> new Wrapped(ERROR, 1.0, false, false));
    }

    private TestSolvers() {
    }

    /** Makes sure the test solvers are registered. */
    static void init() {
    }

    /** Closes the gate and resets the entry latch to {@code entries}. */
    static void closeGate(int entries) {
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(entries);
    }

    static void openGate() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    private static void register(String name, java.util.function.Supplier<Solver> f) {
        if (!SolverRegistry.exists(name)) {
            SolverRegistry.register(new SolverRegistry.Entry(name, "test solver", "", f));
        }
    }

    private static final class Wrapped implements Solver {
        private final String name;
        private final double powerScale;
        private final boolean nan;
        private final boolean fail;
        private final LinearPrecoder mrt = new LinearPrecoder(LinearPrecoder.Kind.MRT);
        private int calls;

        Wrapped(String name, double powerScale, boolean nan, boolean fail) {
            this.name = name;
            this.powerScale = powerScale;
            this.nan = nan;
            this.fail = fail;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void solve(Problem problem, Precoder out) {
            CountDownLatch g = gate;
            if (name.equals(GATE)) {
                entered.countDown();
            }
            if (g != null && name.equals(GATE)) {
                try {
                    if (!g.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (fail) {
                throw new IllegalArgumentException("boom");
            }
            if (name.equals(SLOW)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (name.equals(ERROR) && ++calls % 3 == 0) {
                throw new OutOfMemoryError("test: the solver ran out of memory");
            }
            mrt.solve(problem, out);
            out.baseband.scale(Math.sqrt(powerScale));
            if (nan) {
                out.baseband.re[0] = Double.NaN;
            }
        }
    }
}
