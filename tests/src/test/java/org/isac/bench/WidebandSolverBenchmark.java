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
 * A wideband solve of S subbands ({@code batched}) against S narrowband solves of the same
 * subbands ({@code loop}, the subbands already split into narrowband problems), Saleh–Valenzuela
 * channels at 12 dB, P_t per subband. Divide by S for the time per subband. Run with
 * {@code ./isac jmh WidebandSolverBenchmark}. Six warm-up seconds: the batched path's own
 * Vector API kernels run boxed, about a hundred times slower, until C2 compiles them, and on a
 * busy machine three seconds were not always enough.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WidebandSolverBenchmark {
    @Param({"mrt", "zf", "rzf"})
    public String solver;

    @Param({"1", "4", "16", "64"})
    public int subbands;

    @Param({"64"})
    public int n;

    @Param({"4"})
    public int k;

    private Solver wide;
    private Solver narrow;
    private final Problem problem = new Problem();
    private Problem[] split;
    private final Precoder out = new Precoder();
    private final Precoder one = new Precoder();

    @Setup
    public void setup() {
        wide = SolverRegistry.create(solver);
        narrow = SolverRegistry.create(solver);
        SalehValenzuela model = new SalehValenzuela(n, k);
        SplittableRandom rng = new SplittableRandom(7);
        problem.powerBudgetW = 1;
        problem.setSubbands(subbands);
        split = new Problem[subbands];
        for (int s = 0; s < subbands; s++) {
            model.draw(rng, problem.channel(s));
            java.util.Arrays.fill(problem.noiseFor(s, k), 0, k, Math.pow(10, -1.2));
            Problem q = new Problem();
            q.channel.copyFrom(problem.channel(s));
            q.setNoise(k, Math.pow(10, -1.2));
            q.powerBudgetW = 1;
            split[s] = q;
        }
        wide.solve(problem, out);
        narrow.solve(split[0], one);
    }

    @Benchmark
    public Precoder batched() {
        wide.solve(problem, out);
        return out;
    }

    @Benchmark
    public Precoder loop() {
        for (Problem q : split) {
            narrow.solve(q, one);
        }
        return one;
    }
}
