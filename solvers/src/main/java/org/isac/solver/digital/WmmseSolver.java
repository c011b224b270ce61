package org.isac.solver.digital;

import org.isac.solver.IsacParams;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.TimeBudget;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.IsacRates;

/**
 * Weighted-MMSE sum-rate precoder (Shi, Razaviyayn, Luo, He, IEEE TSP 2011, Algorithm 1
 * with single-antenna receivers) for y_k = h_kᴴx + n_k under ‖V‖²_F ≤ P_t. Per iteration:
 * <pre>
 *   u_k = h_kᴴv_k / (Σ_j |h_kᴴv_j|² + σ²_k)        (MMSE receiver)
 *   w_k = 1 / (1 − u_k* h_kᴴv_k) = 1 + SINR_k      (MMSE weight)
 *   v_k = (Σ_j w_j|u_j|² h_j h_jᴴ + μI)⁻¹ h_k u_k w_k
 * </pre>
 * By push-through, V = H·X with X = (HᴴH + μD⁻¹)⁻¹·diag(1/u_k*), D = diag(w_k|u_k|²),
 * evaluated as X = D^{1/2}(D^{1/2}HᴴHD^{1/2} + μI)⁻¹D^{1/2}diag(1/u_k*) (Cholesky), so
 * every step works on K × K matrices (V is formed once at the end). μ ≥ 0 is found by
 * bisection (in log scale, relative power error ≤ 1e-10) so that ‖V‖² = P_t; when
 * μ = 0 already gives ‖V‖² ≤ P_t (only possible for K ≤ N), V is scaled up to P_t — this
 * raises every SINR, so the sum rate stays non-decreasing. The returned precoder always
 * has ‖V‖²_F = P_t. Total power only (per-antenna limits are rejected).
 *
 * <p>Parameters: {@code max_iter} (100), {@code tol} (1e-6: stop when the sum rate
 * changes by less than tol·rate), {@code init} (0 = RZF, 1 = MRT). Predicted
 * {@code sum_rate_nats}. Flops per iteration ≈ (60 bisection steps)·(4K³/3 + 16K³) + 8K³;
 * plus 8NK² once for HᴴH and 8NK² for the final V. Allocation-free after warm-up.
 *
 * <h2>Wideband</h2>
 * With S &gt; 1 subbands and the budget applying to each subband (‖V_s‖²_F = P_t), the sum
 * rate Σ_s Σ_k log(1 + SINR_{s,k}) separates into S independent problems, one per subband, so
 * subband s is solved exactly as the narrowband problem (H_s, σ²_s): the same iterations, so
 * the same bits. What is shared is the workspace (one set of K × K matrices, the RZF start,
 * the layer pacer's timings), not arithmetic: the iterations are data-dependent (bisection
 * steps, convergence) per subband, so there is no honest lock-step batch. A time budget is
 * split as the solve goes: subband s may use the time left at its start divided by the S − s
 * subbands still to solve (what it leaves unused goes to the later ones). {@code sum_rate_nats} is then the sum over subbands; {@code iterations} the most
 * any subband ran; {@link Precoder#earlyStop}, {@link Precoder#deadlineStop} and
 * {@link Precoder#outOfTime} are set when any subband's is. The sum-rate trace
 * ({@link #traceSumRate}) holds the last subband's.
 */
public final class WmmseSolver implements Solver {
    private final org.isac.solver.LayerPacer pacer = new org.isac.solver.LayerPacer();
    private static final int BISECTION_STEPS = 200;
    private static final double POWER_REL_TOL = 1e-10;

    /**
     * The RZF start on the plain scalar kernels: it runs once per solve, so its Vector API
     * kernel would stay in the C1 compiler for thousands of solves and allocate a vector box
     * per operation (≈ 69 kB per solve at N = 16, K = 4) until C2 compiled it; the scalar
     * kernel allocates nothing from the first solve at a size and costs O(N·K²) against the
     * iterations' O(K³) per bisection step.
     */
    private final LinearPrecoder rzf = new LinearPrecoder(LinearPrecoder.Kind.RZF, FastKernels.scalar());
    private final LinearPrecoder mrt = new LinearPrecoder(LinearPrecoder.Kind.MRT);
    private final CMatrix gram = new CMatrix();
    private final CMatrix hv = new CMatrix();
    private final CMatrix sys = new CMatrix();
    private final CMatrix xs = new CMatrix();
    private final CMatrix gx = new CMatrix();
    private double[] uRe = new double[0], uIm = new double[0], dHalf = new double[0], rates = new double[0];
    private double[] trace;
    private int traceLength;

    @Override
    public String name() {
        return "wmmse";
    }

    /** Records the sum rate (nats) of the initial point and after each iteration into {@code buf}. */
    public void traceSumRate(double[] buf) {
        trace = buf;
    }

    public int traceLength() {
        return traceLength;
    }

    /** Wideband workspace: subband s as a narrowband problem, its answer, its share of the time. */
    private final Problem view = new Problem();
    private final Precoder one = new Precoder();
    private final org.isac.solver.SubbandShare share = new org.isac.solver.SubbandShare();

    /** Solves every subband (see the class comment). */
    @Override
    public boolean wideband() {
        return true;
    }

    @Override
    public void solve(Problem p, Precoder out) {
        if (p.subbands() > 1) {
            solveWideband(p, out);
        } else {
            solveNarrowband(p, out);
        }
    }

    private void solveWideband(Problem p, Precoder out) {
        int subbands = p.subbands();
        int n = p.antennas(), k = p.users();
        for (int s = 1; s < subbands; s++) {
            CMatrix hs = p.channel(s);
            if (hs.rows() != n || hs.cols() != k) {
                throw new IllegalArgumentException("wmmse: subband " + s + " channel is " + hs.rows() + "x" + hs.cols()
                        + ", subband 0's is " + n + "x" + k + " (every subband needs the same N x K)");
            }
            if (p.noise(s).length < k) {
                throw new IllegalArgumentException("wmmse: subband " + s + " has " + p.noise(s).length
                        + " noise powers for " + k + " users");
            }
        }
        view.copySettingsFrom(p);
        view.budget = p.budget == TimeBudget.UNBOUNDED ? TimeBudget.UNBOUNDED : share;
        share.whole(p.budget);
        out.reset();
        out.setSubbands(subbands);
        double sumRate = 0;
        int iterations = 0;
        boolean early = false, deadline = false, late = false;
        for (int s = 0; s < subbands; s++) {
            view.copySubbandFrom(p, s);
            if (view.budget == share) {
                share.start(subbands - s);
            }
            try {
                solveNarrowband(view, one);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (subband " + s + ")", e);
            }
            out.baseband(s).copyFrom(one.baseband);
            sumRate += one.predicted.get("sum_rate_nats", Double.NaN);
            iterations = Math.max(iterations, one.iterations);
            early |= one.earlyStop;
            deadline |= one.deadlineStop;
            late |= one.outOfTime;
        }
        share.whole(TimeBudget.UNBOUNDED); // hold no reference to the caller's clock
        out.iterations = iterations;
        out.earlyStop = early;
        out.deadlineStop = deadline;
        out.outOfTime = late;
        out.layersPlanned = one.layersPlanned;
        out.predicted.put("sum_rate_nats", sumRate);
    }

    private void solveNarrowband(Problem p, Precoder out) {
        if (IsacParams.perAntennaPower(p, false)) {
            throw new IllegalArgumentException("wmmse supports the total power constraint only (per_antenna_power must be 0)");
        }
        int maxIter = (int) p.params.get("max_iter", 100);
        double tol = p.params.get("tol", 1e-6);
        int init = (int) p.params.get("init", 0);
        if (maxIter < 0 || !(tol >= 0) || init < 0 || init > 1) {
            throw new IllegalArgumentException("wmmse: need max_iter >= 0, tol >= 0, init in {0, 1}");
        }
        (init == 0 && p.users() <= p.antennas() ? rzf : mrt).solve(p, out);
        if (!pacer.begin(p, org.isac.solver.LayerPacer.shapeKey(p.antennas(), p.users(), 0, maxIter), out, maxIter)) {
            return;
        }
        CMatrix h = p.channel;
        int k = h.cols();
        double pt = p.powerBudgetW;
        if (uRe.length < k) {
            uRe = new double[k];
            uIm = new double[k];
            dHalf = new double[k];
            rates = new double[k];
        }
        Kernels.mulConjTransA(h, h, gram);
        Kernels.mulConjTransA(h, out.baseband, hv);
        double rate = IsacRates.ratesFromProducts(hv, p.noise, rates);
        traceLength = 0;
        record(rate);
        pacer.setUpDone();
        int it = 0;
        boolean converged = false;
        boolean haveX = false;
        boolean outOfTime = false;
        while (it < maxIter) {
            it++;
            for (int q = 0; q < k; q++) {
                double total = p.noise[q];
                for (int j = 0; j < k; j++) {
                    total += hv.re[q * k + j] * hv.re[q * k + j] + hv.im[q * k + j] * hv.im[q * k + j];
                }
                double sr = hv.re[q * k + q], si = hv.im[q * k + q];
                double signal = sr * sr + si * si;
                double w = total / (total - signal);
                double ur = sr / total, ui = si / total;
                double au = Math.hypot(ur, ui);
                // D^{1/2} = √w·|u|; right-hand side D^{1/2}·diag(1/u*) = √w·u/|u|
                dHalf[q] = Math.sqrt(w) * au;
                uRe[q] = au > 0 ? Math.sqrt(w) * ur / au : 0;
                uIm[q] = au > 0 ? Math.sqrt(w) * ui / au : 0;
            }
            double power = Double.NaN;
            if (solveFor(0, k)) {
                power = powerOf(k);
            }
            if (Double.isFinite(power) && power <= pt) {
                // μ = 0: scale up to the budget (raises every SINR)
                xs.scale(Math.sqrt(pt / power));
            } else {
                double lo = 0, hi = Math.max(1e-300, traceOfScaled(k) / k * 1e-6);
                int guard = 0;
                while (!(solveFor(hi, k) && powerOf(k) <= pt) && guard++ < 200) {
                    lo = hi;
                    hi *= 4;
                }
                for (int b = 0; b < BISECTION_STEPS; b++) {
                    double mid = lo == 0 ? 0.5 * hi : Math.sqrt(lo * hi);
                    double pm = solveFor(mid, k) ? powerOf(k) : Double.POSITIVE_INFINITY;
                    if (pm > pt) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                    if (Math.abs(pm - pt) <= POWER_REL_TOL * pt || hi - lo <= 1e-15 * hi) {
                        break;
                    }
                }
                solveFor(hi, k);
                xs.scale(Math.sqrt(pt / powerOf(k)));
            }
            haveX = true;
            Kernels.mul(gram, xs, hv);
            double next = IsacRates.ratesFromProducts(hv, p.noise, rates);
            record(next);
            boolean small = Math.abs(next - rate) <= tol * Math.abs(next);
            rate = next;
            if (small) {
                converged = true;
                break;
            }
            if (!pacer.layerDone(it, maxIter)) {
                outOfTime = true;
                break;
            }
        }
        if (haveX) {
            Kernels.mul(h, xs, out.baseband);
            double p2 = out.baseband.frobeniusNorm2();
            out.baseband.scale(Math.sqrt(pt / p2));
        }
        out.iterations = it;
        out.earlyStop = (converged || outOfTime) && it < maxIter;
        out.deadlineStop = outOfTime;
        out.predicted.put("sum_rate_nats", rate);
        pacer.finished();
    }

    /**
     * xs = (G + μD⁻¹)⁻¹·diag(1/u*), computed in the well-conditioned form
     * xs = D^{1/2}(D^{1/2}GD^{1/2} + μI)⁻¹·D^{1/2}diag(1/u*) (no division by w|u|², which
     * may vanish for a switched-off user); false when the system is not positive definite.
     */
    private boolean solveFor(double mu, int k) {
        sys.reshape(k, k);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double f = dHalf[a] * dHalf[b];
                sys.re[a * k + b] = f * gram.re[a * k + b];
                sys.im[a * k + b] = f * gram.im[a * k + b];
            }
            sys.re[a * k + a] += mu;
        }
        if (!Kernels.cholesky(sys)) {
            return false;
        }
        xs.reshape(k, k);
        for (int q = 0; q < k; q++) {
            xs.re[q * k + q] = uRe[q];
            xs.im[q * k + q] = uIm[q];
        }
        Kernels.choleskySolve(sys, xs);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                xs.re[a * k + b] *= dHalf[a];
                xs.im[a * k + b] *= dHalf[a];
            }
        }
        return true;
    }

    /** ‖H·xs‖²_F = Re tr(xsᴴ G xs). */
    private double powerOf(int k) {
        Kernels.mul(gram, xs, gx);
        double s = 0;
        for (int i = 0; i < k * k; i++) {
            s += xs.re[i] * gx.re[i] + xs.im[i] * gx.im[i];
        }
        return s;
    }

    /** tr(D^{1/2} G D^{1/2}). */
    private double traceOfScaled(int k) {
        double t = 0;
        for (int q = 0; q < k; q++) {
            t += dHalf[q] * dHalf[q] * gram.re[q * k + q];
        }
        return t;
    }

    private void record(double r) {
        if (trace != null && traceLength < trace.length) {
            trace[traceLength++] = r;
        }
    }
}
