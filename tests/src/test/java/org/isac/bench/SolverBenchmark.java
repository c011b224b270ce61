package org.isac.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.channel.SalehValenzuela;
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
 * One solve of a registered solver on a Saleh–Valenzuela channel at 12 dB. Run with
 * {@code ./isac jmh SolverBenchmark} (add {@code -prof gc} for bytes per operation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SolverBenchmark {
    @Param({"mrt", "zf", "rzf"})
    public String solver;

    @Param({"64"})
    public int n;

    @Param({"4"})
    public int k;

    private Solver instance;
    private final Problem problem = new Problem();
    private final Precoder out = new Precoder();

    @Setup
    public void setup() {
        instance = SolverRegistry.create(solver);
        new SalehValenzuela(n, k).draw(new SplittableRandom(7), problem.channel);
        problem.powerBudgetW = 1;
        problem.setNoise(k, Math.pow(10, -1.2));
        problem.rfChains = k;
        instance.solve(problem, out);
    }

    @Benchmark
    public Precoder solve() {
        instance.solve(problem, out);
        return out;
    }
}
