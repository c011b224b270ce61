package org.isac.solver.digital;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;

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
 */
public final class LinearPrecoder implements Solver {
    /** Which closed form. */
    public enum Kind { MRT, ZF, RZF }

    private final Kind kind;
    private final FastKernels kernels;
    private final CMatrix gram = new CMatrix();
    private final CMatrix inverse = new CMatrix();

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
     * + 8K³ (L⁻ᴴL⁻¹ as a full product) + 8NK² (product) + 6NK (norm, scale).
     */
    @Override
    public double flops(Problem p) {
        double n = p.channel.rows();
        double k = p.channel.cols();
        if (kind == Kind.MRT) {
            return 6 * n * k;
        }
        return 16 * n * k * k + 8.0 / 3 * k * k * k + 8 * k * k * k + 6 * n * k;
    }

    @Override
    public void solve(Problem p, Precoder out) {
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
}
