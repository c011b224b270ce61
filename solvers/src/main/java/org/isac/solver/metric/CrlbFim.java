package org.isac.solver.metric;

import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * Fisher information of M point targets for the monostatic echo of seed 004 eq. (3)–(4),
 * y_s[l] = B·U·Aᴴ·x[l] + n_s[l], n_s ~ CN(0, σ_s²I), over L snapshots with sample covariance
 * R_x = W·Wᴴ (seed 004 Lemma 1, eqs. (8)–(10)). Parameters, 4M real, in the paper's order
 * ω = (θ_1…θ_M, ε_1…ε_M, Re α_1…Re α_M, Im α_1…Im α_M), angles in the convention of
 * {@link ArrayShape} (the paper's φ = π/2 − ε; tr(F⁻¹) is the same, see
 * {@link SteeringDerivatives}).
 *
 * <p>Formulation (equivalent to eq. (8)–(9), derived from eq. (10)): each ∂v/∂ω_i = D_i·x
 * with D_i a sum of at most two rank-one terms p·b_β·a_γᴴ, where b_β, a_γ run over the
 * receive and transmit bases B̄ = [B, Ḃ_θ, Ḃ_ε] (N_r × 3M) and Ā = [A, Ȧ_θ, Ȧ_ε]
 * (N_t × 3M):
 * θ_m: α_m(ḃ_θm a_mᴴ + b_m ȧ_θmᴴ); ε_m: α_m(ḃ_εm a_mᴴ + b_m ȧ_εmᴴ); Re α_m: b_m a_mᴴ;
 * Im α_m: j·b_m a_mᴴ. Then
 * <pre>
 *   F_ij = (2L/σ_s²)·Re tr(D_iᴴ D_j R_x) = (2L/σ_s²)·Re Σ_{r,s} p̄_ir p_js (B̄ᴴB̄)[β_ir, β_js] (ĀᴴR_xĀ)[γ_js, γ_ir].
 * </pre>
 * The Hermitian 3M × 3M "kernel" T with Σ_ij Φ_ij F_ij = tr(T·ĀᴴR_xĀ) for a symmetric Φ
 * gives the gradient of the sensing term: the paper's ½(Q + Qᴴ) of eq. (23)–(25) equals
 * Ā·T·Āᴴ ({@link #gradientKernel}).
 *
 * <p>Usage: {@link #setTargets} once per geometry/targets, then {@link #fim} or
 * {@link #fimFromProjection} per precoder. Workspaces grow only; nothing allocates after
 * the first call at a size. Not thread-safe.
 */
public final class CrlbFim {
    private int m;
    private final CMatrix txBasis = new CMatrix();
    private final CMatrix rxBasis = new CMatrix();
    private final CMatrix rxGram = new CMatrix();
    private final CMatrix proj = new CMatrix();
    private final CMatrix txGram = new CMatrix();
    private double[] colRe = new double[0], colIm = new double[0];
    private double[] dARe = new double[0], dAIm = new double[0], dERe = new double[0], dEIm = new double[0];
    // rank-one terms of D_i: at most 2 per parameter
    private int[] nTerms = new int[0];
    private int[] rxSlot = new int[0];
    private int[] txSlot = new int[0];
    private double[] pRe = new double[0];
    private double[] pIm = new double[0];
    private double[] chol = new double[0];
    private double[] colWork = new double[0];

    /** Number of targets M of the last {@link #setTargets}. */
    public int targets() {
        return m;
    }

    /** Number of real parameters, 4M. */
    public int parameters() {
        return 4 * m;
    }

    /** Transmit basis Ā = [A, Ȧ_θ, Ȧ_ε], N_t × 3M (column m, M+m, 2M+m for target m). Do not modify. */
    public CMatrix txBasis() {
        return txBasis;
    }

    /** Receive basis B̄ = [B, Ḃ_θ, Ḃ_ε], N_r × 3M. Do not modify. */
    public CMatrix rxBasis() {
        return rxBasis;
    }

    /**
     * Builds Ā, B̄, B̄ᴴB̄ and the derivative terms for {@code targets} seen by the transmit
     * array {@code tx} and the radar receive array {@code rx}. Flops: 8·N_r·9M² + O((N_t+N_r)·M) trig.
     */
    public void setTargets(ArrayShape tx, ArrayShape rx, Scatterers targets) {
        m = targets.count();
        if (m < 1) {
            throw new IllegalArgumentException("CRLB needs at least one target");
        }
        int nt = tx.size(), nr = rx.size();
        int len = Math.max(nt, nr);
        if (colRe.length < len) {
            colRe = new double[len];
            colIm = new double[len];
            dARe = new double[len];
            dAIm = new double[len];
            dERe = new double[len];
            dEIm = new double[len];
        }
        fillBasis(tx, targets, txBasis);
        fillBasis(rx, targets, rxBasis);
        Kernels.mulConjTransA(rxBasis, rxBasis, rxGram);
        int p = 4 * m;
        if (nTerms.length < p) {
            nTerms = new int[p];
            rxSlot = new int[2 * p];
            txSlot = new int[2 * p];
            pRe = new double[2 * p];
            pIm = new double[2 * p];
            chol = new double[p * p];
            colWork = new double[p];
        }
        for (int t = 0; t < m; t++) {
            double ar = targets.gainRe[t], ai = targets.gainIm[t];
            // θ_t: α(ḃ_θ aᴴ + b ȧ_θᴴ)
            term(t, 0, ar, ai, m + t, t);
            term(t, 1, ar, ai, t, m + t);
            nTerms[t] = 2;
            // ε_t
            term(m + t, 0, ar, ai, 2 * m + t, t);
            term(m + t, 1, ar, ai, t, 2 * m + t);
            nTerms[m + t] = 2;
            // Re α_t, Im α_t
            term(2 * m + t, 0, 1, 0, t, t);
            nTerms[2 * m + t] = 1;
            term(3 * m + t, 0, 0, 1, t, t);
            nTerms[3 * m + t] = 1;
        }
    }

    private void term(int param, int r, double re, double im, int rx, int tx) {
        int q = 2 * param + r;
        pRe[q] = re;
        pIm[q] = im;
        rxSlot[q] = rx;
        txSlot[q] = tx;
    }

    private void fillBasis(ArrayShape shape, Scatterers t, CMatrix out) {
        int n = shape.size(), c = 3 * m;
        out.reshape(n, c);
        for (int k = 0; k < m; k++) {
            SteeringDerivatives.steering(shape, t.azimuthRad[k], t.elevationRad[k], colRe, colIm, dARe, dAIm, dERe, dEIm, 0);
            for (int i = 0; i < n; i++) {
                out.re[i * c + k] = colRe[i];
                out.im[i * c + k] = colIm[i];
                out.re[i * c + m + k] = dARe[i];
                out.im[i * c + m + k] = dAIm[i];
                out.re[i * c + 2 * m + k] = dERe[i];
                out.im[i * c + 2 * m + k] = dEIm[i];
            }
        }
    }

    /**
     * FIM of seed 004 eq. (8) for the precoder {@code w} (N_t × S, R_x = W·Wᴴ), written
     * row-major to {@code out[0 … 16M²−1]}. Flops: 8·N_t·3M·S + 4·9M²·S + O(M²).
     */
    public void fim(CMatrix w, double frameLength, double radarNoiseW, double[] out) {
        if (w.rows() != txBasis.rows()) {
            throw new IllegalArgumentException("precoder has " + w.rows() + " rows, transmit array " + txBasis.rows());
        }
        Kernels.mulConjTransA(txBasis, w, proj);
        fimFromProjection(proj, frameLength, radarNoiseW, out);
    }

    /**
     * FIM from the projection Z = Āᴴ·W (3M × S): Ā ᴴR_xĀ = Z·Zᴴ. Used by solvers that keep
     * Z. Flops: 4·9M²·S + O(M²) (Z·Zᴴ by {@link Kernels#covariance}).
     */
    public void fimFromProjection(CMatrix z, double frameLength, double radarNoiseW, double[] out) {
        int c = 3 * m;
        if (z.rows() != c) {
            throw new IllegalArgumentException("projection has " + z.rows() + " rows, need 3M = " + c);
        }
        Kernels.covariance(z, txGram);
        double scale = 2 * frameLength / radarNoiseW;
        int p = 4 * m;
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                double acc = 0;
                for (int r = 0; r < nTerms[i]; r++) {
                    int qi = 2 * i + r;
                    double ar = pRe[qi], ai = -pIm[qi];
                    for (int q = 0; q < nTerms[j]; q++) {
                        int qj = 2 * j + q;
                        // conj(p_i) p_j
                        double cr = ar * pRe[qj] - ai * pIm[qj], ci = ar * pIm[qj] + ai * pRe[qj];
                        int gb = rxSlot[qi] * c + rxSlot[qj];
                        double br = rxGram.re[gb], bi = rxGram.im[gb];
                        double dr = cr * br - ci * bi, di = cr * bi + ci * br;
                        int ga = txSlot[qj] * c + txSlot[qi];
                        acc += dr * txGram.re[ga] - di * txGram.im[ga];
                    }
                }
                out[i * p + j] = scale * acc;
                out[j * p + i] = scale * acc;
            }
        }
    }

    /**
     * Inverts the symmetric 4M × 4M {@code fim} (row-major) into {@code inv} by Cholesky and
     * returns tr(F⁻¹) (the CRLB sum of seed 004 problem (11)); returns +∞ (and leaves
     * {@code inv} undefined) when F is not numerically positive definite. Flops: ≈ (4M)³.
     */
    public double invert(double[] fim, double[] inv) {
        int p = 4 * m;
        double[] l = chol;
        System.arraycopy(fim, 0, l, 0, p * p);
        double maxDiag = 0;
        for (int i = 0; i < p; i++) {
            maxDiag = Math.max(maxDiag, l[i * p + i]);
        }
        for (int j = 0; j < p; j++) {
            double d = l[j * p + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * p + k] * l[j * p + k];
            }
            if (!(d > 1e-14 * maxDiag) || !Double.isFinite(d)) {
                return Double.POSITIVE_INFINITY;
            }
            double ljj = Math.sqrt(d);
            l[j * p + j] = ljj;
            for (int i = j + 1; i < p; i++) {
                double s = l[i * p + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * p + k] * l[j * p + k];
                }
                l[i * p + j] = s / ljj;
            }
        }
        double trace = 0;
        double[] y = colWork;
        for (int col = 0; col < p; col++) {
            for (int i = 0; i < p; i++) {
                double s = i == col ? 1 : 0;
                for (int k = 0; k < i; k++) {
                    s -= l[i * p + k] * y[k];
                }
                y[i] = s / l[i * p + i];
            }
            for (int i = p - 1; i >= 0; i--) {
                double s = y[i];
                for (int k = i + 1; k < p; k++) {
                    s -= l[k * p + i] * y[k];
                }
                y[i] = s / l[i * p + i];
            }
            for (int i = 0; i < p; i++) {
                inv[i * p + col] = y[i];
            }
            trace += y[col];
        }
        return trace;
    }

    /** tr(F⁻¹) of {@code fim}; {@code scratch} has length ≥ 16M². +∞ when F is singular. */
    public double crlb(double[] fim, double[] scratch) {
        return invert(fim, scratch);
    }

    /**
     * The Hermitian 3M × 3M kernel T (reshaped into {@code t}) with
     * Σ_ij Φ_ij F_ij(R) = tr(T·ĀᴴRĀ) = tr(R·Ā T Āᴴ) for every R, where F(R) is the FIM
     * for R_x = R and Φ the symmetric 4M × 4M {@code phi} (row-major). With Φ = F⁻¹F⁻¹ this
     * is the gradient of tr(F⁻¹): d tr(F⁻¹) = −tr(R-increment · Ā T Āᴴ), i.e. seed 004's
     * ½(Q + Qᴴ) of eq. (23) equals Ā T Āᴴ. Includes the factor 2L/σ_s². Flops: O(M²).
     */
    public void gradientKernel(double[] phi, double frameLength, double radarNoiseW, CMatrix t) {
        int c = 3 * m, p = 4 * m;
        double scale = 2 * frameLength / radarNoiseW;
        t.reshape(c, c);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double f = scale * phi[i * p + j];
                if (f == 0) {
                    continue;
                }
                for (int r = 0; r < nTerms[i]; r++) {
                    int qi = 2 * i + r;
                    double ar = pRe[qi], ai = -pIm[qi];
                    for (int q = 0; q < nTerms[j]; q++) {
                        int qj = 2 * j + q;
                        double cr = ar * pRe[qj] - ai * pIm[qj], ci = ar * pIm[qj] + ai * pRe[qj];
                        int gb = rxSlot[qi] * c + rxSlot[qj];
                        double br = rxGram.re[gb], bi = rxGram.im[gb];
                        int o = txSlot[qi] * c + txSlot[qj];
                        t.re[o] += f * (cr * br - ci * bi);
                        t.im[o] += f * (cr * bi + ci * br);
                    }
                }
            }
        }
    }
}
