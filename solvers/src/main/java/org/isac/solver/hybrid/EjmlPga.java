package org.isac.solver.hybrid;

import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_ZDRM;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;

/**
 * A straightforward EJML transcription of the outer iterations of seed 000 Algorithm 1,
 * the yardstick the fast engines ({@link HybridPga} on {@code FastKernels}, {@link FloatPga}
 * on {@code ColumnKernels}) are measured against: every product is one
 * {@code CommonOps_ZDRM} call on interleaved matrices, in the order the equations read.
 * One F step (eqs. (13), (17), (23b)):
 * X = FW, g = HᴴF, Z = gW, D (as in {@link JcasObjective}), ∇_F R = H·D·Wᴴ/ln 2,
 * EX = X·XᴴX − Ψ·X, ∇_F τ = 2·EX·Wᴴ, F ← F + μ(∇_F R − ω∇_F τ). The W step (eqs. (14),
 * (18), (24)): W ← W + λ(gᴴD/ln 2 − 2ωη·Fᴴ·EX); then eq. (10) on F and eq. (12) on W.
 *
 * <p>Matrices are allocated once per size, so the comparison is of kernels, not of garbage.
 * Not thread-safe.
 */
public final class EjmlPga {
    private int n, k, m;
    private double pt, omega, eta;
    private double[] noise;
    private PgaSteps steps;
    private ZMatrixRMaj h, psi, f, w, x, g, z, d, hd, xhx, px, ex, y, grad, gw, fhex, gradW;

    /** Binds the problem and the start point (copied). */
    public void bind(CMatrix channel, double[] noise, double powerW, CMatrix psiMatrix, CMatrix f0, CMatrix w0,
                     double omega, double eta, PgaSteps steps) {
        n = channel.rows();
        k = channel.cols();
        m = f0.cols();
        if (h == null || h.numRows != n || h.numCols != k || f.numCols != m) {
            h = new ZMatrixRMaj(n, k);
            psi = new ZMatrixRMaj(n, n);
            f = new ZMatrixRMaj(n, m);
            w = new ZMatrixRMaj(m, k);
            x = new ZMatrixRMaj(n, k);
            g = new ZMatrixRMaj(k, m);
            z = new ZMatrixRMaj(k, k);
            d = new ZMatrixRMaj(k, k);
            hd = new ZMatrixRMaj(n, k);
            xhx = new ZMatrixRMaj(k, k);
            px = new ZMatrixRMaj(n, k);
            ex = new ZMatrixRMaj(n, k);
            y = new ZMatrixRMaj(n, k);
            grad = new ZMatrixRMaj(n, m);
            gw = new ZMatrixRMaj(m, k);
            fhex = new ZMatrixRMaj(m, k);
            gradW = new ZMatrixRMaj(m, k);
        }
        copy(channel, h);
        copy(psiMatrix, psi);
        copy(f0, f);
        copy(w0, w);
        this.noise = noise;
        this.pt = powerW;
        this.omega = omega;
        this.eta = eta;
        this.steps = steps;
    }

    /** Runs the first {@code layers} outer iterations. */
    public void run(int layers) {
        for (int i = 0; i < layers; i++) {
            for (int j = 0; j < steps.inner(); j++) {
                gradients();
                CommonOps_ZDRM.multTransB(y, w, grad);             // (∇_F R − ω∇_F τ) = Y·Wᴴ
                addScaled(f, steps.mu(i, j), grad);
            }
            double[] fd = f.data;
            for (int e = 0; e < n * m; e++) {                      // eq. (10)
                double a = Math.hypot(fd[2 * e], fd[2 * e + 1]);
                fd[2 * e] = a == 0 ? 1 : fd[2 * e] / a;
                fd[2 * e + 1] = a == 0 ? 0 : fd[2 * e + 1] / a;
            }
            gradients();
            CommonOps_ZDRM.multTransA(g, d, gw);                   // gᴴ·D
            CommonOps_ZDRM.multTransA(f, ex, fhex);                // Fᴴ·EX
            double[] a = gw.data, b = fhex.data, o = gradW.data;
            double c1 = 1 / Metrics.LN2, c2 = -2 * omega * eta;
            for (int e = 0; e < 2 * m * k; e++) {
                o[e] = c1 * a[e] + c2 * b[e];
            }
            addScaled(w, steps.lambda(i), gradW);
            CommonOps_ZDRM.mult(f, w, x);                          // eq. (12)
            double s = Math.sqrt(pt / frobenius2(x));
            CommonOps_ZDRM.scale(s, 0, w);
        }
    }

    /** X, g, Z, D, EX and Y = H·D/ln 2 − 2ω·EX at the iterate. */
    private void gradients() {
        CommonOps_ZDRM.mult(f, w, x);
        CommonOps_ZDRM.multTransA(h, f, g);
        CommonOps_ZDRM.mult(g, w, z);
        double[] zd = z.data, dd = d.data;
        for (int a = 0; a < k; a++) {
            double tot = 0;
            for (int l = 0; l < k; l++) {
                tot += zd[2 * (a * k + l)] * zd[2 * (a * k + l)] + zd[2 * (a * k + l) + 1] * zd[2 * (a * k + l) + 1];
            }
            double zr = zd[2 * (a * k + a)], zi = zd[2 * (a * k + a) + 1];
            double t = tot + noise[a], u = t - (zr * zr + zi * zi);
            for (int l = 0; l < k; l++) {
                double s = l == a ? 1 / t : 1 / t - 1 / u;
                dd[2 * (a * k + l)] = s * zd[2 * (a * k + l)];
                dd[2 * (a * k + l) + 1] = s * zd[2 * (a * k + l) + 1];
            }
        }
        CommonOps_ZDRM.mult(h, d, hd);
        CommonOps_ZDRM.multTransA(x, x, xhx);
        CommonOps_ZDRM.mult(psi, x, px);
        CommonOps_ZDRM.mult(x, xhx, ex);
        CommonOps_ZDRM.subtract(ex, px, ex);
        double[] hdd = hd.data, exd = ex.data, yd = y.data;
        double c1 = 1 / Metrics.LN2, c2 = -2 * omega;
        for (int e = 0; e < 2 * n * k; e++) {
            yd[e] = c1 * hdd[e] + c2 * exd[e];
        }
    }

    /** Writes the iterate into {@code fOut} (N × M) and {@code wOut} (M × K). */
    public void store(CMatrix fOut, CMatrix wOut) {
        copy(f, fOut.resize(n, m));
        copy(w, wOut.resize(m, k));
    }

    private static void addScaled(ZMatrixRMaj a, double s, ZMatrixRMaj b) {
        double[] ad = a.data, bd = b.data;
        for (int e = 0; e < a.getDataLength(); e++) {
            ad[e] += s * bd[e];
        }
    }

    private static double frobenius2(ZMatrixRMaj a) {
        double s = 0;
        for (int e = 0; e < a.getDataLength(); e++) {
            s += a.data[e] * a.data[e];
        }
        return s;
    }

    private static void copy(CMatrix from, ZMatrixRMaj to) {
        for (int e = 0; e < from.size(); e++) {
            to.data[2 * e] = from.re[e];
            to.data[2 * e + 1] = from.im[e];
        }
    }

    private static void copy(ZMatrixRMaj from, CMatrix to) {
        for (int e = 0; e < to.size(); e++) {
            to.re[e] = from.data[2 * e];
            to.im[e] = from.data[2 * e + 1];
        }
    }
}
