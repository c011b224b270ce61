package org.isac.solver.digital;

import org.isac.solver.IsacParams;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.HermitianEigen;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.CrlbFim;
import org.isac.solver.metric.IsacRates;

/**
 * Sum-rate / CRLB balancing precoder of seed 004 (Algorithm 1): maximise
 * f(W) = δ_c·Σ_k R_k − δ_s·tr(F⁻¹) (problem (11)) over W = [W_c, W_s] (N_t × (K + N_s))
 * with tr(WWᴴ) = P_t (Proposition 1) or, per Remark 2, every antenna at P_t/N_t.
 *
 * <p>Each iteration: ξ_k, η_k, β_k of eq. (16) from Hᴴ·W; Φ = F⁻¹F⁻¹ (first-layer SCA,
 * Lemma 3); the sensing matrix ½(Q + Qᴴ) of eq. (23)–(24) as Ā·T·Āᴴ
 * ({@link CrlbFim#gradientKernel}); λ = |dominant eigenvalue| of
 * δ_c·HΣ₂Hᴴ − ½δ_s(Q + Qᴴ) (after eq. (25)); then eq. (29)/(33)
 * W ← Π(C₁ + C₂W) = Π(λW + ½∇f(W)) with Π the sphere projection (30) or the per-antenna
 * projection (31) (rows scaled to norm √(P_t/N_t); the printed (31) lacks the square
 * root). Stops when ‖W − W_prev‖_F &lt; {@code tol} or after {@code max_iter}.
 *
 * <p>λ is computed without forming N_t × N_t matrices: the matrix equals V·C·Vᴴ with
 * V = [H, Ā] (N_t × (K+3M)) and C = blkdiag(δ_c Σ₂, −δ_s T), whose non-zero eigenvalues
 * are those of Lᴴ C L with VᴴV = LLᴴ (Cholesky, relative jitter 1e-10, so a rank-deficient
 * V with N_t &lt; K + 3M is handled); the small
 * Hermitian eigenproblem is solved by Jacobi ({@link HermitianEigen}).
 *
 * <p>Safeguard (not in the paper): if a step lowers f (relative 1e-12), λ is doubled and
 * the step retried (at most 40 times; the step size 1/(2λ) halves each time, so an ascent
 * is found unless W is stationary). The count is reported as predicted
 * {@code lambda_doublings}; with the paper's λ it is usually 0. Param
 * {@code monotone} = 0 turns it off.
 *
 * <p>Low-dimensional variant ({@code sca-crlb-ld}, Proposition 5, eqs. (38)–(40)):
 * W = N·P with N = [H, A, Ȧ_θ, Ȧ_ε] = V and P ∈ C^{(K+3M)×(K+N_s)}. Every quantity is
 * computed from NᴴN and P: Hᴴ W = (NᴴN)_{1:K,:}P, ĀᴴW = (NᴴN)_{K+1:,:}P, and eq. (40)
 * P ← √(P_t / tr(LLᴴ(NᴴN)⁻¹))·(NᴴN)⁻¹L with L = C̃₁ + C̃₂P, C̃ = NᴴCN, simplifies to
 * P ← Π_N(λP + ½∇_P), so no inverse is formed. We take C̃₂ = Nᴴ C₂ N (shift λ·NᴴN with the
 * same λ as the full algorithm) rather than a separately shifted λ̃·I: then the LD iterates
 * are exactly the full-dimensional iterates started from W⁰ = N·P⁰. The start is
 * P⁰ = [E_K, (NᴴN)⁻¹NᴴW_s⁰], i.e. the full variant's start projected onto range(N).
 * Total power only.
 *
 * <p>Parameters ({@link Problem#params}, read by {@link IsacParams}): {@code sensing_streams}
 * N_s (0 … 3M, default 3M), {@code per_antenna_power} (0/1, default
 * {@link Problem#perAntennaPower}), {@code frame_length} L (30), {@code delta_c} (0.25),
 * {@code delta_s} (1), {@code radar_noise_w} σ_s² (default mean user noise), {@code max_iter} (2000),
 * {@code tol} (1e-5), {@code seed} (1, for the random W_s of the initial point),
 * {@code monotone} (1). Init (reference notes): W_c = H, W_s i.i.d. CN(0,1), projected.
 *
 * <p>Output: {@code baseband} = W (N_t × (K+N_s), W_c first), predicted
 * {@code sum_rate_nats}, {@code crlb} (tr F⁻¹), {@code objective}, {@code lambda}
 * (last), {@code lambda_doublings}; {@code iterations}; {@code earlyStop} = converged
 * before {@code max_iter}.
 *
 * <p>Flops per iteration (full): 8·N_t·S·(K + 3M)·3 (products HᴴW, ĀᴴW and the two lifts)
 * + 8·(3M)²·S + O((K+3M)³ + M³); LD: the same with N_t replaced by K + 3M. Allocation-free
 * after the first solve at a size.
 */
public final class ScaCrlbSolver implements Solver {
    private final org.isac.solver.LayerPacer pacer = new org.isac.solver.LayerPacer();
    private static final double MONOTONE_SLACK = 1e-12;
    private static final int MAX_DOUBLINGS = 40;
    private static final double GRAM_JITTER = 1e-10;

    private final boolean lowDim;
    private final CrlbFim crlbFim = new CrlbFim();
    private final HermitianEigen eig = new HermitianEigen();

    private final CMatrix basis = new CMatrix(); // V = [H, Ā], N × n
    private final CMatrix gram = new CMatrix(); // VᴴV
    private final CMatrix chol = new CMatrix(); // L, VᴴV + jitter = LLᴴ
    private final CMatrix hc = new CMatrix(); // K × r: rows give HᴴW
    private final CMatrix ac = new CMatrix(); // 3M × r: rows give ĀᴴW
    private final CMatrix hl = new CMatrix(); // r × K lift of H
    private final CMatrix al = new CMatrix(); // r × 3M lift of Ā
    private final CMatrix x = new CMatrix();
    private final CMatrix xPrev = new CMatrix();
    private final CMatrix grad = new CMatrix(); // ½∇f in the variable's coordinates
    private final CMatrix hw = new CMatrix();
    private final CMatrix z = new CMatrix();
    private final CMatrix kernel = new CMatrix(); // T
    private final CMatrix u = new CMatrix();
    private final CMatrix tz = new CMatrix();
    private final CMatrix tmp = new CMatrix();
    private final CMatrix pencil = new CMatrix();
    private final CMatrix pencilTmp = new CMatrix();
    private double[] fimBuf = new double[0];
    private double[] invBuf = new double[0];
    private double[] phiBuf = new double[0];
    private double[] rates = new double[0];
    private double[] etaRe = new double[0], etaIm = new double[0], beta = new double[0];
    private double[] noise = new double[0];
    private double[] trace;
    private int traceLength;

    // settings of the current solve
    private int nAnt, users, targets, streams, dim;
    private double deltaC, deltaS, frameLength, radarNoise, powerW;
    private boolean perAntenna;
    // state of the current point
    private double sumRate, crlb, objective;
    private long rngState;

    /** @param lowDim true for the low-dimensional variant of Proposition 5 ({@code sca-crlb-ld}) */
    public ScaCrlbSolver(boolean lowDim) {
        this.lowDim = lowDim;
    }

    @Override
    public String name() {
        return lowDim ? "sca-crlb-ld" : "sca-crlb";
    }

    /**
     * Records f(W⁰), f(W¹), … into {@code buf} during later solves (null to stop);
     * {@link #traceLength()} says how many were written. For tests and convergence plots.
     */
    public void traceObjective(double[] buf) {
        trace = buf;
    }

    public int traceLength() {
        return traceLength;
    }

    @Override
    public void solve(Problem p, Precoder out) {
        out.reset();
        setUp(p);
        int maxIter = (int) p.params.get("max_iter", 2000);
        double tol = p.params.get("tol", 1e-5);
        boolean monotone = p.params.get("monotone", 1) != 0;
        long seed = (long) p.params.get("seed", 1);
        if (maxIter < 0 || !(tol >= 0)) {
            throw new IllegalArgumentException(name() + ": max_iter must be >= 0 and tol >= 0, got " + maxIter + ", " + tol);
        }
        if (!pacer.begin(p, org.isac.solver.LayerPacer.shapeKey(p.antennas(), p.users(), p.targets.count(), maxIter), out,
                maxIter)) {
            return;
        }
        initialPoint(seed);
        evaluate();
        if (!Double.isFinite(objective)) {
            throw new IllegalArgumentException(name() + ": FIM is singular at the initial point (targets not identifiable)");
        }
        traceLength = 0;
        record();
        pacer.setUpDone();
        int it = 0;
        int doublings = 0;
        double lambda = 0;
        boolean converged = false;
        boolean outOfTime = false;
        while (it < maxIter) {
            it++;
            lambda = gradientAndShift();
            xPrev.copyFrom(x);
            double fPrev = objective;
            for (int d = 0; ; d++) {
                step(lambda);
                evaluate();
                if (!monotone || objective >= fPrev - MONOTONE_SLACK * Math.abs(fPrev) || d == MAX_DOUBLINGS) {
                    break;
                }
                lambda *= 2;
                doublings++;
            }
            if (!(objective >= fPrev - MONOTONE_SLACK * Math.abs(fPrev)) && monotone) {
                // no ascent step found: W is stationary to working precision
                x.copyFrom(xPrev);
                evaluate();
                converged = true;
                record();
                break;
            }
            record();
            if (distance() < tol) {
                converged = true;
                break;
            }
            if (!pacer.layerDone(it, maxIter)) {
                outOfTime = true;
                break;
            }
        }
        writeOutput(out);
        out.iterations = it;
        out.earlyStop = (converged || outOfTime) && it < maxIter;
        out.deadlineStop = outOfTime;
        out.predicted.put("sum_rate_nats", sumRate);
        out.predicted.put("crlb", crlb);
        out.predicted.put("objective", objective);
        out.predicted.put("lambda", lambda);
        out.predicted.put("lambda_doublings", doublings);
        pacer.finished();
    }

    /**
     * Gradient check hook: sets up {@code p} (as {@link #solve} does, full dimension), sets
     * W = {@code w} (N_t × S), writes ∇f(W) (= 2∂f/∂W*, so df = Re tr(∇fᴴ dW)) into
     * {@code gradOut} and returns f(W).
     */
    public double objectiveAndGradient(Problem p, CMatrix w, CMatrix gradOut) {
        if (lowDim) {
            throw new IllegalStateException("gradient hook is for the full-dimensional solver");
        }
        setUp(p);
        x.copyFrom(w);
        evaluate();
        gradientAndShift();
        gradOut.copyFrom(grad);
        gradOut.scale(2);
        return objective;
    }

    private void setUp(Problem p) {
        nAnt = p.antennas();
        users = p.users();
        targets = p.targets.count();
        if (users < 1 || nAnt < 1) {
            throw new IllegalArgumentException(name() + ": empty channel " + nAnt + "x" + users);
        }
        if (targets < 1) {
            throw new IllegalArgumentException(name() + ": needs at least one target");
        }
        if (p.tx.size() != nAnt) {
            throw new IllegalArgumentException(name() + ": transmit array has " + p.tx.size() + " elements, channel " + nAnt + " rows");
        }
        if (!(p.powerBudgetW > 0)) {
            throw new IllegalArgumentException(name() + ": power budget must be > 0 W, got " + p.powerBudgetW);
        }
        streams = IsacParams.sensingStreams(p, targets);
        perAntenna = IsacParams.perAntennaPower(p, false);
        if (perAntenna && lowDim) {
            throw new IllegalArgumentException("sca-crlb-ld supports the total power constraint only; use sca-crlb");
        }
        frameLength = IsacParams.frameLength(p);
        deltaC = IsacParams.deltaC(p);
        deltaS = IsacParams.deltaS(p);
        radarNoise = IsacParams.radarNoiseW(p);
        powerW = p.powerBudgetW;
        int s = users + streams;
        int n = users + 3 * targets;
        int params = 4 * targets;
        if (fimBuf.length < params * params) {
            fimBuf = new double[params * params];
            invBuf = new double[params * params];
            phiBuf = new double[params * params];
        }
        if (rates.length < users) {
            rates = new double[users];
            etaRe = new double[users];
            etaIm = new double[users];
            beta = new double[users];
            noise = new double[users];
        }
        System.arraycopy(p.noise, 0, noise, 0, users);

        crlbFim.setTargets(p.tx, p.rx, p.targets);
        CMatrix abar = crlbFim.txBasis();
        CMatrix h = p.channel;
        basis.reshape(nAnt, n);
        for (int i = 0; i < nAnt; i++) {
            for (int k = 0; k < users; k++) {
                basis.re[i * n + k] = h.re[i * users + k];
                basis.im[i * n + k] = h.im[i * users + k];
            }
            for (int c = 0; c < 3 * targets; c++) {
                basis.re[i * n + users + c] = abar.re[i * 3 * targets + c];
                basis.im[i * n + users + c] = abar.im[i * 3 * targets + c];
            }
        }
        Kernels.mulConjTransA(basis, basis, gram);
        chol.copyFrom(gram);
        double meanDiag = 0;
        for (int i = 0; i < n; i++) {
            meanDiag += gram.re[i * n + i];
        }
        meanDiag /= n;
        for (int i = 0; i < n; i++) {
            chol.re[i * n + i] += GRAM_JITTER * meanDiag;
        }
        if (!Kernels.cholesky(chol)) {
            throw new IllegalArgumentException(name() + ": Gram matrix of [H, A, Ȧ] is not finite");
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                chol.re[i * n + j] = 0;
                chol.im[i * n + j] = 0;
            }
        }
        if (!lowDim) {
            dim = nAnt;
            hc.reshape(users, nAnt);
            for (int i = 0; i < nAnt; i++) {
                for (int k = 0; k < users; k++) {
                    hc.re[k * nAnt + i] = h.re[i * users + k];
                    hc.im[k * nAnt + i] = -h.im[i * users + k];
                }
            }
            int c3 = 3 * targets;
            ac.reshape(c3, nAnt);
            for (int i = 0; i < nAnt; i++) {
                for (int c = 0; c < c3; c++) {
                    ac.re[c * nAnt + i] = abar.re[i * c3 + c];
                    ac.im[c * nAnt + i] = -abar.im[i * c3 + c];
                }
            }
            hl.copyFrom(h);
            al.copyFrom(abar);
        } else {
            dim = n;
            hc.reshape(users, n);
            System.arraycopy(gram.re, 0, hc.re, 0, users * n);
            System.arraycopy(gram.im, 0, hc.im, 0, users * n);
            ac.reshape(3 * targets, n);
            System.arraycopy(gram.re, users * n, ac.re, 0, 3 * targets * n);
            System.arraycopy(gram.im, users * n, ac.im, 0, 3 * targets * n);
            hl.reshape(n, users);
            for (int k = 0; k < users; k++) {
                hl.re[k * users + k] = 1;
            }
            al.reshape(n, 3 * targets);
            for (int c = 0; c < 3 * targets; c++) {
                al.re[(users + c) * 3 * targets + c] = 1;
            }
        }
        x.reshape(dim, s);
    }

    private void initialPoint(long seed) {
        int s = users + streams;
        rngState = seed;
        // W_s⁰: i.i.d. CN(0, 1), N_t × N_s (same draw for both variants)
        tmp.reshape(nAnt, streams);
        for (int i = 0; i < nAnt * streams; i++) {
            tmp.re[i] = Math.sqrt(0.5) * gaussian();
            tmp.im[i] = Math.sqrt(0.5) * gaussian();
        }
        if (lowDim && streams > 0) {
            // P_s⁰ = (NᴴN)⁻¹NᴴW_s⁰: W = N·P⁰ is the projection of the full variant's start onto range(N)
            Kernels.mulConjTransA(basis, tmp, tz);
            Kernels.choleskySolve(chol, tz);
            tmp.copyFrom(tz);
        }
        x.reshape(dim, s);
        for (int i = 0; i < dim; i++) {
            for (int k = 0; k < users; k++) {
                x.re[i * s + k] = hl.re[i * users + k];
                x.im[i * s + k] = hl.im[i * users + k];
            }
            for (int j = 0; j < streams; j++) {
                x.re[i * s + users + j] = tmp.re[i * streams + j];
                x.im[i * s + users + j] = tmp.im[i * streams + j];
            }
        }
        project();
    }

    private double gaussian() {
        // Box–Muller on two SplitMix64 uniforms (allocation-free, reproducible per solve)
        double u1 = (nextLong() >>> 11) * 0x1.0p-53;
        double u2 = (nextLong() >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private long nextLong() {
        long z0 = (rngState += 0x9E3779B97F4A7C15L);
        z0 = (z0 ^ (z0 >>> 30)) * 0xBF58476D1CE4E5B9L;
        z0 = (z0 ^ (z0 >>> 27)) * 0x94D049BB133111EBL;
        return z0 ^ (z0 >>> 31);
    }

    /** Projection (30) / (31) of x in place (LD: onto tr(PᴴNᴴNP) = P_t). */
    private void project() {
        int s = x.cols();
        if (perAntenna) {
            double target = Math.sqrt(powerW / nAnt);
            for (int i = 0; i < dim; i++) {
                double r2 = 0;
                for (int j = 0; j < s; j++) {
                    r2 += x.re[i * s + j] * x.re[i * s + j] + x.im[i * s + j] * x.im[i * s + j];
                }
                if (r2 > 0) {
                    double f = target / Math.sqrt(r2);
                    for (int j = 0; j < s; j++) {
                        x.re[i * s + j] *= f;
                        x.im[i * s + j] *= f;
                    }
                } else {
                    double v = target / Math.sqrt(s);
                    for (int j = 0; j < s; j++) {
                        x.re[i * s + j] = v;
                        x.im[i * s + j] = 0;
                    }
                }
            }
        } else {
            double p2 = lowDim ? gramNorm2(x) : x.frobeniusNorm2();
            if (!(p2 > 0) || !Double.isFinite(p2)) {
                throw new IllegalArgumentException(name() + ": iterate has no finite power");
            }
            x.scale(Math.sqrt(powerW / p2));
        }
    }

    /** Re tr(Aᴴ·(NᴴN)·A). */
    private double gramNorm2(CMatrix a) {
        Kernels.mul(gram, a, tmp);
        double s = 0;
        int n = a.rows() * a.cols();
        for (int i = 0; i < n; i++) {
            s += a.re[i] * tmp.re[i] + a.im[i] * tmp.im[i];
        }
        return s;
    }

    /** Objective at x: Hᴴ W, Āᴴ W, rates, FIM, F⁻¹. */
    private void evaluate() {
        Kernels.mul(hc, x, hw);
        Kernels.mul(ac, x, z);
        sumRate = IsacRates.ratesFromProducts(hw, noise, rates);
        crlbFim.fimFromProjection(z, frameLength, radarNoise, fimBuf);
        crlb = crlbFim.invert(fimBuf, invBuf);
        objective = deltaC * sumRate - (deltaS > 0 ? deltaS * crlb : 0);
    }

    /**
     * ½∇f at x into {@code grad} (eq. (32) halved) and returns λ. Uses hw, z, invBuf of
     * the last {@link #evaluate()}.
     */
    private double gradientAndShift() {
        int s = x.cols();
        int k = users;
        // eq. (16): ξ_k, conj(η_k) = s_k / I_k, β_k = ξ_k / T_k
        u.reshape(k, s);
        for (int q = 0; q < k; q++) {
            double total = noise[q];
            for (int j = 0; j < s; j++) {
                total += hw.re[q * s + j] * hw.re[q * s + j] + hw.im[q * s + j] * hw.im[q * s + j];
            }
            double sr = hw.re[q * s + q], si = hw.im[q * s + q];
            double signal = sr * sr + si * si;
            double interference = total - signal;
            double xi = signal / interference;
            etaRe[q] = sr / interference; // conj(η_k)
            etaIm[q] = si / interference;
            beta[q] = xi / total;
            for (int j = 0; j < s; j++) {
                u.re[q * s + j] = -beta[q] * hw.re[q * s + j];
                u.im[q * s + j] = -beta[q] * hw.im[q * s + j];
            }
            u.re[q * s + q] += etaRe[q];
            u.im[q * s + q] += etaIm[q];
        }
        u.scale(deltaC);
        Kernels.mul(hl, u, grad);
        int c3 = 3 * targets;
        kernel.reshape(c3, c3);
        if (deltaS > 0) {
            // Φ = F⁻¹F⁻¹ (Lemma 3 / Algorithm 1 step 5)
            int pp = 4 * targets;
            for (int i = 0; i < pp; i++) {
                for (int j = 0; j < pp; j++) {
                    double acc = 0;
                    for (int l = 0; l < pp; l++) {
                        acc += invBuf[i * pp + l] * invBuf[l * pp + j];
                    }
                    phiBuf[i * pp + j] = acc;
                }
            }
            crlbFim.gradientKernel(phiBuf, frameLength, radarNoise, kernel);
            kernel.scale(deltaS);
            Kernels.mul(kernel, z, tz);
            Kernels.mul(al, tz, tmp);
            int len = grad.rows() * s;
            for (int i = 0; i < len; i++) {
                grad.re[i] += tmp.re[i];
                grad.im[i] += tmp.im[i];
            }
        }
        // λ: dominant |eigenvalue| of V·blkdiag(δ_c Σ₂, −δ_s T)·Vᴴ via Lᴴ C L
        int n = users + c3;
        pencilTmp.reshape(n, n);
        for (int q = 0; q < k; q++) {
            pencilTmp.re[q * n + q] = deltaC * beta[q];
        }
        for (int a = 0; a < c3; a++) {
            for (int b = 0; b < c3; b++) {
                pencilTmp.re[(k + a) * n + k + b] = -kernel.re[a * c3 + b];
                pencilTmp.im[(k + a) * n + k + b] = -kernel.im[a * c3 + b];
            }
        }
        Kernels.mul(pencilTmp, chol, tmp);
        Kernels.mulConjTransA(chol, tmp, pencil);
        return eig.maxAbsEigenvalue(pencil);
    }

    /** x = Π(λ·xPrev + ½∇f). */
    private void step(double lambda) {
        int len = xPrev.rows() * xPrev.cols();
        x.reshape(xPrev.rows(), xPrev.cols());
        for (int i = 0; i < len; i++) {
            x.re[i] = lambda * xPrev.re[i] + grad.re[i];
            x.im[i] = lambda * xPrev.im[i] + grad.im[i];
        }
        project();
    }

    /** ‖W − W_prev‖_F (LD: measured in W = N·P). */
    private double distance() {
        int len = x.rows() * x.cols();
        if (!lowDim) {
            double s = 0;
            for (int i = 0; i < len; i++) {
                double dr = x.re[i] - xPrev.re[i], di = x.im[i] - xPrev.im[i];
                s += dr * dr + di * di;
            }
            return Math.sqrt(s);
        }
        for (int i = 0; i < len; i++) {
            xPrev.re[i] = x.re[i] - xPrev.re[i];
            xPrev.im[i] = x.im[i] - xPrev.im[i];
        }
        return Math.sqrt(Math.max(0, gramNorm2(xPrev)));
    }

    private void record() {
        if (trace != null && traceLength < trace.length) {
            trace[traceLength++] = objective;
        }
    }

    private void writeOutput(Precoder out) {
        if (lowDim) {
            Kernels.mul(basis, x, out.baseband);
        } else {
            out.baseband.copyFrom(x);
        }
    }
}
