package org.isac.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.WidebandJcasObjective;
import org.isac.solver.linalg.CMatrix;
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
 * Where a {@code hybrid-upga-wb} solve spends its time: the whole solve ({@code solve}, S
 * subbands of Saleh–Valenzuela channels at 12 dB, N = 64, K = M = 4, the shipped model's
 * 10 layers of 10 F steps) and its pieces at the same sizes: one F ascent direction of the
 * wideband objective ({@code ascentF}, run I·J = 100 times per solve) and the W directions of
 * all subbands ({@code ascentW}, I = 10 times per solve). Run with
 * {@code ./isac jmh WidebandUpgaBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WidebandUpgaBenchmark {
    @Param({"4", "16", "64"})
    public int subbands;

    private static final int N = 64, K = 4, M = 4;

    private Solver solver;
    private final Problem problem = new Problem();
    private final Precoder out = new Precoder();
    private final WidebandJcasObjective objective = new WidebandJcasObjective();
    private final CMatrix f = new CMatrix();
    private CMatrix[] w;
    private CMatrix[] gradW;
    private final CMatrix gradF = new CMatrix();

    @Setup
    public void setup() {
        solver = SolverRegistry.create("hybrid-upga-wb");
        SalehValenzuela model = new SalehValenzuela(N, K);
        SplittableRandom rng = new SplittableRandom(7);
        problem.powerBudgetW = 1;
        problem.setSubbands(subbands);
        CMatrix[] channels = new CMatrix[subbands];
        double[][] noise = new double[subbands][];
        for (int s = 0; s < subbands; s++) {
            model.draw(rng, problem.channel(s));
            java.util.Arrays.fill(problem.noiseFor(s, K), 0, K, Math.pow(10, -1.2));
            channels[s] = problem.channel(s);
            noise[s] = new double[K];
            java.util.Arrays.fill(noise[s], 1);
        }
        solver.solve(problem, out);
        // the pieces at the solver's answer
        CMatrix psi = new CMatrix(N, N);
        for (int i = 0; i < N; i++) {
            psi.re[i * N + i] = 1.0 / N;
        }
        objective.bind(channels, noise, psi);
        f.copyFrom(out.analog);
        w = new CMatrix[subbands];
        gradW = new CMatrix[subbands];
        for (int s = 0; s < subbands; s++) {
            w[s] = new CMatrix();
            w[s].copyFrom(out.baseband(s));
            gradW[s] = new CMatrix();
        }
        objective.ascentF(f, w, 0.3, gradF);
        objective.ascentW(f, w, 0.3, 1, gradW);
    }

    @Benchmark
    public Precoder solve() {
        solver.solve(problem, out);
        return out;
    }

    @Benchmark
    public double ascentF() {
        return objective.ascentF(f, w, 0.3, gradF);
    }

    @Benchmark
    public double ascentW() {
        return objective.ascentW(f, w, 0.3, 1, gradW);
    }
}
