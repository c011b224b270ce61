package org.isac.solver.train;

import static org.isac.solver.digital.MaxMinGeometry.shape;

import org.isac.solver.digital.MaxMinAo;
import org.isac.solver.digital.MaxMinGeometry;
import org.isac.solver.digital.MaxMinRecords;
import org.isac.solver.digital.MaxMinRecords.Eval;
import org.isac.solver.digital.MaxMinRecords.Layer;
import org.isac.solver.digital.MaxMinRecords.Step;
import org.isac.solver.linalg.CMatrix;

/**
 * Reverse mode of {@link MaxMinAo} (seed 002's unfolded max-min AO), for training: from a
 * recorded run ({@link MaxMinAo#setRecording}), {@link #backward} returns the gradient of
 * loss (19), −Σ_ℓ (1/ℓ)·h(W_ℓ, F_ℓ), with respect to the log step sizes and log smoothing
 * factors, by hand-written adjoints of every step of the AO's outer layer: the smoothed
 * minimum (8), the quadratic transform (12), the F update (13) in its rank-one form and the
 * projected normalised-gradient W steps (17)–(18) (checked against finite differences in the
 * tests). min is differentiated at its arg-min.
 *
 * <p>Not thread-safe; allocation-free after the first backward pass at a size.
 */
public final class MaxMinAoReverse {
    private final MaxMinAo ao;
    private final MaxMinGeometry geo;
    private final CMatrix tmpE = new CMatrix();
    private final CMatrix wBar = new CMatrix();
    private final CMatrix wBarIn = new CMatrix();
    private final CMatrix gBarN = new CMatrix();
    private final CMatrix dgBar = new CMatrix();
    private double[] rows = new double[0];
    private double[] phiBarRe = new double[0], phiBarIm = new double[0];
    private double[] phiBarOutRe = new double[0], phiBarOutIm = new double[0];
    private final EvalBar eb = new EvalBar();
    private final CoefBar cb = new CoefBar();

    private static void zero(double[] a, double[] b, double[] c, double[] d) {
        java.util.Arrays.fill(a, 0);
        java.util.Arrays.fill(b, 0);
        java.util.Arrays.fill(c, 0);
        java.util.Arrays.fill(d, 0);
    }

    private static void zero(double[] a, double[] b, double[] c, double[] d, double[] e) {
        zero(a, b, c, d);
        java.util.Arrays.fill(e, 0);
    }

    /** Adjoints of an {@link Eval}'s quantities. */
    private static final class EvalBar extends MaxMinRecords.Buffers {
        void reset(int k, int jn, int mt, int kj) {
            size(k, jn, mt);
            zero(sRe, sIm, t, d, r);
            zero(gRe, gIm, n, p);
            zero(ts, ss, ds, rs);
            e.reshape(kj, k);
        }
    }

    /** Adjoints of one layer's W-step coefficients. */
    private static final class CoefBar {
        double[] sig1Re = new double[0], sig1Im = new double[0], sig2 = new double[0], y = new double[0];
        double[] xcRe = new double[0], xcIm = new double[0];

        void reset(int k, int jn, int mt) {
            if (sig2.length < k) {
                sig1Re = new double[k];
                sig1Im = new double[k];
                sig2 = new double[k];
            }
            if (y.length < jn) {
                y = new double[jn];
            }
            if (xcRe.length < mt * k) {
                xcRe = new double[mt * k];
                xcIm = new double[mt * k];
            }
            java.util.Arrays.fill(sig1Re, 0);
            java.util.Arrays.fill(sig1Im, 0);
            java.util.Arrays.fill(sig2, 0);
            java.util.Arrays.fill(y, 0);
            java.util.Arrays.fill(xcRe, 0);
            java.util.Arrays.fill(xcIm, 0);
        }
    }

    /** The reverse mode of {@code ao}, whose runs must be recorded ({@link MaxMinAo#setRecording}). */
    public MaxMinAoReverse(MaxMinAo ao) {
        this.ao = ao;
        this.geo = ao.geometry();
    }

    /** Loss (19) of the AO's last recorded run: −Σ_{ℓ=1}^{L} h_ℓ/ℓ. */
    public double loss() {
        double s = 0;
        for (int l = 1; l <= ao.layersRun(); l++) {
            s -= ao.recordedEval(l).h / l;
        }
        return s;
    }

    private void size() {
        int jm = geo.jn * geo.mt;
        if (phiBarRe.length < jm) {
            phiBarRe = new double[jm];
            phiBarIm = new double[jm];
            phiBarOutRe = new double[jm];
            phiBarOutIm = new double[jm];
        }
        if (rows.length < geo.nt) {
            rows = new double[geo.nt];
        }
    }

    /**
     * Gradient of loss (19) of the last recorded SCHEDULE or FIXED run: adds ∂L/∂ln β_{ℓ,i} to
     * {@code gradLogSteps[ℓ·inner + i]} (SCHEDULE runs; may be null) and ∂L/∂ln μ_c,
     * ∂L/∂ln μ_s to {@code gradLogMu[0], [1]} (may be null). Returns the loss.
     */
    public double backward(double[] gradLogSteps, double[] gradLogMu) {
        if (!ao.recording()) {
            throw new IllegalStateException("max-min: backward needs a recorded run (setRecording(true))");
        }
        int nl = ao.layersRun();
        double muC = ao.lastMuC(), muS = ao.lastMuS();
        double muCBar = 0, muSBar = 0;
        size();
        wBar.reshape(geo.k, geo.nt);
        java.util.Arrays.fill(phiBarOutRe, 0, geo.jn * geo.mt, 0);
        java.util.Arrays.fill(phiBarOutIm, 0, geo.jn * geo.mt, 0);
        // h(W_L, F_L): not used by any layer
        eb.reset(geo.k, geo.jn, geo.mt, geo.kj);
        evalBackward(ao.recordedEval(nl), nl >= 1 ? -1.0 / nl : 0, wBar, phiBarOutRe, phiBarOutIm);
        for (int l = nl; l >= 1; l--) {
            Layer lay = ao.recordedLayer(l - 1);
            Eval ev = ao.recordedEval(l - 1);
            cb.reset(geo.k, geo.jn, geo.mt);
            // inner steps, last first; wBar is the adjoint of the step's output
            for (int s = lay.stepCount - 1; s >= 0; s--) {
                stepBackward(lay, lay.steps[s], gradLogSteps);
            }
            eb.reset(geo.k, geo.jn, geo.mt, geo.kj);
            double[] zcBar = zcBarScratch(), zsBar = zsBarScratch();
            java.util.Arrays.fill(zcBar, 0, geo.k, 0);
            java.util.Arrays.fill(zsBar, 0, geo.mt, 0);
            coefficientBackward(ev, lay, zcBar, zsBar);
            muCBar += softmaxBackward(ev.r, geo.k, muC, lay.zc, zcBar, eb.r);
            muSBar += softmaxBackward(ev.rs, geo.mt, muS, lay.zs, zsBar, eb.rs);
            // Φ̄ of the previous state: from g and n of the evaluation
            java.util.Arrays.fill(phiBarOutRe, 0, geo.jn * geo.mt, 0);
            java.util.Arrays.fill(phiBarOutIm, 0, geo.jn * geo.mt, 0);
            evalBackward(ev, l - 1 >= 1 ? -1.0 / (l - 1) : 0, wBar, phiBarOutRe, phiBarOutIm);
        }
        if (gradLogMu != null) {
            gradLogMu[0] += muCBar * muC;
            gradLogMu[1] += muSBar * muS;
        }
        return loss();
    }

    private double[] zcBarBuf = new double[0], zsBarBuf = new double[0];

    private double[] zcBarScratch() {
        if (zcBarBuf.length < geo.k) {
            zcBarBuf = new double[geo.k];
        }
        return zcBarBuf;
    }

    private double[] zsBarScratch() {
        if (zsBarBuf.length < geo.mt) {
            zsBarBuf = new double[geo.mt];
        }
        return zsBarBuf;
    }

    /**
     * Inner step adjoint: wBar (adjoint of W_out) becomes the adjoint of W_in; accumulates
     * the coefficient adjoints in {@link #cb} and the step's log-β gradient.
     */
    private void stepBackward(Layer l, Step st, double[] gradLogSteps) {
        int len = geo.nt * geo.k;
        CMatrix u = st.u;
        // Ū from the projection (columns of Uᵀ are the rows of U)
        CMatrix ub = wBarIn;
        ub.reshape(geo.k, geo.nt);
        if (geo.perAntenna) {
            double[] rho = rows;
            java.util.Arrays.fill(rho, 0, geo.nt, 0);
            for (int c = 0; c < geo.k; c++) {
                int o = c * geo.nt;
                for (int i = 0; i < geo.nt; i++) {
                    rho[i] += u.re[o + i] * wBar.re[o + i] + u.im[o + i] * wBar.im[o + i];
                }
            }
            for (int c = 0; c < geo.k; c++) {
                int o = c * geo.nt;
                for (int i = 0; i < geo.nt; i++) {
                    double n = st.rowNorm[i];
                    if (!(n > 0)) {
                        continue; // replaced by a constant row
                    }
                    double f = geo.rowTarget / n, g = rho[i] / (n * n);
                    ub.re[o + i] = f * (wBar.re[o + i] - g * u.re[o + i]);
                    ub.im[o + i] = f * (wBar.im[o + i] - g * u.im[o + i]);
                }
            }
        } else {
            double n = st.rowNorm[0];
            double rho = 0;
            for (int q = 0; q < len; q++) {
                rho += u.re[q] * wBar.re[q] + u.im[q] * wBar.im[q];
            }
            double f = Math.sqrt(geo.pt) / n, g = rho / (n * n);
            for (int q = 0; q < len; q++) {
                ub.re[q] = f * (wBar.re[q] - g * u.re[q]);
                ub.im[q] = f * (wBar.im[q] - g * u.im[q]);
            }
        }
        // U = W_in − scale·G: W̄_in = Ū (+ the gradient path below)
        System.arraycopy(ub.re, 0, wBar.re, 0, len);
        System.arraycopy(ub.im, 0, wBar.im, 0, len);
        if (!(st.nu > 0)) {
            return;
        }
        double scaleBar = 0;
        for (int q = 0; q < len; q++) {
            scaleBar -= ub.re[q] * st.g.re[q] + ub.im[q] * st.g.im[q];
        }
        if (st.stepIndex >= 0 && gradLogSteps != null) {
            // scale = β√P_t/ν: ∂L/∂ln β = scaleBar·scale
            gradLogSteps[st.stepIndex] += scaleBar * st.scale;
        }
        double nuBar = -scaleBar * st.scale / st.nu;
        CMatrix gb = gBarN;
        shape(gb, geo.k, geo.nt);
        double fg = nuBar / st.nu;
        for (int q = 0; q < len; q++) {
            gb.re[q] = -st.scale * ub.re[q] + fg * st.g.re[q];
            gb.im[q] = -st.scale * ub.im[q] + fg * st.g.im[q];
        }
        // G = V·D: D̄ = Vᴴ Ḡ
        geo.project(gb, dgBar);
        CMatrix e = st.e;
        shape(tmpE, geo.kj, geo.k);
        for (int q = 0; q < geo.k; q++) {
            double s2 = 0;
            for (int c = 0; c < geo.k; c++) {
                int i = q * geo.k + c;
                tmpE.re[i] = l.sig2[q] * dgBar.re[i];
                tmpE.im[i] = l.sig2[q] * dgBar.im[i];
                s2 += dgBar.re[i] * e.re[i] + dgBar.im[i] * e.im[i];
            }
            cb.sig2[q] += s2;
            cb.sig1Re[q] -= dgBar.re[q * geo.k + q];
            cb.sig1Im[q] -= dgBar.im[q * geo.k + q];
        }
        for (int j = 0; j < geo.jn; j++) {
            double sy = 0;
            for (int c = 0; c < geo.k; c++) {
                int i = (geo.k + j) * geo.k + c;
                tmpE.re[i] = l.y[j] * dgBar.re[i];
                tmpE.im[i] = l.y[j] * dgBar.im[i];
                sy += dgBar.re[i] * e.re[i] + dgBar.im[i] * e.im[i];
                if (j < geo.mt) {
                    cb.xcRe[j * geo.k + c] -= dgBar.re[i];
                    cb.xcIm[j * geo.k + c] -= dgBar.im[i];
                }
            }
            cb.y[j] += sy;
        }
        // E = Vᴴ W_in: W̄_in += V Ē
        geo.lift(tmpE, wBar, true);
    }

    /**
     * Adjoint of the AO's layer coefficients (z, Σ₁, Σ₂, F, y, X_c of a {@link Layer}): from
     * {@link #cb} and the adjoint of the layer's new Φ ({@link #phiBarOutRe}) into {@link #eb}
     * (quantities of {@code ev}) and z̄.
     */
    private void coefficientBackward(Eval ev, Layer l, double[] zcBar, double[] zsBar) {
        // X_c row m = ω_m P_m
        double[] g2bRe = phiBarRe, g2bIm = phiBarIm; // reuse as ḡ' (J × M)
        java.util.Arrays.fill(g2bRe, 0, geo.jn * geo.mt, 0);
        java.util.Arrays.fill(g2bIm, 0, geo.jn * geo.mt, 0);
        for (int m = 0; m < geo.mt; m++) {
            double obr = 0, obi = 0;
            for (int c = 0; c < geo.k; c++) {
                int pi = (geo.k + m) * geo.k + c;
                double pr = ev.e.re[pi], pim = ev.e.im[pi];
                double xr = cb.xcRe[m * geo.k + c], xi = cb.xcIm[m * geo.k + c];
                // ω̄ += X̄c·conj(P)
                obr += xr * pr + xi * pim;
                obi += xi * pr - xr * pim;
                // P̄ += conj(ω)·X̄c
                eb.e.re[pi] += l.omRe[m] * xr + l.omIm[m] * xi;
                eb.e.im[pi] += l.omRe[m] * xi - l.omIm[m] * xr;
            }
            // ω = ρ·g'_mm·conj(g_mm)
            double g2r = l.g2Re[m * geo.mt + m], g2i = l.g2Im[m * geo.mt + m];
            double gr = ev.gRe[m * geo.mt + m], gi = ev.gIm[m * geo.mt + m];
            double rho = l.rho[m];
            // ḡ'_mm += ρ·g_mm·ω̄
            g2bRe[m * geo.mt + m] += rho * (gr * obr - gi * obi);
            g2bIm[m * geo.mt + m] += rho * (gr * obi + gi * obr);
            // ḡ_mm += ρ·g'_mm·conj(ω̄)
            eb.gRe[m * geo.mt + m] += rho * (g2r * obr + g2i * obi);
            eb.gIm[m * geo.mt + m] += rho * (g2i * obr - g2r * obi);
            // ρ̄ = Re(conj(ω̄)·g'_mm·conj(g_mm))
            double pr = g2r * gr + g2i * gi, pim = g2i * gr - g2r * gi;
            double rhoBar = obr * pr + obi * pim;
            // ρ = δ a_m z_sm / D_sm
            zsBar[m] += rhoBar * geo.delta * geo.a2[m] / ev.ds[m];
            eb.ds[m] -= rhoBar * rho / ev.ds[m];
        }
        // y_j = δ a_j Σ_m z_sm ψ_m |g'_jm|²
        for (int m = 0; m < geo.mt; m++) {
            double psiBar = 0;
            for (int j = 0; j < geo.jn; j++) {
                double t = geo.delta * geo.a2[j] * cb.y[j];
                double gr = l.g2Re[j * geo.mt + m], gi = l.g2Im[j * geo.mt + m];
                double g2 = gr * gr + gi * gi;
                zsBar[m] += t * l.psi[m] * g2;
                psiBar += t * l.zs[m] * g2;
                double f = 2 * t * l.zs[m] * l.psi[m];
                g2bRe[j * geo.mt + m] += f * gr;
                g2bIm[j * geo.mt + m] += f * gi;
            }
            // ψ = S/(T_s D_s)
            double ts = ev.ts[m], ds = ev.ds[m], psi = l.psi[m];
            eb.ss[m] += psiBar / (ts * ds);
            eb.ts[m] -= psiBar * psi / ts;
            eb.ds[m] -= psiBar * psi / ds;
        }
        // Σ₁ = z s / D, Σ₂ = z |s|² / (T D)
        for (int q = 0; q < geo.k; q++) {
            double sr = ev.sRe[q], si = ev.sIm[q], d = ev.d[q], t = ev.t[q], z = l.zc[q];
            double b1r = cb.sig1Re[q], b1i = cb.sig1Im[q], b2 = cb.sig2[q];
            double s2 = sr * sr + si * si;
            zcBar[q] += (b1r * sr + b1i * si) / d + b2 * s2 / (t * d);
            eb.sRe[q] += z / d * b1r + 2 * b2 * z * sr / (t * d);
            eb.sIm[q] += z / d * b1i + 2 * b2 * z * si / (t * d);
            eb.d[q] -= (b1r * l.sig1Re[q] + b1i * l.sig1Im[q]) / d + b2 * l.sig2[q] / d;
            eb.t[q] -= b2 * l.sig2[q] / t;
        }
        // Φ̄' = Φ̄_out + G_r ḡ'  (G_r Hermitian)
        for (int j = 0; j < geo.jn; j++) {
            for (int m = 0; m < geo.mt; m++) {
                double sr = phiBarOutRe[j * geo.mt + m], si = phiBarOutIm[j * geo.mt + m];
                for (int i = 0; i < geo.jn; i++) {
                    double xr = geo.grRe[j * geo.jn + i], xi = geo.grIm[j * geo.jn + i];
                    double yr = g2bRe[i * geo.mt + m], yi = g2bIm[i * geo.mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                phiBarOutRe[j * geo.mt + m] = sr;
                phiBarOutIm[j * geo.mt + m] = si;
            }
        }
        // Φ' = X·diag(c), X = R̃⁻¹[:, 0:M]: X̄ = Φ̄'·conj(c) (kept in g2b), c̄_m = Σ_j conj(X_jm)Φ̄'_jm
        for (int m = 0; m < geo.mt; m++) {
            double cbr = 0, cbi = 0;
            double cr = l.cRe[m], ci = l.cIm[m];
            for (int j = 0; j < geo.jn; j++) {
                double pr = phiBarOutRe[j * geo.mt + m], pim = phiBarOutIm[j * geo.mt + m];
                double xr = l.rinvRe[j * geo.jn + m], xi = l.rinvIm[j * geo.jn + m];
                cbr += xr * pr + xi * pim;
                cbi += xr * pim - xi * pr;
                g2bRe[j * geo.mt + m] = cr * pr + ci * pim;
                g2bIm[j * geo.mt + m] = cr * pim - ci * pr;
            }
            if (l.cValid[m]) {
                // c = T_s / conj(g_mm): T̄_s += Re(conj(c̄)/conj(g)), ḡ_mm += −T_s·conj(c̄)/conj(g)²
                double gr = ev.gRe[m * geo.mt + m], gi = -ev.gIm[m * geo.mt + m]; // y = conj(g)
                double y2 = gr * gr + gi * gi;
                double invr = gr / y2, invi = -gi / y2; // 1/y
                eb.ts[m] += cbr * invr + cbi * invi;
                double inv2r = invr * invr - invi * invi, inv2i = 2 * invr * invi; // 1/y²
                double ts = ev.ts[m];
                // −T·conj(c̄)·(1/y²)
                double ccr = cbr, cci = -cbi;
                eb.gRe[m * geo.mt + m] -= ts * (ccr * inv2r - cci * inv2i);
                eb.gIm[m * geo.mt + m] -= ts * (ccr * inv2i + cci * inv2r);
            }
        }
        // R̃̄ = −R̃⁻ᴴ·X̄·Xᴴ; C̄_j = Re Σ_i conj(R̃̄_ji)·G_r,ji; p̄_j += |α_j|²·C̄_j
        // Z = X̄·Xᴴ (J × J) then R̃̄ = −R̃⁻ᴴ Z; only Re Σ_i conj(R̃̄_ji) G_ji needed.
        for (int j = 0; j < geo.jn; j++) {
            double cBar = 0;
            for (int i = 0; i < geo.jn; i++) {
                // R̃̄_ji = −Σ_q conj(R̃⁻¹_qj)·Z_qi, Z_qi = Σ_m X̄_qm conj(X_im)
                double rr = 0, ri = 0;
                for (int q = 0; q < geo.jn; q++) {
                    double zr = 0, zi = 0;
                    for (int m = 0; m < geo.mt; m++) {
                        double ar2 = g2bRe[q * geo.mt + m], ai2 = g2bIm[q * geo.mt + m];
                        double br = l.rinvRe[i * geo.jn + m], bi = -l.rinvIm[i * geo.jn + m];
                        zr += ar2 * br - ai2 * bi;
                        zi += ar2 * bi + ai2 * br;
                    }
                    double hr = l.rinvRe[q * geo.jn + j], hi = -l.rinvIm[q * geo.jn + j];
                    rr -= hr * zr - hi * zi;
                    ri -= hr * zi + hi * zr;
                }
                cBar += rr * geo.grRe[j * geo.jn + i] + ri * geo.grIm[j * geo.jn + i];
            }
            eb.p[j] += geo.a2[j] * cBar;
        }
    }

    /**
     * z = softmax(−μr): adds r̄ into {@code rBar} and returns μ̄ given z̄.
     */
    private static double softmaxBackward(double[] r, int n, double mu, double[] z, double[] zBar, double[] rBar) {
        double zz = 0, rHat = 0, zrz = 0;
        for (int i = 0; i < n; i++) {
            zz += zBar[i] * z[i];
            rHat += z[i] * r[i];
            zrz += zBar[i] * z[i] * r[i];
        }
        for (int i = 0; i < n; i++) {
            rBar[i] += -mu * z[i] * (zBar[i] - zz);
        }
        return -zrz + zz * rHat;
    }

    /**
     * Adjoint of the AO's evaluation of the objective (an {@link Eval}) with loss weight
     * {@code lambda} on h (plus whatever {@link #eb} already holds): adds into {@code wBarAcc}
     * (N_t × K) and {@code phiBar} (J × M).
     */
    private void evalBackward(Eval ev, double lambda, CMatrix wBarAcc, double[] phiBarR, double[] phiBarI) {
        if (lambda != 0) {
            eb.r[ev.argC] += lambda;
            eb.rs[ev.argS] += lambda * geo.delta;
        }
        for (int q = 0; q < geo.k; q++) {
            double t = ev.t[q], d = ev.d[q];
            double tb = eb.t[q] + eb.r[q] / t;
            double db = eb.d[q] - eb.r[q] / d;
            // D = T − |s|²
            tb += db;
            double sbr = eb.sRe[q] - 2 * db * ev.sRe[q], sbi = eb.sIm[q] - 2 * db * ev.sIm[q];
            for (int c = 0; c < geo.k; c++) {
                int i = q * geo.k + c;
                eb.e.re[i] += 2 * tb * ev.e.re[i];
                eb.e.im[i] += 2 * tb * ev.e.im[i];
            }
            eb.e.re[q * geo.k + q] += sbr;
            eb.e.im[q * geo.k + q] += sbi;
        }
        for (int m = 0; m < geo.mt; m++) {
            double ts = ev.ts[m], ds = ev.ds[m];
            double tsb = eb.ts[m] + eb.rs[m] / ts;
            double dsb = eb.ds[m] - eb.rs[m] / ds;
            tsb += dsb;
            double sb = eb.ss[m] - dsb;
            // S = a_m |g_mm|² p_m
            double gr = ev.gRe[m * geo.mt + m], gi = ev.gIm[m * geo.mt + m];
            eb.gRe[m * geo.mt + m] += 2 * sb * geo.a2[m] * ev.p[m] * gr;
            eb.gIm[m * geo.mt + m] += 2 * sb * geo.a2[m] * ev.p[m] * gi;
            eb.p[m] += sb * geo.a2[m] * (gr * gr + gi * gi);
            // T_s = Σ_j a_j |g_jm|² p_j + σ' n_m
            for (int j = 0; j < geo.jn; j++) {
                double xr = ev.gRe[j * geo.mt + m], xi = ev.gIm[j * geo.mt + m];
                eb.gRe[j * geo.mt + m] += 2 * tsb * geo.a2[j] * ev.p[j] * xr;
                eb.gIm[j * geo.mt + m] += 2 * tsb * geo.a2[j] * ev.p[j] * xi;
                eb.p[j] += tsb * geo.a2[j] * (xr * xr + xi * xi);
            }
            eb.n[m] += geo.sigmaP * tsb;
        }
        // n_m = φ_mᴴ G_r φ_m: Φ̄_m += 2 n̄_m g_m; g = G_r Φ: Φ̄ += G_r ḡ
        for (int j = 0; j < geo.jn; j++) {
            for (int m = 0; m < geo.mt; m++) {
                double sr = 2 * eb.n[m] * ev.gRe[j * geo.mt + m], si = 2 * eb.n[m] * ev.gIm[j * geo.mt + m];
                for (int i = 0; i < geo.jn; i++) {
                    double xr = geo.grRe[j * geo.jn + i], xi = geo.grIm[j * geo.jn + i];
                    double yr = eb.gRe[i * geo.mt + m], yi = eb.gIm[i * geo.mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                phiBarR[j * geo.mt + m] += sr;
                phiBarI[j * geo.mt + m] += si;
            }
        }
        // p_j = ‖P_j‖²
        for (int j = 0; j < geo.jn; j++) {
            for (int c = 0; c < geo.k; c++) {
                int i = (geo.k + j) * geo.k + c;
                eb.e.re[i] += 2 * eb.p[j] * ev.e.re[i];
                eb.e.im[i] += 2 * eb.p[j] * ev.e.im[i];
            }
        }
        // E = Vᴴ W: W̄ += V Ē
        geo.lift(eb.e, wBarAcc, true);
    }
}
