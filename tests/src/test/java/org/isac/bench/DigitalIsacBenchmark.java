package org.isac.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.digital.Seed002Scenario;
import org.isac.solver.digital.Seed004Scenario;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One solve of a digital ISAC solver on its paper's reference problem: seed 004 (4×4
 * transmit UPA, 5×4 radar UPA, K = 4, M = 2 fixed targets, Rayleigh) for {@code wmmse},
 * {@code sca-crlb} and {@code sca-crlb-ld}; seed 002 (16/16 ULAs, K = 4, M = 2, C = 2) for
 * {@code maxmin-uao} (150 layers) and the baselines {@code maxmin-ao}, {@code maxmin-ao-bt}
 * (150 outer iterations of 6 W steps). Run with {@code ./isac jmh DigitalIsacBenchmark}
 * (add {@code -prof gc} for bytes per operation: 0 after warm-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DigitalIsacBenchmark {
    @Param({"wmmse", "sca-crlb", "sca-crlb-ld", "maxmin-uao", "maxmin-ao", "maxmin-ao-bt"})
    public String solver;

    private Solver instance;
    private Problem problem;
    private final Precoder out = new Precoder();

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(7);
        instance = SolverRegistry.create(solver);
        problem = solver.startsWith("maxmin") ? Seed002Scenario.draw(rng, 4) : Seed004Scenario.problem(rng, 4, 4);
        instance.solve(problem, out);
    }

    @Benchmark
    public Precoder solve() {
        instance.solve(problem, out);
        return out;
    }
}
