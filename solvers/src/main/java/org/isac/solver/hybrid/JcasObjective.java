package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;

/**
 * The JCAS hybrid-beamforming objective of seed 000, R − ω·τ, and its exact Wirtinger
 * gradients ∂/∂X* (so that for a real f, df = 2·Re⟨∇f, dX⟩):
 * <ul>
 *   <li>R = Σ_k log₂(1 + |h_kᴴFw_k|² / (Σ_{l≠k}|h_kᴴFw_l|² + σ²_k)) in bits/s/Hz (eq. (4));</li>
 *   <li>τ = ‖FWWᴴFᴴ − Ψ‖²_F (eq. (5));</li>
 *   <li>∇_F R (eq. (13)), ∇_W R (eq. (14)), ∇_F τ (eq. (17)), ∇_W τ (eq. (18)).</li>
 * </ul>
 *
 * <p>Shapes: H is N × K (column k = h_k), F is N × M, W is M × K, Ψ is N × N Hermitian.
 * With g = HᴴF (K × M), Z = g·W (K × K, z_kl = h_kᴴFw_l), T_k = Σ_l |z_kl|² + σ²_k and
 * U_k = T_k − |z_kk|², eqs. (13)–(14) reduce to
 * ∇_F R = H·D·Wᴴ / ln 2 and ∇_W R = gᴴ·D / ln 2 with D_kl = z_kl/T_k − [l ≠ k]·z_kl/U_k,
 * which is the paper's trace form with H̃_kFV = h_k(h_kᴴF)WWᴴ evaluated right to left.
 * With X = F·W and E·X = X·(XᴴX) − Ψ·X, eqs. (17)–(18) are ∇_F τ = 2·(EX)·Wᴴ and
 * ∇_W τ = 2·Fᴴ·(EX); τ itself is ‖XᴴX‖²_F − 2·Re tr(Xᴴ Ψ X) + ‖Ψ‖²_F.
 *
 * <p>A workspace: {@link #bind} the problem once, then evaluate at any (F, W). Inputs are
 * read, never modified; outputs are reshaped. Nothing allocates after the first call at a
 * size. Not thread-safe.
 */
public final class JcasObjective {
    private CMatrix h;
    private double[] noise;
    private CMatrix psi;
    private double psiNorm2;
    /** The Ψ object and version whose ‖Ψ‖²_F is {@link #psiNorm2} (version −1: unknown, recompute). */
    private CMatrix normOf;
    private long normVersion = -1;
    private FastKernels kernels = FastKernels.get();

    private final CMatrix g = new CMatrix();
    private final CMatrix z = new CMatrix();
    private final CMatrix d = new CMatrix();
    private final CMatrix x = new CMatrix();
    private final CMatrix xhx = new CMatrix();
    private final CMatrix psix = new CMatrix();
    private final CMatrix ex = new CMatrix();
    private final CMatrix y = new CMatrix();
    private final CMatrix tmp = new CMatrix();
    private double lastRate;
    private double lastTau;

    /**
     * Binds the channel H (N × K), the noise powers σ²_k ({@code noise[0…K−1]}) and Ψ
     * (N × N). Keeps references to H, the noise and Ψ (the caller must not change them while
     * evaluating). Flops: 4·N² (‖Ψ‖²_F).
     */
    public void bind(CMatrix channel, double[] noise, CMatrix psi) {
        bind(channel, noise, psi, -1);
    }

    /**
     * As {@link #bind(CMatrix, double[], CMatrix)}, with {@code psiVersion} ≥ 0 a number
     * that the owner of Ψ changes whenever Ψ's contents change ({@link PsiCache#version()}):
     * when the same Ψ object is bound again at the same version, ‖Ψ‖²_F is not recomputed
     * (no flops). −1 always recomputes.
     */
    public void bind(CMatrix channel, double[] noise, CMatrix psi, long psiVersion) {
        if (psi.rows() != channel.rows() || psi.cols() != channel.rows()) {
            throw new IllegalArgumentException("Ψ is " + psi.rows() + "x" + psi.cols() + ", channel has N=" + channel.rows());
        }
        this.h = channel;
        this.noise = noise;
        this.psi = psi;
        if (psiVersion < 0 || psi != normOf || psiVersion != normVersion) {
            this.psiNorm2 = psi.frobeniusNorm2();
            normOf = psiVersion < 0 ? null : psi;
            normVersion = psiVersion;
        }
    }

    /**
     * The products' implementation ({@link FastKernels#get()} by default; tests pass
     * {@link FastKernels#scalar()} as the oracle).
     */
    public void useKernels(FastKernels kernels) {
        this.kernels = kernels;
    }

    /** Ψ·X into {@link #psix} (N × K). Flops: 8·N²·K. */
    private void psiTimesX() {
        int n = x.rows(), k = x.cols();
        psix.resize(n, k);
        kernels.gemm(n, k, n, 1, psi.re, psi.im, 0, n, x.re, x.im, 0, k, 0, psix.re, psix.im, 0, k);
    }

    /** Users K of the bound channel. */
    public int users() {
        return h.cols();
    }

    /** Antennas N of the bound channel. */
    public int antennas() {
        return h.rows();
    }

    /**
     * From Z (K × K row-major, z_kl = h_kᴴFw_l) and σ²_k: T_k = Σ_l |z_kl|² + σ²_k,
     * U_k = T_k − |z_kk|², D_kl = z_kl/T_k − [l ≠ k]·z_kl/U_k into (dr, di), and returns
     * Σ_k ln(T_k/U_k) (R in nats). Shared by {@link FloatPga}. Flops: ≈ 10K² + K logs.
     */
    static double rateDirection(int k, double[] zr, double[] zi, double[] noise, double[] dr, double[] di) {
        return rateDirection(k, zr, zi, 0, noise, dr, di);
    }

    /**
     * {@link #rateDirection(int, double[], double[], double[], double[], double[])} for the
     * K × K blocks Z and D stored at offset {@code off} of their arrays (the same operations,
     * so the same bits): for the subband blocks of {@link WidebandJcasObjective}.
     */
    static double rateDirection(int k, double[] zr, double[] zi, int off, double[] noise, double[] dr, double[] di) {
        double r = 0;
        for (int a = 0; a < k; a++) {
            double tot = 0;
            int row = off + a * k;
            for (int l = 0; l < k; l++) {
                double xr = zr[row + l], xi = zi[row + l];
                tot += xr * xr + xi * xi;
            }
            double zar = zr[row + a], zai = zi[row + a];
            double ta = tot + noise[a];
            double ua = ta - (zar * zar + zai * zai);
            r += Math.log(ta / ua);
            double it = 1 / ta, iu = 1 / ua;
            for (int l = 0; l < k; l++) {
                double sc = l == a ? it : it - iu;
                dr[row + l] = sc * zr[row + l];
                di[row + l] = sc * zi[row + l];
            }
        }
        return r;
    }

    /** g = HᴴF, Z = g·W, T, U and D; returns R in bits. Flops: 8·N·M·K + 8·M·K² + O(K²). */
    private double rateCore(CMatrix f, CMatrix w) {
        kernels.mulConjTransA(h, f, g);
        kernels.mul(g, w, z);
        int k = h.cols();
        d.reshape(k, k);
        double r = rateDirection(k, z.re, z.im, noise, d.re, d.im);
        lastRate = r / Metrics.LN2;
        return lastRate;
    }

    /** X = F·W, XᴴX, Ψ·X and E·X; returns τ. Flops: 8·N·M·K + 16·N·K² + 8·N²·K. */
    private double tauCore(CMatrix f, CMatrix w) {
        kernels.mul(f, w, x);
        kernels.mulConjTransA(x, x, xhx);
        psiTimesX();
        kernels.mul(x, xhx, ex);
        Kernels.addScaled(ex, -1, psix);
        double tau = xhx.frobeniusNorm2() - 2 * Kernels.realInner(x, psix) + psiNorm2;
        lastTau = Math.max(tau, 0);
        return lastTau;
    }

    /** Sum rate R of eq. (4) in bits/s/Hz at (F, W). Flops: 8·N·M·K + 8·M·K². */
    public double sumRateBits(CMatrix f, CMatrix w) {
        return rateCore(f, w);
    }

    /** Beampattern error τ of eq. (5) at (F, W). Flops: 8·N·M·K + 16·N·K² + 8·N²·K. */
    public double tau(CMatrix f, CMatrix w) {
        return tauCore(f, w);
    }

    /** R − ω·τ at (F, W) (eq. (8a)). Flops: those of {@link #sumRateBits} plus {@link #tau}. */
    public double objective(CMatrix f, CMatrix w, double omega) {
        return rateCore(f, w) - omega * tauCore(f, w);
    }

    /** R from the last evaluation that computed it (bits/s/Hz). */
    public double lastSumRateBits() {
        return lastRate;
    }

    /** τ from the last evaluation that computed it. */
    public double lastTau() {
        return lastTau;
    }

    /** ∇_F R of seed 000 eq. (13) into {@code out} (N × M). Flops: 16·N·M·K + 8·N·K² + 8·M·K². */
    public void gradRateF(CMatrix f, CMatrix w, CMatrix out) {
        rateCore(f, w);
        kernels.mul(h, d, y);
        kernels.mulConjTransB(y, w, out);
        out.scale(1 / Metrics.LN2);
    }

    /** ∇_W R of seed 000 eq. (14) into {@code out} (M × K). Flops: 8·N·M·K + 16·M·K². */
    public void gradRateW(CMatrix f, CMatrix w, CMatrix out) {
        rateCore(f, w);
        kernels.mulConjTransA(g, d, out);
        out.scale(1 / Metrics.LN2);
    }

    /** ∇_F τ = 2(FWWᴴFᴴ − Ψ)FWWᴴ of eq. (17) into {@code out} (N × M). Flops: 16·N·M·K + 16·N·K² + 8·N²·K. */
    public void gradTauF(CMatrix f, CMatrix w, CMatrix out) {
        tauCore(f, w);
        kernels.mulConjTransB(ex, w, out);
        out.scale(2);
    }

    /** ∇_W τ = 2Fᴴ(FWWᴴFᴴ − Ψ)FW of eq. (18) into {@code out} (M × K). Flops: 16·N·M·K + 16·N·K² + 8·N²·K. */
    public void gradTauW(CMatrix f, CMatrix w, CMatrix out) {
        tauCore(f, w);
        kernels.mulConjTransA(f, ex, out);
        out.scale(2);
    }

    /**
     * The F ascent direction of seed 000 eq. (23b), ∇_F R − ω·∇_F τ, into {@code out}
     * (N × M), sharing the intermediates: (H·D/ln 2 − 2ω·EX)·Wᴴ. Also evaluates the
     * objective R − ω·τ at (F, W), which it returns.
     * Flops: ≈ 8·N²·K + 24·N·M·K + 24·N·K² + 8·M·K² (≈ 172 kflop at N = 64, M = K = 4).
     */
    public double ascentF(CMatrix f, CMatrix w, double omega, CMatrix out) {
        double r = rateCore(f, w);
        double tau = tauCore(f, w);
        kernels.mul(h, d, y);
        int size = y.size();
        double a = 1 / Metrics.LN2, b = -2 * omega;
        for (int i = 0; i < size; i++) {
            y.re[i] = a * y.re[i] + b * ex.re[i];
            y.im[i] = a * y.im[i] + b * ex.im[i];
        }
        kernels.mulConjTransB(y, w, out);
        return r - omega * tau;
    }

    /**
     * The W ascent direction of seed 000 eq. (24), ∇_W R − ω·η·∇_W τ, into {@code out}
     * (M × K): gᴴ·D/ln 2 − 2ωη·Fᴴ·(EX). Returns R − ω·τ at (F, W) (η does not enter the
     * objective). Flops: ≈ 8·N²·K + 24·N·M·K + 16·N·K² + 16·M·K².
     */
    public double ascentW(CMatrix f, CMatrix w, double omega, double eta, CMatrix out) {
        double r = rateCore(f, w);
        double tau = tauCore(f, w);
        kernels.mulConjTransA(g, d, out);
        kernels.mulConjTransA(f, ex, tmp);
        int size = out.size();
        double a = 1 / Metrics.LN2, b = -2 * omega * eta;
        for (int i = 0; i < size; i++) {
            out.re[i] = a * out.re[i] + b * tmp.re[i];
            out.im[i] = a * out.im[i] + b * tmp.im[i];
        }
        return r - omega * tau;
    }
}
