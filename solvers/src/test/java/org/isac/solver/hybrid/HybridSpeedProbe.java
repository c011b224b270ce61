package org.isac.solver.hybrid;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.SalehValenzuela;

/**
 * Latency probe (not a unit test): solves {@code hybrid-upga} (or args[0]) at N = 64,
 * K = M = 4 on fixed channels and prints median / p99 µs per solve. With args[1] = "write"
 * or "check" and args[2] a file, writes or compares (max relative difference) the outputs
 * of 20 fixed problems.
 */
public final class HybridSpeedProbe {
    public static void main(String[] args) throws IOException {
        String name = args.length > 0 ? args[0] : HybridUpgaSolver.NAME;
        int n = 64, k = 4;
        Solver s = SolverRegistry.create(name);
        Problem[] ps = new Problem[20];
        for (int i = 0; i < ps.length; i++) {
            Problem p = new Problem();
            new SalehValenzuela(n, k).draw(new SplittableRandom(100 + i), p.channel);
            p.setNoise(k, 1);
            p.powerBudgetW = Math.pow(10, 1.2);
            p.rfChains = k;
            p.tx = ArrayShape.ula(n);
            ps[i] = p;
        }
        Precoder out = new Precoder();
        if (args.length > 1 && args[1].equals("perturb")) {
            // sensitivity of the reference itself: H·(1 + 1e-15) vs H
            Precoder o2 = new Precoder();
            double worst = 0, worstObj = 0;
            for (Problem p : ps) {
                s.solve(p, out);
                double obj = out.predicted.get("objective", Double.NaN);
                p.channel.scale(1 + 1e-15);
                s.solve(p, o2);
                p.channel.scale(1 / (1 + 1e-15));
                double num = 0, den = 0;
                for (int i = 0; i < out.analog.size(); i++) {
                    num = Math.max(num, Math.hypot(out.analog.re[i] - o2.analog.re[i], out.analog.im[i] - o2.analog.im[i]));
                    den = Math.max(den, Math.hypot(out.analog.re[i], out.analog.im[i]));
                }
                worst = Math.max(worst, num / den);
                worstObj = Math.max(worstObj, Math.abs(obj - o2.predicted.get("objective", Double.NaN)) / Math.abs(obj));
            }
            System.out.printf("H*(1+1e-15): max relative difference of F %.3e, of the objective %.3e%n", worst, worstObj);
        }
        if (args.length > 2) {
            Path file = Path.of(args[2]);
            if (args[1].equals("write")) {
                try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(file))) {
                    for (Problem p : ps) {
                        s.solve(p, out);
                        for (int i = 0; i < out.analog.size(); i++) { o.writeDouble(out.analog.re[i]); o.writeDouble(out.analog.im[i]); }
                        for (int i = 0; i < out.baseband.size(); i++) { o.writeDouble(out.baseband.re[i]); o.writeDouble(out.baseband.im[i]); }
                        o.writeDouble(out.predicted.get("objective", Double.NaN));
                    }
                }
            } else {
                double worst = 0, worstObj = 0;
                try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                    for (Problem p : ps) {
                        s.solve(p, out);
                        double num = 0, den = 0;
                        for (int i = 0; i < out.analog.size(); i++) {
                            double a = in.readDouble(), b = in.readDouble();
                            num = Math.max(num, Math.hypot(a - out.analog.re[i], b - out.analog.im[i]));
                            den = Math.max(den, Math.hypot(a, b));
                        }
                        worst = Math.max(worst, num / den);
                        num = 0; den = 0;
                        for (int i = 0; i < out.baseband.size(); i++) {
                            double a = in.readDouble(), b = in.readDouble();
                            num = Math.max(num, Math.hypot(a - out.baseband.re[i], b - out.baseband.im[i]));
                            den = Math.max(den, Math.hypot(a, b));
                        }
                        worst = Math.max(worst, num / den);
                        double obj = out.predicted.get("objective", Double.NaN);
                        worstObj = Math.max(worstObj, Math.abs(obj - in.readDouble()) / Math.abs(obj));
                    }
                }
                System.out.printf("max relative difference of the objective: %.3e%n", worstObj);
                System.out.printf("max relative difference vs %s: %.3e%n", file, worst);
            }
        }
        int runs = Integer.getInteger("runs", 3000), warm = runs / 2;
        for (int i = 0; i < warm; i++) {
            s.solve(ps[i % ps.length], out);
        }
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            s.solve(ps[i % ps.length], out);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.printf("%s N=%d K=M=%d: median %.1f us, p99 %.1f us, min %.1f us (%d solves)%n", name, n, k,
                t[runs / 2] / 1e3, t[(int) (runs * 0.99)] / 1e3, t[0] / 1e3, runs);
    }
}
