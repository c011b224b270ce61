package org.isac.solver.digital;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;
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
 * Flops (zf/rzf): 8·N·K² for the Gram matrix, ≈ 4K³/3 + 8K³ for the inverse, 8·N·K² for
 * the product. Allocation-free after the first solve at a size.
 */
public final class LinearPrecoder implements Solver {
    /** Which closed form. */
    public enum Kind { MRT, ZF, RZF }

    private final Kind kind;
    private final CMatrix gram = new CMatrix();
    private final CMatrix inverse = new CMatrix();

    public LinearPrecoder(Kind kind) {
        this.kind = kind;
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
     * mrt: 6NK (copy, norm, scale). zf/rzf: 8NK² (Gram) + 8K³/3 (Cholesky) + 8K³ (two
     * triangular solves for K right-hand sides) + 8NK² (product) + 6NK (norm, scale).
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
            Kernels.mulConjTransA(h, h, gram);
            for (int i = 0; i < k; i++) {
                gram.re[i * k + i] += alpha;
            }
            if (!Kernels.cholesky(gram)) {
                throw new IllegalArgumentException(name() + ": channel Gram matrix is singular (users not separable)");
            }
            inverse.reshape(k, k);
            for (int i = 0; i < k; i++) {
                inverse.re[i * k + i] = 1;
            }
            Kernels.choleskySolve(gram, inverse);
            Kernels.mul(h, inverse, x);
        }
        double norm2 = x.frobeniusNorm2();
        if (!(norm2 > 0) || !Double.isFinite(norm2)) {
            throw new IllegalArgumentException(name() + ": precoder has no finite power (zero channel?)");
        }
        x.scale(Math.sqrt(p.powerBudgetW / norm2));
        out.iterations = 1;
    }
}
