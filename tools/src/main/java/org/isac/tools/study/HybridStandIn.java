package org.isac.tools.study;

import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * A simple hybrid precoder for the quantization study while no hybrid solver is registered
 * under {@link QuantizationStudy.Config#hybridSolver()}: not an optimizer, only a reasonable
 * F, W pair of the right form.
 *
 * <ol>
 * <li>Digital precoder X (N x K) from the registry's {@code rzf}.</li>
 * <li>F (N x M, unit-modulus entries, as phase shifters without attenuators realize them):
 * column j = phases of column j of X for {@code j < min(M, K)}; further columns (M > K) are
 * DFT beams {@code e^{j 2 pi n j / N}}.</li>
 * <li>W (M x K) = least-squares fit {@code (F^H F)^-1 F^H X}, scaled so {@code ||F W||_F^2 = P_t}.</li>
 * </ol>
 * Uses {@code problem.rfChains} as M (must be 1..N). Allocation-free after the first solve at a
 * size. Not registered in {@link SolverRegistry}.
 */
public final class HybridStandIn implements Solver {
    /** Name used in study output when this stand-in is used. */
    public static final String NAME = "hybrid-standin";

    private final Solver digital = SolverRegistry.create("rzf");
    private final Precoder x = new Precoder();
    private final CMatrix gram = new CMatrix();
    private final CMatrix effective = new CMatrix();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void solve(Problem p, Precoder out) {
        int n = p.antennas();
        int k = p.users();
        int m = p.rfChains;
        if (m < 1 || m > n) {
            throw new IllegalArgumentException(NAME + " needs 1 <= M <= N, got M=" + m + " N=" + n);
        }
        digital.solve(p, x);
        CMatrix xd = x.baseband;
        out.reset();
        CMatrix f = out.analog.reshape(n, m);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < m; j++) {
                double re;
                double im;
                if (j < k) {
                    double ph = Math.atan2(xd.im[r * k + j], xd.re[r * k + j]);
                    re = Math.cos(ph);
                    im = Math.sin(ph);
                } else {
                    double ph = 2 * Math.PI * r * j / n;
                    re = Math.cos(ph);
                    im = Math.sin(ph);
                }
                f.re[r * m + j] = re;
                f.im[r * m + j] = im;
            }
        }
        Kernels.mulConjTransA(f, f, gram);
        if (!Kernels.cholesky(gram)) {
            throw new IllegalArgumentException(NAME + ": analog matrix is rank deficient");
        }
        CMatrix w = out.baseband;
        Kernels.mulConjTransA(f, xd, w);
        Kernels.choleskySolve(gram, w);
        double norm2 = out.effective(effective).frobeniusNorm2();
        if (!(norm2 > 0) || !Double.isFinite(norm2)) {
            throw new IllegalArgumentException(NAME + ": precoder has no finite power");
        }
        w.scale(Math.sqrt(p.powerBudgetW / norm2));
        out.iterations = 1;
    }
}
