package org.isac.solver.digital;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;

/**
 * Closed-form digital baselines for y = Hᴴx + n (H is N × K, column k = h_k), each scaled
 * so that ‖X‖²_F = P_t:
 * <ul>
 *   <li>{@code mrt}: X ∝ H (matched filter).</li>
 *   <li>{@code zf}: X ∝ H·(HᴴH)⁻¹ = pinv(Hᴴ), so HᴴX is diagonal (needs K ≤ N and rank K).</li>
 *   <li>{@code rzf}: X ∝ H·(HᴴH + α·I)⁻¹ with α = K·σ̄²/P_t by default (σ̄² the mean user
 *       noise power); parameter {@code reg} sets α.</li>
 * </ul>
 * Flops (zf/rzf): 8·N·K² for the Gram matrix, ≈ 4K³/3 for its Cholesky factor L, ≈ 4K³/3
 * for L⁻¹, 8K³ for (HᴴH + αI)⁻¹ = L⁻ᴴL⁻¹, 8·N·K² for the product, all in
 * {@link FastKernels} (the Vector API when the JVM has it). Allocation-free after the first
 * solve at a size.
 *
 * <h2>Wideband</h2>
 * With S &gt; 1 subbands ({@link Problem#subbands()}) each subband is solved under its own
 * budget, ‖X_s‖²_F = P_t, and X_s is bit for bit the narrowband answer for H_s and σ²_s (the
 * same operations in the same order). The closed forms have nothing to share across subbands
 * (H_s, and so HₛᴴHₛ and α_s, differ per subband), so the batching is in how the work is laid
 * out, not in what is computed:
 * <ul>
 *   <li>the S Gram matrices HₛᴴHₛ + α_sI (one kernel call each, already at the FMA peak) are
 *       copied into one block, entry-major and subband-minor ({@code [(i·K + j)·S + s]}), where
 *       {@link FastKernels#choleskyInvertEach} factors and inverts them together, one subband
 *       per vector lane: the scalar operations of {@link Kernels#cholesky} and
 *       {@link Kernels#invertLower} lane by lane, so the same bits, with L chains per step
 *       instead of one (the K × K work is latency-bound at K = 4);</li>
 *   <li>the S products X_s = H_s·(HₛᴴHₛ + α_sI)⁻¹ go through {@link FastKernels#mulEach},
 *       which keeps a 4 × 4 right factor in registers (the same bits as {@link FastKernels#mul});
 *       at N = 64, K = 4 this is most of the saving;</li>
 *   <li>the S power sums ‖X_s‖²_F, each a serial sum in element order as in
 *       {@link CMatrix#frobeniusNorm2()}, run four subbands at a time, so four chains of
 *       dependent additions overlap;</li>
 *   <li>validation, parameters and the output reset happen once per solve, not once per
 *       subband.</li>
 * </ul>
 * S = 1 takes the narrowband path unchanged.
 */
public final class LinearPrecoder implements Solver {
    /** Which closed form. */
    public enum Kind { MRT, ZF, RZF }

    private final Kind kind;
    private final FastKernels kernels;
    private final CMatrix gram = new CMatrix();
    private final CMatrix inverse = new CMatrix();
    /** Wideband workspace (grow-only): per-subband Gram / factor and inverse, the batched K × K block. */
    private CMatrix[] grams = new CMatrix[0];
    private CMatrix[] inverses = new CMatrix[0];
    private CMatrix[] channels = new CMatrix[0];
    private CMatrix[] outputs = new CMatrix[0];
    private double[] batchRe = new double[0], batchIm = new double[0];
    private double[] lane = new double[0];

    public LinearPrecoder(Kind kind) {
        this(kind, FastKernels.get());
    }

    /** With the given kernels (e.g. {@link FastKernels#scalar()} to compare). */
    public LinearPrecoder(Kind kind, FastKernels kernels) {
        this.kind = kind;
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return switch (kind) {
            case MRT -> "mrt";
            case ZF -> "zf";
            case RZF -> "rzf";
        };
    }

    /**
     * mrt: 6NK (copy, norm, scale). zf/rzf: 8NK² (Gram) + 4K³/3 (Cholesky) + 4K³/3 (L⁻¹)
     * + 8K³ (L⁻ᴴL⁻¹ as a full product) + 8NK² (product) + 6NK (norm, scale). A wideband
     * problem: S times that.
     */
    @Override
    public double flops(Problem p) {
        double n = p.channel.rows();
        double k = p.channel.cols();
        double subbands = p.subbands();
        if (kind == Kind.MRT) {
            return subbands * (6 * n * k);
        }
        return subbands * (16 * n * k * k + 8.0 / 3 * k * k * k + 8 * k * k * k + 6 * n * k);
    }

    /** Solves every subband of a wideband problem (see the class comment). */
    @Override
    public boolean wideband() {
        return true;
    }

    @Override
    public void solve(Problem p, Precoder out) {
        if (p.subbands() > 1) {
            solveWideband(p, out);
            return;
        }
        out.reset();
        CMatrix h = p.channel;
        int n = h.rows(), k = h.cols();
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("empty channel " + n + "x" + k);
        }
        if (!(p.powerBudgetW > 0)) {
            throw new IllegalArgumentException("power budget must be > 0 W, got " + p.powerBudgetW);
        }
        CMatrix x = out.baseband;
        if (kind == Kind.MRT) {
            x.copyFrom(h);
        } else {
            if (k > n) {
                throw new IllegalArgumentException(name() + " needs K <= N, got K=" + k + " N=" + n);
            }
            double alpha = 0;
            if (kind == Kind.RZF) {
                double meanNoise = 0;
                for (int i = 0; i < k; i++) {
                    meanNoise += p.noise[i];
                }
                meanNoise /= k;
                alpha = p.params.get("reg", k * meanNoise / p.powerBudgetW);
                if (!(alpha >= 0) || !Double.isFinite(alpha)) {
                    throw new IllegalArgumentException("rzf reg must be finite and >= 0, got " + alpha);
                }
            }
            // X = H·(HᴴH + αI)⁻¹: Gram, Cholesky, L⁻ᴴL⁻¹ and the product in FastKernels
            if (!kernels.regularizedPinv(h, alpha, x, gram, inverse)) {
                throw new IllegalArgumentException(name() + ": channel Gram matrix is singular (users not separable)");
            }
        }
        double norm2 = x.frobeniusNorm2();
        if (!(norm2 > 0) || !Double.isFinite(norm2)) {
            throw new IllegalArgumentException(name() + ": precoder has no finite power (zero channel?)");
        }
        x.scale(Math.sqrt(p.powerBudgetW / norm2));
        out.iterations = 1;
    }

    /** S &gt; 1: every subband at once (class comment). */
    private void solveWideband(Problem p, Precoder out) {
        int subbands = p.subbands();
        CMatrix h0 = p.channel;
        int n = h0.rows(), k = h0.cols();
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("empty channel " + n + "x" + k);
        }
        if (!(p.powerBudgetW > 0)) {
            throw new IllegalArgumentException("power budget must be > 0 W, got " + p.powerBudgetW);
        }
        if (kind != Kind.MRT && k > n) {
            throw new IllegalArgumentException(name() + " needs K <= N, got K=" + k + " N=" + n);
        }
        for (int s = 1; s < subbands; s++) {
            CMatrix hs = p.channel(s);
            if (hs.rows() != n || hs.cols() != k) {
                throw new IllegalArgumentException(name() + ": subband " + s + " channel is " + hs.rows() + "x" + hs.cols()
                        + ", subband 0's is " + n + "x" + k + " (every subband needs the same N x K)");
            }
        }
        boolean haveReg = p.params.has("reg");
        double reg = haveReg ? p.params.get("reg", 0) : 0;
        if (kind == Kind.RZF) {
            for (int s = 0; s < subbands; s++) {
                if (p.noise(s).length < k) {
                    throw new IllegalArgumentException(name() + ": subband " + s + " has " + p.noise(s).length
                            + " noise powers for " + k + " users");
                }
            }
        }
        out.reset();
        out.setSubbands(subbands);
        grow(subbands, k);
        if (kind == Kind.MRT) {
            int size = n * k;
            for (int s = 0; s < subbands; s++) { // copyFrom without its zeroing (every entry is overwritten)
                CMatrix hs = p.channel(s), xs = out.baseband(s).resize(n, k);
                System.arraycopy(hs.re, 0, xs.re, 0, size);
                System.arraycopy(hs.im, 0, xs.im, 0, size);
            }
        } else {
            int kk = k * k;
            double[] br = batchRe, bi = batchIm;
            for (int s = 0; s < subbands; s++) {
                double alpha = 0;
                if (kind == Kind.RZF) {
                    double[] noise = p.noise(s);
                    double meanNoise = 0;
                    for (int i = 0; i < k; i++) {
                        meanNoise += noise[i];
                    }
                    meanNoise /= k;
                    alpha = haveReg ? reg : k * meanNoise / p.powerBudgetW;
                    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
                        throw new IllegalArgumentException("rzf reg must be finite and >= 0, got " + alpha
                                + (haveReg ? "" : " (subband " + s + ")"));
                    }
                }
                CMatrix hs = p.channel(s);
                CMatrix g = grams[s];
                kernels.mulConjTransA(hs, hs, g); // as FastKernels.gramCholesky
                for (int e = 0; e < kk; e++) {
                    br[e * subbands + s] = g.re[e];
                    bi[e * subbands + s] = g.im[e];
                }
                for (int i = 0; i < k; i++) {
                    br[(i * k + i) * subbands + s] += alpha;
                    bi[(i * k + i) * subbands + s] = 0;
                }
            }
            int failed = kernels.choleskyInvertEach(br, bi, k, subbands, lane);
            if (failed >= 0) {
                throw new IllegalArgumentException(name() + ": channel Gram matrix is singular (users not separable)"
                        + " in subband " + failed);
            }
            for (int s = 0; s < subbands; s++) {
                CMatrix f = grams[s];
                for (int e = 0; e < kk; e++) {
                    f.re[e] = br[e * subbands + s];
                    f.im[e] = bi[e * subbands + s];
                }
                kernels.mulConjTransA(f, f, inverses[s]); // as FastKernels.choleskyInverse
                channels[s] = p.channel(s);
                outputs[s] = out.baseband(s);
            }
            kernels.mulEach(subbands, channels, inverses, outputs); // X_s = H_s·(H_sᴴH_s + α_sI)⁻¹
            java.util.Arrays.fill(channels, 0, subbands, null); // hold no reference to the caller's objects
            java.util.Arrays.fill(outputs, 0, subbands, null);
        }
        double[] norms = lane;
        powers(out, subbands, n * k, norms);
        for (int s = 0; s < subbands; s++) {
            double norm2 = norms[s];
            if (!(norm2 > 0) || !Double.isFinite(norm2)) {
                throw new IllegalArgumentException(name() + ": precoder has no finite power (zero channel?) in subband " + s);
            }
        }
        for (int s = 0; s < subbands; s++) {
            out.baseband(s).scale(Math.sqrt(p.powerBudgetW / norms[s]));
        }
        out.iterations = 1;
    }

    private void grow(int subbands, int k) {
        if (grams.length < subbands) {
            CMatrix[] g = java.util.Arrays.copyOf(grams, subbands);
            CMatrix[] v = java.util.Arrays.copyOf(inverses, subbands);
            for (int s = grams.length; s < subbands; s++) {
                g[s] = new CMatrix();
                v[s] = new CMatrix();
            }
            grams = g;
            inverses = v;
            channels = new CMatrix[subbands];
            outputs = new CMatrix[subbands];
        }
        int size = k * k * subbands;
        if (batchRe.length < size) {
            batchRe = new double[size];
            batchIm = new double[size];
        }
        if (lane.length < 4 * subbands) {
            lane = new double[4 * subbands];
        }
    }

    /**
     * ‖X_s‖²_F of every subband into {@code norms[s]}: per subband the serial sum of
     * {@link CMatrix#frobeniusNorm2()} in the same element order (so the same bits), four
     * subbands per pass so that four dependency chains overlap.
     */
    static void powers(Precoder out, int subbands, int size, double[] norms) {
        int s = 0;
        for (; s + 4 <= subbands; s += 4) {
            double[] r0 = out.baseband(s).re, i0 = out.baseband(s).im;
            double[] r1 = out.baseband(s + 1).re, i1 = out.baseband(s + 1).im;
            double[] r2 = out.baseband(s + 2).re, i2 = out.baseband(s + 2).im;
            double[] r3 = out.baseband(s + 3).re, i3 = out.baseband(s + 3).im;
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int e = 0; e < size; e++) {
                a0 += r0[e] * r0[e] + i0[e] * i0[e];
                a1 += r1[e] * r1[e] + i1[e] * i1[e];
                a2 += r2[e] * r2[e] + i2[e] * i2[e];
                a3 += r3[e] * r3[e] + i3[e] * i3[e];
            }
            norms[s] = a0;
            norms[s + 1] = a1;
            norms[s + 2] = a2;
            norms[s + 3] = a3;
        }
        for (; s < subbands; s++) {
            norms[s] = out.baseband(s).frobeniusNorm2();
        }
    }
}
