package org.isac.solver.hybrid;

import java.util.SplittableRandom;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * Mean objective R − ω·τ versus outer iteration of the modified PGA for several constant step
 * choices on Saleh–Valenzuela channels (N = 64, K = M = 4, SNR 12 dB, σ² = 1, ω = 0.3, η = 1/N,
 * eq. (26) init unless stated). Used to choose {@link HybridPgaSolver}'s defaults.
 *
 * <p>Run: {@code java -cp <solvers classes>:<test classes>:<ejml jars> org.isac.solver.hybrid.PgaStudy
 * [channels] [outer] [inner] [seedOffset] [mu,lambda[,rescale[,init]] ...]} (system property {@code omega}, default 0.3)
 */
public final class PgaStudy {
    private PgaStudy() {
    }

    public static void main(String[] args) {
        int channels = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int outer = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int inner = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long seedOffset = args.length > 3 ? Long.parseLong(args[3]) : 0;
        int n = 64, k = 4, m = 4;
        double snrDb = 12, eta = 1.0 / n;
        double omega = Double.parseDouble(System.getProperty("omega", "0.3"));
        double pt = Math.pow(10, snrDb / 10);
        double[][] grid;
        if (args.length > 4) {
            grid = new double[args.length - 4][];
            for (int i = 4; i < args.length; i++) {
                String[] s = args[i].split(",");
                grid[i - 4] = new double[] {Double.parseDouble(s[0]), Double.parseDouble(s[1]),
                        s.length > 2 ? Double.parseDouble(s[2]) : 0, s.length > 3 ? Double.parseDouble(s[3]) : 0};
            }
        } else {
            grid = new double[][] {{0.01, 0.01, 0, 0}, {0.01, 1e-4, 0, 0}, {1e-3, 1e-4, 0, 0}, {0.1, 1e-4, 0, 0}};
        }
        CMatrix psi = new CMatrix();
        BenchmarkCovariance.cached(n, DesiredBeampattern.authorsDefault()).psi(pt, psi);
        double[] targets = {Math.toRadians(-60), 0, Math.toRadians(60)};
        double[] noise = {1, 1, 1, 1};
        SalehValenzuela sv = new SalehValenzuela(n, k);
        CMatrix[] hs = new CMatrix[channels];
        SplittableRandom rng = new SplittableRandom(2024 + seedOffset);
        for (int c = 0; c < channels; c++) {
            hs[c] = new CMatrix();
            sv.draw(rng, hs[c]);
        }
        int[] report = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500};
        System.out.printf("N=%d K=M=%d SNR=%.0f dB omega=%.2f eta=1/N J=%d, %d SV channels (mean R - omega*tau; R; tau at end)%n",
                n, k, snrDb, omega, inner, channels);
        HybridPga pga = new HybridPga();
        PgaSteps steps = new PgaSteps();
        double[] trace = new double[outer + 1];
        for (double[] g : grid) {
            steps.setConstant(outer, inner, g[0], g[1]);
            double[] mean = new double[outer + 1];
            double rate = 0, tau = 0;
            int worse = 0;
            for (int c = 0; c < channels; c++) {
                pga.prepare(hs[c], noise, pt, m, psi);
                pga.setWeights(omega, eta);
                pga.setSteps(steps);
                pga.setRescaleInner(g[2] != 0);
                pga.initialize((int) g[3], targets, 3, 1 + c);
                pga.run(trace);
                for (int i = 0; i <= outer; i++) {
                    mean[i] += trace[i] / channels;
                }
                if (trace[outer] < trace[0]) {
                    worse++;
                }
                rate += pga.sumRateBits() / channels;
                tau += pga.tau() / channels;
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("mu=%-7g lambda=%-7g resc=%d init=%d |", g[0], g[1], (int) g[2], (int) g[3]));
            for (int r : report) {
                if (r <= outer) {
                    sb.append(String.format(" i%d:%.3f", r, mean[r]));
                }
            }
            sb.append(String.format(" | R=%.3f tau=%.3f worse=%d", rate, tau, worse));
            System.out.println(sb);
        }
    }
}
