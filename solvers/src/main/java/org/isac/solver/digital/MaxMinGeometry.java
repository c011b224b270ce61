package org.isac.solver.digital;

import org.isac.solver.Problem;
import org.isac.solver.Scatterers;
import org.isac.solver.linalg.CMatrix;

/**
 * The problem of a {@link MaxMinAo} run (seed 002) in the rank-one echo form, and the kernels
 * that both the AO and its reverse mode (training) apply to it. Point echo channels
 * G_j = α_j·a_r,j·a_t,jᴴ (targets j = 1…M, then clutter M+1…M+C = J) are kept as
 * V = [H, A_t] (N_t × (K+J)), its conjugate transpose, A_r (N_r × J), |α_j|² and
 * G_r = A_rᴴA_r (J × J); see {@link MaxMinAo} for how they enter (13)–(18).
 *
 * <p>Fields are set by {@link MaxMinAo#setUp} and only read elsewhere. Not thread-safe;
 * allocation-free after the first set-up at a size.
 */
public final class MaxMinGeometry {
    /** Transmit and receive antennas, users, targets, scatterers (targets + clutter), K + J. */
    public int nt, nr, k, mt, jn, kj;
    /** δ of (6), P_t, N_r·σ_s², √(P_t/N_t) (the per-antenna row norm). */
    public double delta, pt, sigmaP, rowTarget;
    /** Seed 002's per-antenna set S (else the total power ‖W‖²_F = P_t). */
    public boolean perAntenna;
    /** User noise σ_k², |α_j|², α_j. */
    public double[] noise = new double[0], a2 = new double[0], alRe = new double[0], alIm = new double[0];
    /** V = [H, A_t] (N_t × (K+J)). */
    public final CMatrix v = new CMatrix();
    /** Vᴴ. */
    public final CMatrix vh = new CMatrix();
    /** A_r (N_r × J). */
    public final CMatrix ar = new CMatrix();
    /** G_r = A_rᴴA_r (J × J, row-major). */
    public double[] grRe = new double[0], grIm = new double[0];
    private double[] colRe = new double[0], colIm = new double[0];
    private double[] rinvWork = new double[0];
    private double[] rowScratch = new double[0];

    /** Copies the problem; see {@link MaxMinAo#setUp}. */
    void setUp(Problem p, double delta, double radarNoiseW, boolean perAntennaPower) {
        nt = p.antennas();
        k = p.users();
        mt = p.targets.count();
        int c = p.clutter.count();
        jn = mt + c;
        kj = k + jn;
        if (nt < 1 || k < 1) {
            throw new IllegalArgumentException("max-min: empty channel " + nt + "x" + k);
        }
        if (mt < 1) {
            throw new IllegalArgumentException("max-min: needs at least one target");
        }
        if (p.tx.size() != nt) {
            throw new IllegalArgumentException("max-min: transmit array has " + p.tx.size() + " elements, channel " + nt + " rows");
        }
        if (!(p.powerBudgetW > 0) || !Double.isFinite(p.powerBudgetW)) {
            throw new IllegalArgumentException("max-min: power budget must be finite and > 0 W, got " + p.powerBudgetW);
        }
        if (!(radarNoiseW > 0) || !(delta >= 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("max-min: need radar_noise_w > 0 and finite delta >= 0, got " + radarNoiseW + ", " + delta);
        }
        nr = p.rx.size();
        this.delta = delta;
        this.pt = p.powerBudgetW;
        this.perAntenna = perAntennaPower;
        this.rowTarget = Math.sqrt(pt / nt);
        this.sigmaP = nr * radarNoiseW;
        if (noise.length < k) {
            noise = new double[k];
        }
        for (int q = 0; q < k; q++) {
            if (!(p.noise[q] > 0)) {
                throw new IllegalArgumentException("max-min: user noise must be > 0, user " + q + " has " + p.noise[q]);
            }
            noise[q] = p.noise[q];
        }
        if (a2.length < jn) {
            a2 = new double[jn];
            alRe = new double[jn];
            alIm = new double[jn];
        }
        int len = Math.max(nt, nr);
        if (colRe.length < len) {
            colRe = new double[len];
            colIm = new double[len];
        }
        v.reshape(nt, kj);
        ar.reshape(nr, jn);
        CMatrix h = p.channel;
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < k; q++) {
                v.re[i * kj + q] = h.re[i * k + q];
                v.im[i * kj + q] = h.im[i * k + q];
            }
        }
        for (int j = 0; j < jn; j++) {
            Scatterers s = j < mt ? p.targets : p.clutter;
            int idx = j < mt ? j : j - mt;
            alRe[j] = s.gainRe[idx];
            alIm[j] = s.gainIm[idx];
            a2[j] = alRe[j] * alRe[j] + alIm[j] * alIm[j];
            p.tx.steering(s.azimuthRad[idx], s.elevationRad[idx], colRe, colIm, 0);
            for (int i = 0; i < nt; i++) {
                v.re[i * kj + k + j] = colRe[i];
                v.im[i * kj + k + j] = colIm[i];
            }
            p.rx.steering(s.azimuthRad[idx], s.elevationRad[idx], colRe, colIm, 0);
            for (int i = 0; i < nr; i++) {
                ar.re[i * jn + j] = colRe[i];
                ar.im[i * jn + j] = colIm[i];
            }
        }
        vh.reshape(kj, nt);
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < kj; q++) {
                vh.re[q * nt + i] = v.re[i * kj + q];
                vh.im[q * nt + i] = -v.im[i * kj + q];
            }
        }
        if (grRe.length < jn * jn) {
            grRe = new double[jn * jn];
            grIm = new double[jn * jn];
            rinvWork = new double[2 * jn * 2 * jn];
        }
        for (int a = 0; a < jn; a++) {
            for (int b = 0; b < jn; b++) {
                double sr = 0, si = 0;
                for (int i = 0; i < nr; i++) {
                    double xr = ar.re[i * jn + a], xi = -ar.im[i * jn + a];
                    double yr = ar.re[i * jn + b], yi = ar.im[i * jn + b];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                grRe[a * jn + b] = sr;
                grIm[a * jn + b] = si;
            }
        }
        if (rowScratch.length < nt) {
            rowScratch = new double[nt];
        }
    }

    // ================================================================== kernels (W kept as Wᵀ, K × N_t)

    /** Reshapes only when the shape differs (so the contents are not zeroed needlessly). */
    public static void shape(CMatrix m, int rows, int cols) {
        if (m.rows() != rows || m.cols() != cols) {
            m.reshape(rows, cols);
        }
    }

    /**
     * out = Vᴴ·X for X = xtᵀ (N_t × K given as K × N_t): out[q, c] = Σ_i vh[q, i]·xt[c, i],
     * (K+J) × K. Flops: 8·(K+J)·K·N_t.
     */
    public void project(CMatrix xt, CMatrix out) {
        shape(out, kj, k);
        double[] vr = vh.re, vi = vh.im, xr = xt.re, xi = xt.im;
        for (int q = 0; q < kj; q++) {
            int vo = q * nt;
            for (int c = 0; c < k; c++) {
                int xo = c * nt;
                double sr = 0, si = 0;
                for (int i = 0; i < nt; i++) {
                    double ar = vr[vo + i], ai = vi[vo + i], br = xr[xo + i], bi = xi[xo + i];
                    sr += ar * br - ai * bi;
                    si += ar * bi + ai * br;
                }
                out.re[q * k + c] = sr;
                out.im[q * k + c] = si;
            }
        }
    }

    /**
     * outt = (V·D)ᵀ (K × N_t) for D (K+J) × K: outt[c, i] (+)= Σ_q D[q, c]·conj(vh[q, i]).
     * Flops: 8·(K+J)·K·N_t.
     */
    public void lift(CMatrix d, CMatrix outt, boolean accumulate) {
        if (!accumulate) {
            shape(outt, k, nt);
            java.util.Arrays.fill(outt.re, 0, k * nt, 0);
            java.util.Arrays.fill(outt.im, 0, k * nt, 0);
        }
        double[] vr = vh.re, vi = vh.im, or = outt.re, oi = outt.im;
        for (int c = 0; c < k; c++) {
            int oo = c * nt;
            for (int q = 0; q < kj; q++) {
                double dr = d.re[q * k + c], di = d.im[q * k + c];
                if (dr == 0 && di == 0) {
                    continue;
                }
                int vo = q * nt;
                for (int i = 0; i < nt; i++) {
                    double ar = vr[vo + i], ai = -vi[vo + i];
                    or[oo + i] += dr * ar - di * ai;
                    oi[oo + i] += dr * ai + di * ar;
                }
            }
        }
    }

    public void grTimes(double[] phR, double[] phI, double[] outRe, double[] outIm) {
        for (int j = 0; j < jn; j++) {
            for (int m = 0; m < mt; m++) {
                double sr = 0, si = 0;
                for (int i = 0; i < jn; i++) {
                    double xr = grRe[j * jn + i], xi = grIm[j * jn + i];
                    double yr = phR[i * mt + m], yi = phI[i * mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                outRe[j * mt + m] = sr;
                outIm[j * mt + m] = si;
            }
        }
    }

    /** R̃⁻¹ with R̃ = N_rσ_s²I + diag(|α_j|²p_j)·G_r (J × J), by Gauss–Jordan with partial pivoting. */
    public void invertFilterMatrix(double[] p, double[] outRe, double[] outIm) {
        int n = jn, m2 = 2 * n;
        double[] aw = rinvWork; // n × 2n complex as [re | im] blocks: row r, col c → (r*2n + c) re, im offset n*2n
        int imOff = n * m2;
        if (aw.length < 2 * n * m2) {
            aw = rinvWork = new double[2 * n * m2];
        }
        for (int r = 0; r < n; r++) {
            double cr = a2[r] * p[r];
            for (int c = 0; c < n; c++) {
                aw[r * m2 + c] = cr * grRe[r * n + c] + (r == c ? sigmaP : 0);
                aw[imOff + r * m2 + c] = cr * grIm[r * n + c];
                aw[r * m2 + n + c] = r == c ? 1 : 0;
                aw[imOff + r * m2 + n + c] = 0;
            }
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            double best = -1;
            for (int r = col; r < n; r++) {
                double x = aw[r * m2 + col], y = aw[imOff + r * m2 + col];
                double mag = x * x + y * y;
                if (mag > best) {
                    best = mag;
                    piv = r;
                }
            }
            if (!(best > 0) || !Double.isFinite(best)) {
                throw new IllegalArgumentException("max-min: receive filter system is singular");
            }
            if (piv != col) {
                for (int c = 0; c < m2; c++) {
                    double t = aw[col * m2 + c];
                    aw[col * m2 + c] = aw[piv * m2 + c];
                    aw[piv * m2 + c] = t;
                    t = aw[imOff + col * m2 + c];
                    aw[imOff + col * m2 + c] = aw[imOff + piv * m2 + c];
                    aw[imOff + piv * m2 + c] = t;
                }
            }
            double pr = aw[col * m2 + col], pi = aw[imOff + col * m2 + col];
            double den = pr * pr + pi * pi;
            double ir = pr / den, ii = -pi / den; // 1/pivot
            for (int c = 0; c < m2; c++) {
                double x = aw[col * m2 + c], y = aw[imOff + col * m2 + c];
                aw[col * m2 + c] = x * ir - y * ii;
                aw[imOff + col * m2 + c] = x * ii + y * ir;
            }
            for (int r = 0; r < n; r++) {
                if (r == col) {
                    continue;
                }
                double fr = aw[r * m2 + col], fi = aw[imOff + r * m2 + col];
                if (fr == 0 && fi == 0) {
                    continue;
                }
                for (int c = 0; c < m2; c++) {
                    double x = aw[col * m2 + c], y = aw[imOff + col * m2 + c];
                    aw[r * m2 + c] -= fr * x - fi * y;
                    aw[imOff + r * m2 + c] -= fr * y + fi * x;
                }
            }
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                outRe[r * n + c] = aw[r * m2 + n + c];
                outIm[r * n + c] = aw[imOff + r * m2 + n + c];
            }
        }
    }

    /**
     * Π_S in place on Wᵀ (K × N_t): per antenna, column i (row i of W) scaled to √(P_t/N_t);
     * total, the whole matrix to √P_t. Norms before scaling go to {@code norms} when not null.
     */
    public void projectInPlace(CMatrix xt, double[] norms) {
        double[] xr = xt.re, xi = xt.im;
        if (perAntenna) {
            double[] nrm = norms != null ? norms : rowScratch;
            java.util.Arrays.fill(nrm, 0, nt, 0);
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    nrm[i] += xr[o + i] * xr[o + i] + xi[o + i] * xi[o + i];
                }
            }
            for (int i = 0; i < nt; i++) {
                nrm[i] = Math.sqrt(nrm[i]);
            }
            for (int i = 0; i < nt; i++) {
                if (!(nrm[i] > 0)) {
                    double u = rowTarget / Math.sqrt(k);
                    for (int c = 0; c < k; c++) {
                        xr[c * nt + i] = u;
                        xi[c * nt + i] = 0;
                    }
                    nrm[i] = 0;
                }
            }
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    double f = nrm[i] > 0 ? rowTarget / nrm[i] : 1;
                    xr[o + i] *= f;
                    xi[o + i] *= f;
                }
            }
        } else {
            double nrm = Math.sqrt(xt.frobeniusNorm2());
            if (norms != null) {
                norms[0] = nrm;
            }
            if (!(nrm > 0)) {
                throw new IllegalArgumentException("max-min: precoder has no power");
            }
            xt.scale(Math.sqrt(pt) / nrm);
        }
    }
}
