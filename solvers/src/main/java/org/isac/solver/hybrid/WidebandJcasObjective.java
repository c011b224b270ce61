package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;

/**
 * The wideband (multi-carrier) extension of the JCAS hybrid-beamforming objective of seed 000
 * ({@link JcasObjective}): S subbands s = 0…S−1 with channels H_s (N × K), noise powers
 * σ²_{s,k} and a baseband precoder W_s (M × K) each, and ONE analog precoder F (N × M) shared
 * by all subbands, because phase shifters are frequency-flat. The objective is
 * <pre>
 *   J(F, W_0…W_{S−1}) = (1/S)·Σ_s R_s(F, W_s) − ω·τ_wb,
 * </pre>
 * R_s the sum rate of eq. (4) on subband s (bits/s/Hz) and τ_wb one of two sensing terms
 * ({@link Sensing}); with S = 1 both equal eq. (8a), R − ω·τ.
 *
 * <h2>Sensing term</h2>
 * With X_s = F·W_s (N × K) and the band-averaged covariance C = (1/S)·Σ_s X_s X_sᴴ:
 * <ul>
 *   <li>{@link Sensing#BAND_AVERAGED} (the default): τ_avg = ‖C − Ψ‖²_F. A radar that
 *   integrates its echo over the band sees, at angle θ, the band-averaged beampattern
 *   (1/S)·Σ_s a(θ)ᴴX_sX_sᴴa(θ) = a(θ)ᴴ C a(θ) when the steering vector does not depend on
 *   the frequency; eq. (5) applied to C is then the natural wideband version of τ. Only the
 *   mean covariance is constrained, so individual subbands may deviate from Ψ in ways that
 *   cancel, which leaves more freedom to the per-subband rates.</li>
 *   <li>{@link Sensing#PER_SUBBAND}: τ_ps = (1/S)·Σ_s ‖X_sX_sᴴ − Ψ_s‖²_F, the mean of eq. (5)
 *   over the subbands. It is stricter: every subband alone must form the beampattern (a radar
 *   that processes subbands separately). By convexity of ‖·‖²_F (Jensen), τ_avg ≤ τ_ps for a
 *   common Ψ.</li>
 * </ul>
 *
 * <h2>Beam squint</h2>
 * The default model has no squint: Ψ (eq. (6)) and the steering vectors are those of the
 * carrier for every subband. With squint the steering vector a(θ, f_s) depends on the subband
 * frequency, so each subband has its own target covariance Ψ_s; that case is covered by
 * {@link #bind(CMatrix[], double[][], CMatrix[])} (one Ψ_s per subband), which requires
 * {@link Sensing#PER_SUBBAND}: under squint the band-integrated beampattern
 * (1/S)·Σ_s a(θ, f_s)ᴴX_sX_sᴴa(θ, f_s) is not a quadratic form of C, so τ_avg has no
 * beampattern meaning there.
 *
 * <h2>Gradients</h2>
 * Wirtinger gradients ∂/∂X* as in {@link JcasObjective} (for real f, df = 2·Re⟨∇f, dX⟩).
 * All follow from seed 000 eqs. (13), (14), (17), (18) by linearity:
 * <ul>
 *   <li>rate: R_s depends on F and W_s only, so ∇_F (1/S)Σ_s R_s = (1/S)·Σ_s ∇_F R_s(F, W_s)
 *   (eq. (13) per subband) and ∇_{W_s} (1/S)Σ_t R_t = (1/S)·∇_W R_s(F, W_s) (eq. (14)).</li>
 *   <li>τ_avg: dτ_avg = 2·Re tr((C − Ψ)·dC) with dC = (1/S)·Σ_s (dX_s X_sᴴ + X_s dX_sᴴ), so
 *   dτ_avg = (4/S)·Re Σ_s tr(X_sᴴ(C − Ψ)dX_s), i.e. ∂τ_avg/∂X_s* = (2/S)(C − Ψ)X_s. With
 *   X_s = F·W_s: ∇_F τ_avg = 2(C − Ψ)·(1/S)Σ_s F W_s W_sᴴ (eq. (17) with FWWᴴFᴴ → C and
 *   FWWᴴ → the band average) and ∇_{W_s} τ_avg = (2/S)·Fᴴ(C − Ψ)F W_s (eq. (18) over S).
 *   Computation: with the stacked precoder W̃ = [W_0 … W_{S−1}]/√S (M × SK) and X̃ = F·W̃,
 *   C = X̃X̃ᴴ, so τ_avg is eq. (5) at (F, W̃), ∇_F τ_avg is eq. (17) at (F, W̃) and ∇_{W_s}
 *   τ_avg is (1/√S) times the s-th K-column block of eq. (18) at (F, W̃). C (N × N) is never
 *   formed.</li>
 *   <li>τ_avg through M × M matrices (used when M &lt; S·K, where the stacked form's N²·S·K
 *   product Ψ·X̃ would dominate): with Q = (1/S)Σ_s W_sW_sᴴ = W̃W̃ᴴ, P = FᴴF and Φ = FᴴΨF
 *   (all M × M), C = F·Q·Fᴴ, so τ_avg = Re tr(QPQP) − 2·Re tr(QΦ) + ‖Ψ‖²_F,
 *   ∇_F τ_avg = 2(C − Ψ)·F·Q = 2·(F·QPQ − (ΨF)·Q) and ∇_{W_s} τ_avg = (2/S)·(PQP − Φ)·W_s.
 *   Its cost, 8·N²·M for ΨF plus O(N·M² + S·M²·K), does not grow with S·K.</li>
 *   <li>τ_ps: ∇_F τ_ps = (1/S)·Σ_s 2(X_sX_sᴴ − Ψ_s)X_sW_sᴴ (eq. (17) per subband) and
 *   ∇_{W_s} τ_ps = (1/S)·2Fᴴ(X_sX_sᴴ − Ψ_s)X_s (eq. (18)).</li>
 * </ul>
 * <h2>Batched rate gradients</h2>
 * The rate parts of {@link #ascentF} and {@link #gradRateF} (band-averaged sensing) run over all
 * subbands at once on the stacked channel H̃ = [H_0 … H_{S−1}] (N × SK, copied at
 * {@link #bind}): G̃ = H̃ᴴF (SK × M, G_s = H_sᴴF in its s-th K-row block) in one product, then
 * per subband Z_s = G_s·W_s, T, U and D_s (eq. (13)'s inner factor, {@link JcasObjective}), and
 * ∇_F (1/S)Σ_s R_s = (1/(S·ln 2))·Σ_s H_s·(D_s·W_sᴴ) = (1/(S·ln 2))·H̃·Ṽ with Ṽ the K × M blocks
 * V_s = D_s·W_sᴴ stacked (SK × M), again one product: eq. (13) re-associated, 16·N·M·K + 8·M·K²
 * flops per subband instead of 24·N·M·K (at K = M) and 2 + 2·S calls instead of 4·S. The values equal the per-subband {@link JcasObjective}'s
 * up to rounding (the sums run in another order).
 *
 * <p>With S = 1 all of these are the narrowband values and gradients. With identical subbands
 * (H_s = H, σ²_s = σ², Ψ_s = Ψ, W_s = W) both sensing terms equal τ, J equals R − ω·τ,
 * ∇_F J equals the narrowband ∇_F, and every ∇_{W_s} J equals the narrowband ∇_W divided by S.
 *
 * <p>A workspace: {@link #bind} the problem once, then evaluate at any (F, W_0…W_{S−1}).
 * Inputs are read, never modified; outputs are reshaped. After the first call at a size
 * nothing allocates. Not thread-safe.
 */
public final class WidebandJcasObjective {
    /** The sensing term τ_wb. */
    public enum Sensing {
        /** τ_avg = ‖(1/S)Σ_s F W_s W_sᴴ Fᴴ − Ψ‖²_F, the error of the band-averaged covariance. */
        BAND_AVERAGED,
        /** τ_ps = (1/S)Σ_s ‖F W_s W_sᴴ Fᴴ − Ψ_s‖²_F, the mean per-subband error. */
        PER_SUBBAND
    }

    private JcasObjective[] bands = new JcasObjective[0];
    /** Evaluates eqs. (5), (17), (18) at the stacked (F, W̃); bound to the common Ψ and to H_0, which only fixes N (its rate parts are unused). */
    private final JcasObjective stacked = new JcasObjective();
    private int subbands;
    private boolean perSubbandPsi;
    private Sensing sensing = Sensing.BAND_AVERAGED;
    private FastKernels kernels = FastKernels.get();

    private final CMatrix wStack = new CMatrix();
    private final CMatrix gStack = new CMatrix();
    private final CMatrix tmp = new CMatrix();
    private double lastRate;
    private double lastTau;
    // the batched rate path: H̃ (N × SK), G̃ = H̃ᴴF (SK × M), Z_s and D_s (K × K blocks), Ṽ (SK × M)
    private double[][] noise;
    private final CMatrix hStack = new CMatrix();
    private final CMatrix gAll = new CMatrix();
    private final CMatrix zAll = new CMatrix();
    private final CMatrix dAll = new CMatrix();
    private final CMatrix vAll = new CMatrix();
    // the M × M (Q-form) band-averaged path
    private CMatrix psiRef;
    private double psiNorm2;
    private final CMatrix q = new CMatrix();
    private final CMatrix p = new CMatrix();
    private final CMatrix qp = new CMatrix();
    private final CMatrix qpq = new CMatrix();
    private final CMatrix psiF = new CMatrix();
    private final CMatrix phi = new CMatrix();
    private final CMatrix b = new CMatrix();

    /**
     * Binds S = channels.length subbands with a common Ψ (no beam squint): channel H_s
     * (N × K, the same N and K for all s), noise σ²_{s,k} = {@code noise[s][k]} and Ψ (N × N).
     * Keeps references to the noise and Ψ and copies the channels into the stacked H̃ (see
     * "Batched rate gradients"): bind again after changing a channel. Flops: 4·N²·(S + 1) (‖Ψ‖²_F).
     */
    public void bind(CMatrix[] channels, double[][] noise, CMatrix psi) {
        bindBands(channels, noise);
        for (int s = 0; s < subbands; s++) {
            bands[s].bind(channels[s], noise[s], psi);
        }
        stacked.bind(channels[0], noise[0], psi);
        psiRef = psi;
        psiNorm2 = psi.frobeniusNorm2();
        perSubbandPsi = false;
    }

    /**
     * Binds S subbands with one target covariance Ψ_s per subband ({@code psis[s]}, N × N),
     * the beam-squint model in which Ψ_s is built from the subband steering vectors
     * a(θ, f_s). Only {@link Sensing#PER_SUBBAND} is defined for it. Keeps references to the
     * noise and Ψ_s, copies the channels (as the other {@code bind}).
     */
    public void bind(CMatrix[] channels, double[][] noise, CMatrix[] psis) {
        if (psis.length != channels.length) {
            throw new IllegalArgumentException(psis.length + " Ψ_s for " + channels.length + " subbands");
        }
        bindBands(channels, noise);
        for (int s = 0; s < subbands; s++) {
            bands[s].bind(channels[s], noise[s], psis[s]);
        }
        perSubbandPsi = true;
    }

    private void bindBands(CMatrix[] channels, double[][] noise) {
        int count = channels.length;
        if (count < 1) {
            throw new IllegalArgumentException("need at least one subband");
        }
        if (noise.length != count) {
            throw new IllegalArgumentException(noise.length + " noise vectors for " + count + " subbands");
        }
        int n = channels[0].rows(), k = channels[0].cols();
        for (int s = 0; s < count; s++) {
            if (channels[s].rows() != n || channels[s].cols() != k) {
                throw new IllegalArgumentException("subband " + s + " channel is " + channels[s].rows() + "x"
                        + channels[s].cols() + ", subband 0 is " + n + "x" + k);
            }
            if (noise[s].length < k) {
                throw new IllegalArgumentException("subband " + s + " has " + noise[s].length + " noise powers for K=" + k);
            }
        }
        if (bands.length < count) {
            JcasObjective[] grown = new JcasObjective[count];
            System.arraycopy(bands, 0, grown, 0, bands.length);
            for (int s = bands.length; s < count; s++) {
                grown[s] = new JcasObjective();
                grown[s].useKernels(kernels);
            }
            bands = grown;
        }
        subbands = count;
        this.noise = noise;
        int sk = count * k;
        hStack.reshape(n, sk);
        for (int s = 0; s < count; s++) {
            CMatrix hs = channels[s];
            for (int r = 0; r < n; r++) {
                System.arraycopy(hs.re, r * k, hStack.re, r * sk + s * k, k);
                System.arraycopy(hs.im, r * k, hStack.im, r * sk + s * k, k);
            }
        }
    }

    /**
     * G̃ = H̃ᴴF, then Z_s = G_s·W_s and D_s for every s (eq. (13)'s inner factor, see "Batched
     * rate gradients"); returns (1/S)Σ_s R_s in bits (eq. (4)). Flops: 8·N·M·K·S + 8·M·K²·S + O(S·K²).
     */
    private double rateAll(CMatrix f, CMatrix[] w) {
        int n = hStack.rows(), m = f.cols(), k = users(), sk = subbands * k;
        if (f.rows() != n) {
            throw new IllegalArgumentException("F is " + f.rows() + "x" + m + ", the channels have N=" + n);
        }
        gAll.reshape(sk, m);
        kernels.gemmConjTransA(sk, m, n, 1, hStack.re, hStack.im, 0, sk, f.re, f.im, 0, m,
                0, gAll.re, gAll.im, 0, m);
        zAll.reshape(sk, k);
        dAll.reshape(sk, k);
        double r = 0;
        for (int s = 0; s < subbands; s++) {
            CMatrix ws = w[s];
            if (ws.rows() != m || ws.cols() != k) {
                throw new IllegalArgumentException("W_" + s + " is " + ws.rows() + "x" + ws.cols() + ", F has M=" + m + ", K=" + k);
            }
            int zOff = s * k * k;
            kernels.gemm(k, k, m, 1, gAll.re, gAll.im, s * k * m, m, ws.re, ws.im, 0, k,
                    0, zAll.re, zAll.im, zOff, k);
            r += JcasObjective.rateDirection(k, zAll.re, zAll.im, zOff, noise[s], dAll.re, dAll.im) / Metrics.LN2;
        }
        lastRate = r / subbands;
        return lastRate;
    }

    /** Selects the sensing term (default {@link Sensing#BAND_AVERAGED}). */
    public void setSensing(Sensing sensing) {
        this.sensing = sensing;
    }

    public Sensing sensing() {
        return sensing;
    }

    /** The products' implementation ({@link FastKernels#get()} by default). */
    public void useKernels(FastKernels kernels) {
        this.kernels = kernels;
        stacked.useKernels(kernels);
        for (JcasObjective b : bands) {
            b.useKernels(kernels);
        }
    }

    /** Subbands S of the bound problem. */
    public int subbands() {
        return subbands;
    }

    /** Users K of the bound channels. */
    public int users() {
        return bands[0].users();
    }

    /** Antennas N of the bound channels. */
    public int antennas() {
        return bands[0].antennas();
    }

    private void checkArgs(CMatrix[] w) {
        if (w.length != subbands) {
            throw new IllegalArgumentException(w.length + " baseband precoders for " + subbands + " subbands");
        }
        if (sensing == Sensing.BAND_AVERAGED && perSubbandPsi) {
            throw new IllegalStateException("per-subband Ψ_s (beam squint) needs the PER_SUBBAND sensing term");
        }
    }

    /** W̃ = [W_0 … W_{S−1}]/√S (M × SK) into {@link #wStack}. Flops: 2·M·K·S. */
    private void stack(CMatrix[] w) {
        int m = w[0].rows(), k = w[0].cols(), sk = subbands * k;
        double a = 1 / Math.sqrt(subbands);
        wStack.reshape(m, sk);
        for (int s = 0; s < subbands; s++) {
            CMatrix ws = w[s];
            if (ws.rows() != m || ws.cols() != k) {
                throw new IllegalArgumentException("W_" + s + " is " + ws.rows() + "x" + ws.cols() + ", W_0 is " + m + "x" + k);
            }
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < k; c++) {
                    wStack.re[r * sk + s * k + c] = a * ws.re[r * k + c];
                    wStack.im[r * sk + s * k + c] = a * ws.im[r * k + c];
                }
            }
        }
    }

    /** out ← a·(s-th K-column block of {@link #gStack}) (M × K). */
    private void unstack(int s, int k, double a, CMatrix out) {
        int m = gStack.rows(), sk = gStack.cols();
        out.reshape(m, k);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < k; c++) {
                out.re[r * k + c] = a * gStack.re[r * sk + s * k + c];
                out.im[r * k + c] = a * gStack.im[r * sk + s * k + c];
            }
        }
    }

    /** True when the band-averaged term goes through M × M matrices (M &lt; S·K) rather than the stacked W̃. */
    private boolean qForm(CMatrix f, CMatrix[] w) {
        return f.cols() < subbands * w[0].cols();
    }

    /**
     * Q = (1/S)Σ_s W_sW_sᴴ = W̃W̃ᴴ (one product on the stacked W̃), P = FᴴF, ΨF, Φ = FᴴΨF, QP; returns τ_avg = Re tr(QPQP) −
     * 2·Re tr(QΦ) + ‖Ψ‖²_F. Flops: 8·S·M²·K + 8·N·M² + 8·N²·M + 8·N·M² + 8·M³.
     */
    private double qCore(CMatrix f, CMatrix[] w) {
        int m = f.cols();
        if (w[0].rows() != m) {
            throw new IllegalArgumentException("W_0 is " + w[0].rows() + "x" + w[0].cols() + ", F has M=" + m);
        }
        stack(w);
        kernels.mulConjTransB(wStack, wStack, q);
        kernels.mulConjTransA(f, f, p);
        kernels.mul(psiRef, f, psiF);
        kernels.mulConjTransA(f, psiF, phi);
        kernels.mul(q, p, qp);
        double quartic = 0, cross = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int ij = i * m + j, ji = j * m + i;
                quartic += qp.re[ij] * qp.re[ji] - qp.im[ij] * qp.im[ji];
                cross += q.re[ij] * phi.re[ji] - q.im[ij] * phi.im[ji];
            }
        }
        lastTau = Math.max(quartic - 2 * cross + psiNorm2, 0);
        return lastTau;
    }

    /** ∇_F τ_avg = 2·(F·QPQ − (ΨF)·Q) into {@code out} after {@link #qCore}. */
    private void qGradF(CMatrix f, CMatrix out) {
        kernels.mul(qp, q, qpq);
        kernels.mul(f, qpq, out);
        kernels.mul(psiF, q, tmp);
        Kernels.addScaled(out, -1, tmp);
        out.scale(2);
    }

    /** B = PQP − Φ after {@link #qCore}; then ∇_{W_s} τ_avg = (2/S)·B·W_s. */
    private void qB() {
        kernels.mul(p, qp, b);
        Kernels.addScaled(b, -1, phi);
    }

    /** Mean sum rate (1/S)·Σ_s R_s (eq. (4) per subband) in bits/s/Hz at (F, W_s). */
    public double sumRateBits(CMatrix f, CMatrix[] w) {
        checkArgs(w);
        double r = 0;
        for (int s = 0; s < subbands; s++) {
            r += bands[s].sumRateBits(f, w[s]);
        }
        lastRate = r / subbands;
        return lastRate;
    }

    /** The sensing term τ_wb of the selected {@link Sensing} at (F, W_s). */
    public double tau(CMatrix f, CMatrix[] w) {
        checkArgs(w);
        if (sensing == Sensing.BAND_AVERAGED && qForm(f, w)) {
            qCore(f, w);
        } else if (sensing == Sensing.BAND_AVERAGED) {
            stack(w);
            lastTau = stacked.tau(f, wStack);
        } else {
            double t = 0;
            for (int s = 0; s < subbands; s++) {
                t += bands[s].tau(f, w[s]);
            }
            lastTau = t / subbands;
        }
        return lastTau;
    }

    /** J = (1/S)·Σ_s R_s − ω·τ_wb at (F, W_s) (eq. (8a) averaged over the band). */
    public double objective(CMatrix f, CMatrix[] w, double omega) {
        return sumRateBits(f, w) - omega * tau(f, w);
    }

    /** Mean rate from the last evaluation that computed it (bits/s/Hz). */
    public double lastSumRateBits() {
        return lastRate;
    }

    /** τ_wb from the last evaluation that computed it. */
    public double lastTau() {
        return lastTau;
    }

    /** ∇_F (1/S)Σ_s R_s = (1/S)·Σ_s eq. (13) at (F, W_s), into {@code out} (N × M). */
    public void gradRateF(CMatrix f, CMatrix[] w, CMatrix out) {
        checkArgs(w);
        rateAll(f, w);
        int n = f.rows(), m = f.cols(), k = users(), sk = subbands * k;
        vAll.reshape(sk, m);
        for (int s = 0; s < subbands; s++) {
            kernels.gemmConjTransB(k, m, k, 1, dAll.re, dAll.im, s * k * k, k, w[s].re, w[s].im, 0, k,
                    0, vAll.re, vAll.im, s * k * m, m);
        }
        out.resize(n, m);
        kernels.gemm(n, m, sk, 1 / (Metrics.LN2 * subbands), hStack.re, hStack.im, 0, sk, vAll.re, vAll.im, 0, m,
                0, out.re, out.im, 0, m);
    }

    /** ∇_{W_s} (1/S)Σ_t R_t = (1/S)·eq. (14) at (F, W_s), into {@code out} (M × K). */
    public void gradRateW(CMatrix f, CMatrix[] w, int s, CMatrix out) {
        checkArgs(w);
        bands[s].gradRateW(f, w[s], out);
        out.scale(1.0 / subbands);
    }

    /**
     * ∇_F τ_wb into {@code out} (N × M): 2(C − Ψ)·(1/S)Σ_s F W_s W_sᴴ for τ_avg (eq. (17) at
     * the stacked precoder) or (1/S)·Σ_s 2(F W_s W_sᴴ Fᴴ − Ψ_s)F W_s W_sᴴ for τ_ps.
     */
    public void gradTauF(CMatrix f, CMatrix[] w, CMatrix out) {
        checkArgs(w);
        if (sensing == Sensing.BAND_AVERAGED && qForm(f, w)) {
            qCore(f, w);
            qGradF(f, out);
            return;
        }
        if (sensing == Sensing.BAND_AVERAGED) {
            stack(w);
            stacked.gradTauF(f, wStack, out);
            lastTau = stacked.lastTau();
            return;
        }
        double t = 0;
        for (int s = 0; s < subbands; s++) {
            bands[s].gradTauF(f, w[s], s == 0 ? out : tmp);
            t += bands[s].lastTau();
            if (s > 0) {
                Kernels.addScaled(out, 1, tmp);
            }
        }
        out.scale(1.0 / subbands);
        lastTau = t / subbands;
    }

    /**
     * ∇_{W_s} τ_wb into {@code out} (M × K): (2/S)·Fᴴ(C − Ψ)F W_s for τ_avg or
     * (1/S)·2Fᴴ(F W_s W_sᴴ Fᴴ − Ψ_s)F W_s for τ_ps (eq. (18)).
     */
    public void gradTauW(CMatrix f, CMatrix[] w, int s, CMatrix out) {
        checkArgs(w);
        if (sensing == Sensing.BAND_AVERAGED && qForm(f, w)) {
            qCore(f, w);
            qB();
            kernels.mul(b, w[s], out);
            out.scale(2.0 / subbands);
            return;
        }
        if (sensing == Sensing.BAND_AVERAGED) {
            stack(w);
            stacked.gradTauW(f, wStack, gStack);
            lastTau = stacked.lastTau();
            unstack(s, w[s].cols(), 1 / Math.sqrt(subbands), out);
            return;
        }
        bands[s].gradTauW(f, w[s], out);
        out.scale(1.0 / subbands);
    }

    /**
     * The F ascent direction ∇_F J = (1/S)Σ_s ∇_F R_s − ω·∇_F τ_wb (seed 000 eq. (23b) for the
     * shared F) into {@code out} (N × M); returns J at (F, W_s).
     */
    public double ascentF(CMatrix f, CMatrix[] w, double omega, CMatrix out) {
        checkArgs(w);
        if (sensing == Sensing.PER_SUBBAND) {
            // (1/S)·Σ_s (∇_F R_s − ω·∇_F τ_s): the narrowband fused direction per subband
            double j = 0, r = 0, t = 0;
            for (int s = 0; s < subbands; s++) {
                j += bands[s].ascentF(f, w[s], omega, s == 0 ? out : tmp);
                r += bands[s].lastSumRateBits();
                t += bands[s].lastTau();
                if (s > 0) {
                    Kernels.addScaled(out, 1, tmp);
                }
            }
            out.scale(1.0 / subbands);
            lastRate = r / subbands;
            lastTau = t / subbands;
            return j / subbands;
        }
        gradRateF(f, w, out);
        double r = lastRate;
        if (qForm(f, w)) {
            qCore(f, w);
            qGradF(f, gStack);
            Kernels.addScaled(out, -omega, gStack);
        } else {
            stack(w);
            stacked.gradTauF(f, wStack, tmp);
            lastTau = stacked.lastTau();
            Kernels.addScaled(out, -omega, tmp);
        }
        return r - omega * lastTau;
    }

    /**
     * The W ascent directions ∇_{W_s}[(1/S)Σ_t R_t] − ω·η·∇_{W_s} τ_wb for every s (seed 000
     * eq. (24) with η weighting ∇τ) into {@code out[s]} (M × K each); returns J at (F, W_s)
     * (η does not enter J). Each direction carries the 1/S of J; {@link WidebandPga} scales
     * its step by S.
     */
    public double ascentW(CMatrix f, CMatrix[] w, double omega, double eta, CMatrix[] out) {
        checkArgs(w);
        if (out.length != subbands) {
            throw new IllegalArgumentException(out.length + " outputs for " + subbands + " subbands");
        }
        double inv = 1.0 / subbands;
        if (sensing == Sensing.PER_SUBBAND) {
            double j = 0, r = 0, t = 0;
            for (int s = 0; s < subbands; s++) {
                j += bands[s].ascentW(f, w[s], omega, eta, out[s]);
                r += bands[s].lastSumRateBits();
                t += bands[s].lastTau();
                out[s].scale(inv);
            }
            lastRate = r * inv;
            lastTau = t * inv;
            return j * inv;
        }
        boolean viaQ = qForm(f, w);
        if (viaQ) {
            qCore(f, w);
            qB();
        } else {
            stack(w);
            stacked.gradTauW(f, wStack, gStack);
            lastTau = stacked.lastTau();
        }
        double a = 1 / Math.sqrt(subbands);
        double r = 0;
        for (int s = 0; s < subbands; s++) {
            bands[s].gradRateW(f, w[s], out[s]);
            r += bands[s].lastSumRateBits();
            out[s].scale(inv);
            if (viaQ) {
                kernels.mul(b, w[s], tmp);
                Kernels.addScaled(out[s], -omega * eta * 2 * inv, tmp);
            } else {
                unstack(s, w[s].cols(), a, tmp);
                Kernels.addScaled(out[s], -omega * eta, tmp);
            }
        }
        lastRate = r * inv;
        return lastRate - omega * lastTau;
    }
}
