package org.isac.solver.digital;

import org.isac.solver.Problem;
import org.isac.solver.Scatterers;
import org.isac.solver.linalg.CMatrix;

/**
 * The alternating-optimisation core of seed 002 (max-min fairness JCAS beamforming): transmit
 * precoder W (N_t × K) and radar receive filters F (N_r × M) for the utility
 * h(W, F) = min_k ln(1 + γ_ck) + δ·min_m ln(1 + γ_sm) (problem (6), nats), with SINR γ_ck of
 * eq. (2) and SCNR γ_sm of eq. (5) for point echo channels G_i = α_i·a_r,i·a_t,iᴴ
 * (targets i = 1…M, then clutter M+1…M+C = J).
 *
 * <p>One outer layer (Algorithm 1 steps 3–12), from (W, F):
 * <ol>
 *   <li>smoothed minimum (8): z_c = softmax(−μ_c·r_c), z_s = softmax(−μ_s·r_s), r = ln(1 + γ);</li>
 *   <li>quadratic transform (12): ξ = γ, θ_ck = √(1+ξ_ck)·h_kᴴw_k / T_ck,
 *       θ_sm = √(1+ξ_sm)·f_mᴴG_mW / T_sm (T = total received power incl. noise);</li>
 *   <li>F update (13) with the inverse (our text copy of (13) shows none; the maximiser of
 *       (11) over f_m and the authors' code have it):
 *       f_m = √(1+ξ_sm)/‖θ_sm‖² · (Σ_j G_jWWᴴG_jᴴ + N_rσ_s²I)⁻¹ G_mWθ_smᴴ;</li>
 *   <li>L_in·I_w projected normalised-gradient steps (17)–(18) on g(W) of (14)–(16):
 *       W ← Π_S(W − β·√P_t·∇g/‖∇g‖_F), ∇g ∝ (Y + HΣ₂Hᴴ)W − (HΣ₁ + Xᴴ), with the gradient
 *       re-evaluated at every inner step as (18) prints it (the authors' code reuses the
 *       first one), Π_S the per-antenna projection (rows scaled to √(P_t/N_t)) or, with
 *       total power, W·√P_t/‖W‖_F.</li>
 * </ol>
 *
 * <p>Rank-one echo channels make every sensing quantity small: with A_t = [a_t,1 … a_t,J],
 * A_r = [a_r,1 … a_r,J], P = A_tᴴW (J × K) and F = A_r·Φ (Φ is J × M; every F of (13) lies in
 * range(A_r)), ‖f_mᴴG_jW‖² = |α_j|²·|(G_rΦ)_jm|²·‖P_j‖² with G_r = A_rᴴA_r, the inverse in (13)
 * is A_r(N_rσ_s²I + diag(|α_j|²‖P_j‖²)·G_r)⁻¹ (J × J), and (13) reduces to
 * φ_m = (T_sm / conj(g_mm))·(N_rσ_s²I + diag(|α_j|²‖P_j‖²)G_r)⁻¹e_m, g = G_rΦ. The W gradient
 * is V·D with V = [H, A_t] (N_t × (K+J)):
 * D = [Σ₂Q − diag(Σ₁); diag(y)P − X_c], Q = HᴴW,
 * Σ₁,k = z_ck·s_k/D_k, Σ₂,k = z_ck·|s_k|²/(T_kD_k) (s_k = h_kᴴw_k, D_k = T_k − |s_k|²),
 * y_j = δ|α_j|²·Σ_m z_sm·S_m/(T_smD_sm)·|g'_jm|² and row m of X_c = δz_sm|α_m|²·g'_mm·conj(g_mm)/D_sm·P_m
 * (g' = G_rΦ after the F update, S_m the target's echo power). Flops per inner step
 * ≈ 16·N_t·(K+J)·K + O(N_t·K); per outer layer O(J³ + (K+J)·K·N_t). N_r enters only through
 * G_r, computed once.
 *
 * <p>Reverse mode: with {@link #setRecording} the forward pass keeps every layer, and
 * {@link #backward} returns the gradient of loss (19), −Σ_ℓ (1/ℓ)·h(W_ℓ, F_ℓ), with respect to
 * the log step sizes and log smoothing factors, by hand-written adjoints of every step
 * above (checked against finite differences in the tests). min is differentiated at its
 * arg-min.
 *
 * <p>Not thread-safe; allocation-free after the first run at a size (recording grows its
 * per-layer buffers once).
 */
public final class MaxMinAo {
    /** How the W steps are sized. */
    public enum StepRule {
        /** β_{ℓ,i} from a schedule (the unfolded model). */
        SCHEDULE,
        /** One fixed β for every step ("Fixed β" of seed 002 Sec. IV). */
        FIXED,
        /** Armijo backtracking on g(W) from β₀, shrinking by 0.3 ("Dynamic β"). */
        BACKTRACKING
    }

    private static final double BT_SHRINK = 0.3;
    private static final double BT_ARMIJO = 0.1;
    private static final int BT_MAX = 50;

    // ------------------------------------------------------------------ problem
    private int nt, nr, k, mt, jn, kj;
    private double delta, pt, sigmaP, rowTarget;
    private boolean perAntenna;
    private double[] noise = new double[0];
    private double[] a2 = new double[0], alRe = new double[0], alIm = new double[0];
    private final CMatrix v = new CMatrix(); // N_t × (K+J) = [H, A_t]
    private final CMatrix vh = new CMatrix(); // Vᴴ
    private final CMatrix ar = new CMatrix(); // N_r × J
    private double[] grRe = new double[0], grIm = new double[0]; // J × J
    private double[] colRe = new double[0], colIm = new double[0];

    // ------------------------------------------------------------------ state
    private final CMatrix w = new CMatrix();
    private double[] phiRe = new double[0], phiIm = new double[0]; // J × M

    // ------------------------------------------------------------------ records
    private boolean recording;
    private Eval[] evals = new Eval[0];
    private Layer[] layers = new Layer[0];
    private int layersRun;
    private double[] trace;
    private int traceLength;
    // the schedule of the last run (for backward)
    private double[] lastSteps;
    private int lastInner, lastRepeats;
    private double lastMuC, lastMuS;

    // ------------------------------------------------------------------ scratch
    private double[] rinvWork = new double[0];
    private final CMatrix tmpE = new CMatrix();
    private final CMatrix wBar = new CMatrix();
    private final CMatrix wBarIn = new CMatrix();
    private final CMatrix gBarN = new CMatrix();
    private final CMatrix dgBar = new CMatrix();
    private final CMatrix btW = new CMatrix();
    private final CMatrix btE = new CMatrix();
    private double[] btRows = new double[0];
    private double[] phiBarRe = new double[0], phiBarIm = new double[0];
    private double[] phiBarOutRe = new double[0], phiBarOutIm = new double[0];
    private final EvalBar eb = new EvalBar();
    private final CoefBar cb = new CoefBar();

    /** Quantities at one point (W, Φ): communication and sensing powers, rates, h. */
    /** The per-layer quantities of the objective (or their adjoints): grow-only buffers. */
    private static class Buffers {
        final CMatrix e = new CMatrix(); // (K+J) × K: rows 0…K−1 = Q = HᴴW, rows K… = P = A_tᴴW
        double[] sRe = new double[0], sIm = new double[0], t = new double[0], d = new double[0], r = new double[0];
        double[] gRe = new double[0], gIm = new double[0], n = new double[0], p = new double[0];
        double[] ts = new double[0], ss = new double[0], ds = new double[0], rs = new double[0];

        void size(int k, int jn, int mt) {
            if (sRe.length < k) {
                sRe = new double[k];
                sIm = new double[k];
                t = new double[k];
                d = new double[k];
                r = new double[k];
            }
            if (gRe.length < jn * mt) {
                gRe = new double[jn * mt];
                gIm = new double[jn * mt];
            }
            if (p.length < jn) {
                p = new double[jn];
            }
            if (n.length < mt) {
                n = new double[mt];
                ts = new double[mt];
                ss = new double[mt];
                ds = new double[mt];
                rs = new double[mt];
            }
        }
    }

    /** One evaluation of the objective. */
    private static final class Eval extends Buffers {
        double h, minC, minS;
        int argC, argS;
    }

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
    private static final class EvalBar extends Buffers {
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

    /** One inner step: W_in → U = W_in − scale·G → W_out = Π(U). */
    private static final class Step {
        final CMatrix win = new CMatrix();
        final CMatrix e = new CMatrix();
        final CMatrix g = new CMatrix();
        final CMatrix dg = new CMatrix();
        final CMatrix u = new CMatrix();
        double[] rowNorm = new double[0];
        double nu, scale, beta;
        int stepIndex; // index into the schedule, −1 when not a learned step
    }

    /** One outer layer's coefficients and its inner steps. */
    private static final class Layer {
        double[] zc = new double[0], zs = new double[0];
        double[] sig1Re = new double[0], sig1Im = new double[0], sig2 = new double[0];
        double[] rinvRe = new double[0], rinvIm = new double[0];
        double[] cRe = new double[0], cIm = new double[0];
        boolean[] cValid = new boolean[0];
        double[] phiRe = new double[0], phiIm = new double[0];
        double[] g2Re = new double[0], g2Im = new double[0];
        double[] psi = new double[0], rho = new double[0], omRe = new double[0], omIm = new double[0], y = new double[0];
        double[] xcRe = new double[0], xcIm = new double[0];
        Step[] steps = new Step[0];
        int stepCount;

        void size(int k, int jn, int mt, int inner) {
            if (zc.length < k) {
                zc = new double[k];
                sig1Re = new double[k];
                sig1Im = new double[k];
                sig2 = new double[k];
            }
            if (zs.length < mt) {
                zs = new double[mt];
                cRe = new double[mt];
                cIm = new double[mt];
                cValid = new boolean[mt];
                psi = new double[mt];
                rho = new double[mt];
                omRe = new double[mt];
                omIm = new double[mt];
            }
            if (rinvRe.length < jn * jn) {
                rinvRe = new double[jn * jn];
                rinvIm = new double[jn * jn];
            }
            if (phiRe.length < jn * mt) {
                phiRe = new double[jn * mt];
                phiIm = new double[jn * mt];
                g2Re = new double[jn * mt];
                g2Im = new double[jn * mt];
            }
            if (y.length < jn) {
                y = new double[jn];
            }
            if (xcRe.length < mt * k) {
                xcRe = new double[mt * k];
                xcIm = new double[mt * k];
            }
            if (steps.length < inner) {
                Step[] s = new Step[inner];
                System.arraycopy(steps, 0, s, 0, steps.length);
                for (int i = steps.length; i < inner; i++) {
                    s[i] = new Step();
                }
                steps = s;
            }
        }
    }

    // ================================================================== set-up

    /**
     * Copies the problem: channel, user noise, power, targets then clutter as echo channels.
     *
     * @param radarNoiseW σ_s² (W)
     * @param perAntennaPower true for seed 002's set S (every row of W at P_t/N_t), false for ‖W‖²_F = P_t
     */
    public void setUp(Problem p, double delta, double radarNoiseW, boolean perAntennaPower) {
        nt = p.antennas();
        k = p.users();
        mt = p.targets.count();
        int c = p.clutter.count();
        jn = mt + c;
        kj = k + jn;
        if (nt < 1 || k < 1) {
            throw new IllegalArgumentException("max-min: empty channel " + nt + "x" + k);
        }
        if (mt < 1) {
            throw new IllegalArgumentException("max-min: needs at least one target");
        }
        if (p.tx.size() != nt) {
            throw new IllegalArgumentException("max-min: transmit array has " + p.tx.size() + " elements, channel " + nt + " rows");
        }
        if (!(p.powerBudgetW > 0) || !Double.isFinite(p.powerBudgetW)) {
            throw new IllegalArgumentException("max-min: power budget must be finite and > 0 W, got " + p.powerBudgetW);
        }
        if (!(radarNoiseW > 0) || !(delta >= 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("max-min: need radar_noise_w > 0 and finite delta >= 0, got " + radarNoiseW + ", " + delta);
        }
        nr = p.rx.size();
        this.delta = delta;
        this.pt = p.powerBudgetW;
        this.perAntenna = perAntennaPower;
        this.rowTarget = Math.sqrt(pt / nt);
        this.sigmaP = nr * radarNoiseW;
        if (noise.length < k) {
            noise = new double[k];
        }
        for (int q = 0; q < k; q++) {
            if (!(p.noise[q] > 0)) {
                throw new IllegalArgumentException("max-min: user noise must be > 0, user " + q + " has " + p.noise[q]);
            }
            noise[q] = p.noise[q];
        }
        if (a2.length < jn) {
            a2 = new double[jn];
            alRe = new double[jn];
            alIm = new double[jn];
        }
        int len = Math.max(nt, nr);
        if (colRe.length < len) {
            colRe = new double[len];
            colIm = new double[len];
        }
        v.reshape(nt, kj);
        ar.reshape(nr, jn);
        CMatrix h = p.channel;
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < k; q++) {
                v.re[i * kj + q] = h.re[i * k + q];
                v.im[i * kj + q] = h.im[i * k + q];
            }
        }
        for (int j = 0; j < jn; j++) {
            Scatterers s = j < mt ? p.targets : p.clutter;
            int idx = j < mt ? j : j - mt;
            alRe[j] = s.gainRe[idx];
            alIm[j] = s.gainIm[idx];
            a2[j] = alRe[j] * alRe[j] + alIm[j] * alIm[j];
            p.tx.steering(s.azimuthRad[idx], s.elevationRad[idx], colRe, colIm, 0);
            for (int i = 0; i < nt; i++) {
                v.re[i * kj + k + j] = colRe[i];
                v.im[i * kj + k + j] = colIm[i];
            }
            p.rx.steering(s.azimuthRad[idx], s.elevationRad[idx], colRe, colIm, 0);
            for (int i = 0; i < nr; i++) {
                ar.re[i * jn + j] = colRe[i];
                ar.im[i * jn + j] = colIm[i];
            }
        }
        vh.reshape(kj, nt);
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < kj; q++) {
                vh.re[q * nt + i] = v.re[i * kj + q];
                vh.im[q * nt + i] = -v.im[i * kj + q];
            }
        }
        if (grRe.length < jn * jn) {
            grRe = new double[jn * jn];
            grIm = new double[jn * jn];
            rinvWork = new double[2 * jn * 2 * jn];
        }
        for (int a = 0; a < jn; a++) {
            for (int b = 0; b < jn; b++) {
                double sr = 0, si = 0;
                for (int i = 0; i < nr; i++) {
                    double xr = ar.re[i * jn + a], xi = -ar.im[i * jn + a];
                    double yr = ar.re[i * jn + b], yi = ar.im[i * jn + b];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                grRe[a * jn + b] = sr;
                grIm[a * jn + b] = si;
            }
        }
        if (phiRe.length < jn * mt) {
            phiRe = new double[jn * mt];
            phiIm = new double[jn * mt];
            phiBarRe = new double[jn * mt];
            phiBarIm = new double[jn * mt];
            phiBarOutRe = new double[jn * mt];
            phiBarOutIm = new double[jn * mt];
        }
        if (btRows.length < nt) {
            btRows = new double[nt];
        }
        w.reshape(k, nt);
    }

    /**
     * Seed 002's initial point: W⁰ = Π_S(H) (MRT) and f_m⁰ the max-SCNR filter for W⁰, i.e.
     * ∝ (Σ_{j≠m} G_jW⁰W⁰ᴴG_jᴴ + N_rσ_s²I)⁻¹a_r,m (the principal generalised eigenvector;
     * the same direction as with j = m included), scaled to ‖f_m‖ = 1.
     */
    public void initialize() {
        shape(w, k, nt);
        for (int q = 0; q < k; q++) {
            for (int i = 0; i < nt; i++) {
                w.re[q * nt + i] = v.re[i * kj + q];
                w.im[q * nt + i] = v.im[i * kj + q];
            }
        }
        projectInPlace(w, null);
        Eval ev = eval(0);
        project(w, ev.e);
        for (int j = 0; j < jn; j++) {
            double pj = 0;
            for (int c = 0; c < k; c++) {
                double xr = ev.e.re[(k + j) * k + c], xi = ev.e.im[(k + j) * k + c];
                pj += xr * xr + xi * xi;
            }
            ev.p[j] = pj;
        }
        Layer l = layer(0);
        invertFilterMatrix(ev.p, l.rinvRe, l.rinvIm);
        for (int m = 0; m < mt; m++) {
            // φ_m = R̃⁻¹e_m, scaled to φᴴG_rφ = 1
            double nn = 0;
            for (int a = 0; a < jn; a++) {
                double sr = 0, si = 0;
                for (int b = 0; b < jn; b++) {
                    double xr = l.rinvRe[b * jn + m], xi = l.rinvIm[b * jn + m];
                    sr += grRe[a * jn + b] * xr - grIm[a * jn + b] * xi;
                    si += grRe[a * jn + b] * xi + grIm[a * jn + b] * xr;
                }
                nn += l.rinvRe[a * jn + m] * sr + l.rinvIm[a * jn + m] * si;
            }
            double s = nn > 0 ? 1 / Math.sqrt(nn) : 1;
            for (int a = 0; a < jn; a++) {
                phiRe[a * mt + m] = s * l.rinvRe[a * jn + m];
                phiIm[a * mt + m] = s * l.rinvIm[a * jn + m];
            }
        }
    }

    /** Sets W (N_t × K) and F = A_r·Φ from {@code phi} (J × M, real/imag row-major); for tests. */
    public void setState(CMatrix w0, double[] phiRe0, double[] phiIm0) {
        shape(w, k, nt);
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < k; q++) {
                w.re[q * nt + i] = w0.re[i * k + q];
                w.im[q * nt + i] = w0.im[i * k + q];
            }
        }
        System.arraycopy(phiRe0, 0, phiRe, 0, jn * mt);
        System.arraycopy(phiIm0, 0, phiIm, 0, jn * mt);
    }

    /** Keeps every layer of the following runs for {@link #backward}. */
    public void setRecording(boolean on) {
        recording = on;
    }

    /** Records h after the start point and after each outer layer into {@code buf} (null: off). */
    public void traceObjective(double[] buf) {
        trace = buf;
    }

    public int traceLength() {
        return traceLength;
    }

    public int users() {
        return k;
    }

    public int targets() {
        return mt;
    }

    public int scatterers() {
        return jn;
    }

    // ================================================================== runs

    /**
     * Runs {@code layers} outer layers from the current state.
     *
     * @param steps SCHEDULE: relative β_{ℓ,i} at ℓ·inner + i (length ≥ layers·inner); FIXED:
     *     {@code steps[0]} is β; BACKTRACKING: {@code steps[0]} is the first trial β₀
     * @param inner L_in inner layers (SCHEDULE) or W steps per outer layer (FIXED, BACKTRACKING)
     * @param repeats I_w passes over the inner layers
     * @param tol stop early when |h_ℓ − h_{ℓ−1}| ≤ tol·|h_ℓ| (0 = run all layers)
     * @return the number of outer layers run
     */
    public int run(StepRule rule, int layers, int inner, int repeats, double[] steps, double muC, double muS, double tol) {
        return run(rule, layers, inner, repeats, steps, muC, muS, tol, null);
    }

    /**
     * {@link #run(StepRule, int, int, int, double[], double, double, double)} under a
     * {@link org.isac.solver.LayerPacer} (started by the caller, or null): after each layer but
     * the last it stops when another would not fit. Every layer ends on a feasible W (its
     * projected steps) and the closed-form F, so a stop anywhere is an answer.
     */
    public int run(StepRule rule, int layers, int inner, int repeats, double[] steps, double muC, double muS, double tol,
                   org.isac.solver.LayerPacer pacer) {
        if (layers < 0 || inner < 1 || repeats < 1) {
            throw new IllegalArgumentException("max-min: need layers >= 0, inner >= 1, repeats >= 1");
        }
        if (rule == StepRule.SCHEDULE && steps.length < layers * inner) {
            throw new IllegalArgumentException("max-min: schedule has " + steps.length + " steps, need " + layers * inner);
        }
        if (!(muC > 0) || !(muS > 0)) {
            throw new IllegalArgumentException("max-min: smoothing factors must be > 0, got " + muC + ", " + muS);
        }
        if (recording && rule == StepRule.BACKTRACKING) {
            throw new IllegalArgumentException("max-min: backtracking runs cannot be differentiated");
        }
        lastSteps = steps;
        lastInner = inner;
        lastRepeats = repeats;
        lastMuC = muC;
        lastMuS = muS;
        traceLength = 0;
        Eval ev = eval(0);
        evaluate(ev, w, phiRe, phiIm);
        record(ev.h);
        layersRun = 0;
        pacerStop = false;
        if (pacer != null) {
            pacer.setUpDone();
        }
        for (int l = 0; l < layers; l++) {
            Layer lay = layer(recording ? l : 0);
            lay.size(k, jn, mt, inner * repeats);
            coefficients(ev, lay, muC, muS);
            int count = 0;
            for (int rep = 0; rep < repeats; rep++) {
                for (int i = 0; i < inner; i++) {
                    Step st = lay.steps[count++];
                    switch (rule) {
                        case SCHEDULE -> forwardStep(lay, st, steps[l * inner + i], l * inner + i);
                        case FIXED -> forwardStep(lay, st, steps[0], -1);
                        case BACKTRACKING -> backtrackingStep(lay, st, steps[0]);
                    }
                }
            }
            lay.stepCount = count;
            System.arraycopy(lay.phiRe, 0, phiRe, 0, jn * mt);
            System.arraycopy(lay.phiIm, 0, phiIm, 0, jn * mt);
            double prev = ev.h;
            ev = eval(recording ? l + 1 : (l + 1) % 2);
            evaluate(ev, w, phiRe, phiIm);
            record(ev.h);
            layersRun++;
            if (tol > 0 && Math.abs(ev.h - prev) <= tol * Math.abs(ev.h)) {
                break;
            }
            if (pacer != null && !pacer.layerDone(l + 1, layers)) {
                pacerStop = true;
                break;
            }
        }
        lastEval = ev;
        return layersRun;
    }

    private Eval lastEval;
    /** The last {@link #run} stopped because its pacer said the next layer would not fit. */
    boolean pacerStop;

    /** h(W, F) (nats) at the current state; valid after {@link #run}. */
    public double objective() {
        return lastEval.h;
    }

    /** min_k ln(1 + γ_ck) at the current state (nats). */
    public double minRate() {
        return lastEval.minC;
    }

    /** min_m ln(1 + γ_sm) at the current state (nats). */
    public double minSensing() {
        return lastEval.minS;
    }

    /** Writes γ_ck (linear) at the current state into {@code out[0…K−1]}. */
    public void sinr(double[] out) {
        for (int q = 0; q < k; q++) {
            double sr = lastEval.sRe[q], si = lastEval.sIm[q];
            out[q] = (sr * sr + si * si) / lastEval.d[q];
        }
    }

    /** Writes γ_sm (linear) at the current state into {@code out[0…M−1]}. */
    public void scnr(double[] out) {
        for (int m = 0; m < mt; m++) {
            out[m] = lastEval.ss[m] / lastEval.ds[m];
        }
    }

    /** Copies W (N_t × K). */
    public void precoder(CMatrix out) {
        shape(out, nt, k);
        for (int i = 0; i < nt; i++) {
            for (int q = 0; q < k; q++) {
                out.re[i * k + q] = w.re[q * nt + i];
                out.im[i * k + q] = w.im[q * nt + i];
            }
        }
    }

    /** Writes F = A_r·Φ (N_r × M) with each column scaled to unit norm (the SCNR is scale-free). */
    public void receiveFilters(CMatrix out) {
        out.reshape(nr, mt);
        for (int i = 0; i < nr; i++) {
            for (int m = 0; m < mt; m++) {
                double sr = 0, si = 0;
                for (int j = 0; j < jn; j++) {
                    double xr = ar.re[i * jn + j], xi = ar.im[i * jn + j];
                    double yr = phiRe[j * mt + m], yi = phiIm[j * mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                out.re[i * mt + m] = sr;
                out.im[i * mt + m] = si;
            }
        }
        for (int m = 0; m < mt; m++) {
            double nn = 0;
            for (int i = 0; i < nr; i++) {
                nn += out.re[i * mt + m] * out.re[i * mt + m] + out.im[i * mt + m] * out.im[i * mt + m];
            }
            double s = nn > 0 ? 1 / Math.sqrt(nn) : 0;
            for (int i = 0; i < nr; i++) {
                out.re[i * mt + m] *= s;
                out.im[i * mt + m] *= s;
            }
        }
    }

    /** Loss (19) of the last recorded run: −Σ_{ℓ=1}^{L} h_ℓ/ℓ. */
    public double loss() {
        double s = 0;
        for (int l = 1; l <= layersRun; l++) {
            s -= evals[l].h / l;
        }
        return s;
    }

    private void record(double h) {
        if (trace != null && traceLength < trace.length) {
            trace[traceLength++] = h;
        }
    }

    private Eval eval(int i) {
        if (evals.length <= i) {
            Eval[] e = new Eval[Math.max(i + 1, 2 * evals.length)];
            System.arraycopy(evals, 0, e, 0, evals.length);
            for (int q = evals.length; q < e.length; q++) {
                e[q] = new Eval();
            }
            evals = e;
        }
        evals[i].size(k, jn, mt);
        return evals[i];
    }

    private Layer layer(int i) {
        if (layers.length <= i) {
            Layer[] e = new Layer[Math.max(i + 1, 2 * layers.length)];
            System.arraycopy(layers, 0, e, 0, layers.length);
            for (int q = layers.length; q < e.length; q++) {
                e[q] = new Layer();
            }
            layers = e;
        }
        layers[i].size(k, jn, mt, 1);
        return layers[i];
    }

    // ================================================================== kernels (W kept as Wᵀ, K × N_t)

    /** Reshapes only when the shape differs (so the contents are not zeroed needlessly). */
    private static void shape(CMatrix m, int rows, int cols) {
        if (m.rows() != rows || m.cols() != cols) {
            m.reshape(rows, cols);
        }
    }

    /**
     * out = Vᴴ·X for X = xtᵀ (N_t × K given as K × N_t): out[q, c] = Σ_i vh[q, i]·xt[c, i],
     * (K+J) × K. Flops: 8·(K+J)·K·N_t.
     */
    private void project(CMatrix xt, CMatrix out) {
        shape(out, kj, k);
        double[] vr = vh.re, vi = vh.im, xr = xt.re, xi = xt.im;
        for (int q = 0; q < kj; q++) {
            int vo = q * nt;
            for (int c = 0; c < k; c++) {
                int xo = c * nt;
                double sr = 0, si = 0;
                for (int i = 0; i < nt; i++) {
                    double ar = vr[vo + i], ai = vi[vo + i], br = xr[xo + i], bi = xi[xo + i];
                    sr += ar * br - ai * bi;
                    si += ar * bi + ai * br;
                }
                out.re[q * k + c] = sr;
                out.im[q * k + c] = si;
            }
        }
    }

    /**
     * outt = (V·D)ᵀ (K × N_t) for D (K+J) × K: outt[c, i] (+)= Σ_q D[q, c]·conj(vh[q, i]).
     * Flops: 8·(K+J)·K·N_t.
     */
    private void lift(CMatrix d, CMatrix outt, boolean accumulate) {
        if (!accumulate) {
            shape(outt, k, nt);
            java.util.Arrays.fill(outt.re, 0, k * nt, 0);
            java.util.Arrays.fill(outt.im, 0, k * nt, 0);
        }
        double[] vr = vh.re, vi = vh.im, or = outt.re, oi = outt.im;
        for (int c = 0; c < k; c++) {
            int oo = c * nt;
            for (int q = 0; q < kj; q++) {
                double dr = d.re[q * k + c], di = d.im[q * k + c];
                if (dr == 0 && di == 0) {
                    continue;
                }
                int vo = q * nt;
                for (int i = 0; i < nt; i++) {
                    double ar = vr[vo + i], ai = -vi[vo + i];
                    or[oo + i] += dr * ar - di * ai;
                    oi[oo + i] += dr * ai + di * ar;
                }
            }
        }
    }

    // ================================================================== forward pieces

    /** SINRs, SCNRs, rates and h at (W, Φ). */
    private void evaluate(Eval ev, CMatrix wm, double[] phR, double[] phI) {
        project(wm, ev.e);
        double[] er = ev.e.re, ei = ev.e.im;
        double minC = Double.POSITIVE_INFINITY;
        int argC = 0;
        for (int q = 0; q < k; q++) {
            double t = noise[q];
            for (int c = 0; c < k; c++) {
                t += er[q * k + c] * er[q * k + c] + ei[q * k + c] * ei[q * k + c];
            }
            double sr = er[q * k + q], si = ei[q * k + q];
            double s2 = sr * sr + si * si;
            double d = t - s2;
            ev.sRe[q] = sr;
            ev.sIm[q] = si;
            ev.t[q] = t;
            ev.d[q] = d;
            ev.r[q] = Math.log1p(s2 / d);
            if (ev.r[q] < minC) {
                minC = ev.r[q];
                argC = q;
            }
        }
        for (int j = 0; j < jn; j++) {
            double pj = 0;
            for (int c = 0; c < k; c++) {
                double xr = er[(k + j) * k + c], xi = ei[(k + j) * k + c];
                pj += xr * xr + xi * xi;
            }
            ev.p[j] = pj;
        }
        grTimes(phR, phI, ev.gRe, ev.gIm);
        double minS = Double.POSITIVE_INFINITY;
        int argS = 0;
        for (int m = 0; m < mt; m++) {
            double nn = 0, t = 0;
            for (int j = 0; j < jn; j++) {
                double gr = ev.gRe[j * mt + m], gi = ev.gIm[j * mt + m];
                nn += phR[j * mt + m] * gr + phI[j * mt + m] * gi;
                t += a2[j] * (gr * gr + gi * gi) * ev.p[j];
            }
            double gr = ev.gRe[m * mt + m], gi = ev.gIm[m * mt + m];
            double s = a2[m] * (gr * gr + gi * gi) * ev.p[m];
            t += sigmaP * nn;
            ev.n[m] = nn;
            ev.ts[m] = t;
            ev.ss[m] = s;
            ev.ds[m] = t - s;
            ev.rs[m] = Math.log1p(s / (t - s));
            if (ev.rs[m] < minS) {
                minS = ev.rs[m];
                argS = m;
            }
        }
        ev.minC = minC;
        ev.argC = argC;
        ev.minS = minS;
        ev.argS = argS;
        ev.h = minC + delta * minS;
    }

    /** out = G_r·Φ (J × M). */
    private void grTimes(double[] phR, double[] phI, double[] outRe, double[] outIm) {
        for (int j = 0; j < jn; j++) {
            for (int m = 0; m < mt; m++) {
                double sr = 0, si = 0;
                for (int i = 0; i < jn; i++) {
                    double xr = grRe[j * jn + i], xi = grIm[j * jn + i];
                    double yr = phR[i * mt + m], yi = phI[i * mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                outRe[j * mt + m] = sr;
                outIm[j * mt + m] = si;
            }
        }
    }

    /** R̃⁻¹ with R̃ = N_rσ_s²I + diag(|α_j|²p_j)·G_r (J × J), by Gauss–Jordan with partial pivoting. */
    private void invertFilterMatrix(double[] p, double[] outRe, double[] outIm) {
        int n = jn, m2 = 2 * n;
        double[] aw = rinvWork; // n × 2n complex as [re | im] blocks: row r, col c → (r*2n + c) re, im offset n*2n
        int imOff = n * m2;
        if (aw.length < 2 * n * m2) {
            aw = rinvWork = new double[2 * n * m2];
        }
        for (int r = 0; r < n; r++) {
            double cr = a2[r] * p[r];
            for (int c = 0; c < n; c++) {
                aw[r * m2 + c] = cr * grRe[r * n + c] + (r == c ? sigmaP : 0);
                aw[imOff + r * m2 + c] = cr * grIm[r * n + c];
                aw[r * m2 + n + c] = r == c ? 1 : 0;
                aw[imOff + r * m2 + n + c] = 0;
            }
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            double best = -1;
            for (int r = col; r < n; r++) {
                double x = aw[r * m2 + col], y = aw[imOff + r * m2 + col];
                double mag = x * x + y * y;
                if (mag > best) {
                    best = mag;
                    piv = r;
                }
            }
            if (!(best > 0) || !Double.isFinite(best)) {
                throw new IllegalArgumentException("max-min: receive filter system is singular");
            }
            if (piv != col) {
                for (int c = 0; c < m2; c++) {
                    double t = aw[col * m2 + c];
                    aw[col * m2 + c] = aw[piv * m2 + c];
                    aw[piv * m2 + c] = t;
                    t = aw[imOff + col * m2 + c];
                    aw[imOff + col * m2 + c] = aw[imOff + piv * m2 + c];
                    aw[imOff + piv * m2 + c] = t;
                }
            }
            double pr = aw[col * m2 + col], pi = aw[imOff + col * m2 + col];
            double den = pr * pr + pi * pi;
            double ir = pr / den, ii = -pi / den; // 1/pivot
            for (int c = 0; c < m2; c++) {
                double x = aw[col * m2 + c], y = aw[imOff + col * m2 + c];
                aw[col * m2 + c] = x * ir - y * ii;
                aw[imOff + col * m2 + c] = x * ii + y * ir;
            }
            for (int r = 0; r < n; r++) {
                if (r == col) {
                    continue;
                }
                double fr = aw[r * m2 + col], fi = aw[imOff + r * m2 + col];
                if (fr == 0 && fi == 0) {
                    continue;
                }
                for (int c = 0; c < m2; c++) {
                    double x = aw[col * m2 + c], y = aw[imOff + col * m2 + c];
                    aw[r * m2 + c] -= fr * x - fi * y;
                    aw[imOff + r * m2 + c] -= fr * y + fi * x;
                }
            }
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                outRe[r * n + c] = aw[r * m2 + n + c];
                outIm[r * n + c] = aw[imOff + r * m2 + n + c];
            }
        }
    }

    /** Steps 1–3 of an outer layer: z (8), Σ₁, Σ₂ (14)–(15), F (13), y and X_c. */
    private void coefficients(Eval ev, Layer l, double muC, double muS) {
        softmax(ev.r, k, muC, l.zc);
        softmax(ev.rs, mt, muS, l.zs);
        for (int q = 0; q < k; q++) {
            double sr = ev.sRe[q], si = ev.sIm[q], d = ev.d[q], t = ev.t[q];
            l.sig1Re[q] = l.zc[q] * sr / d;
            l.sig1Im[q] = l.zc[q] * si / d;
            l.sig2[q] = l.zc[q] * (sr * sr + si * si) / (t * d);
        }
        invertFilterMatrix(ev.p, l.rinvRe, l.rinvIm);
        for (int m = 0; m < mt; m++) {
            double gr = ev.gRe[m * mt + m], gi = ev.gIm[m * mt + m];
            double g2 = gr * gr + gi * gi;
            // c_m = T_sm / conj(g_mm) = T_sm·g_mm / |g_mm|²
            boolean valid = g2 > 0 && Double.isFinite(ev.ts[m] / g2);
            l.cValid[m] = valid;
            l.cRe[m] = valid ? ev.ts[m] * gr / g2 : 1;
            l.cIm[m] = valid ? ev.ts[m] * gi / g2 : 0;
            for (int j = 0; j < jn; j++) {
                double xr = l.rinvRe[j * jn + m], xi = l.rinvIm[j * jn + m];
                l.phiRe[j * mt + m] = l.cRe[m] * xr - l.cIm[m] * xi;
                l.phiIm[j * mt + m] = l.cRe[m] * xi + l.cIm[m] * xr;
            }
        }
        grTimes(l.phiRe, l.phiIm, l.g2Re, l.g2Im);
        for (int m = 0; m < mt; m++) {
            l.psi[m] = ev.ss[m] / (ev.ts[m] * ev.ds[m]);
            l.rho[m] = delta * a2[m] * l.zs[m] / ev.ds[m];
            // ω_m = ρ_m·g'_mm·conj(g_mm)
            double xr = l.g2Re[m * mt + m], xi = l.g2Im[m * mt + m];
            double yr = ev.gRe[m * mt + m], yi = -ev.gIm[m * mt + m];
            l.omRe[m] = l.rho[m] * (xr * yr - xi * yi);
            l.omIm[m] = l.rho[m] * (xr * yi + xi * yr);
            for (int c = 0; c < k; c++) {
                double pr = ev.e.re[(k + m) * k + c], pi = ev.e.im[(k + m) * k + c];
                l.xcRe[m * k + c] = l.omRe[m] * pr - l.omIm[m] * pi;
                l.xcIm[m * k + c] = l.omRe[m] * pi + l.omIm[m] * pr;
            }
        }
        for (int j = 0; j < jn; j++) {
            double s = 0;
            for (int m = 0; m < mt; m++) {
                double gr = l.g2Re[j * mt + m], gi = l.g2Im[j * mt + m];
                s += l.zs[m] * l.psi[m] * (gr * gr + gi * gi);
            }
            l.y[j] = delta * a2[j] * s;
        }
    }

    /** z = softmax(−μ·r[0…n−1]) (eq. (8)), shifted by min r for stability. */
    private static void softmax(double[] r, int n, double mu, double[] z) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, r[i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            z[i] = Math.exp(-mu * (r[i] - min));
            s += z[i];
        }
        for (int i = 0; i < n; i++) {
            z[i] /= s;
        }
    }

    /** E = VᴴW and the gradient direction D (K+J) × K, G = V·D (kept as Gᵀ, K × N_t); returns ‖G‖_F. */
    private double gradient(Layer l, CMatrix win, CMatrix e, CMatrix dg, CMatrix g) {
        project(win, e);
        shape(dg, kj, k);
        for (int q = 0; q < k; q++) {
            for (int c = 0; c < k; c++) {
                int i = q * k + c;
                dg.re[i] = l.sig2[q] * e.re[i];
                dg.im[i] = l.sig2[q] * e.im[i];
            }
            dg.re[q * k + q] -= l.sig1Re[q];
            dg.im[q * k + q] -= l.sig1Im[q];
        }
        for (int j = 0; j < jn; j++) {
            for (int c = 0; c < k; c++) {
                int i = (k + j) * k + c;
                dg.re[i] = l.y[j] * e.re[i];
                dg.im[i] = l.y[j] * e.im[i];
                if (j < mt) {
                    dg.re[i] -= l.xcRe[j * k + c];
                    dg.im[i] -= l.xcIm[j * k + c];
                }
            }
        }
        lift(dg, g, false);
        return Math.sqrt(g.frobeniusNorm2());
    }

    /** One step (18) with relative step β: W ← Π(W − β√P_t·G/‖G‖). */
    private void forwardStep(Layer l, Step st, double beta, int index) {
        if (recording) {
            shape(st.win, k, nt);
            System.arraycopy(w.re, 0, st.win.re, 0, k * nt);
            System.arraycopy(w.im, 0, st.win.im, 0, k * nt);
        }
        double nu = gradient(l, w, st.e, st.dg, st.g);
        st.nu = nu;
        st.beta = beta;
        st.stepIndex = index;
        st.scale = nu > 0 ? beta * Math.sqrt(pt) / nu : 0;
        CMatrix u = st.u;
        shape(u, k, nt);
        int len = nt * k;
        for (int i = 0; i < len; i++) {
            u.re[i] = w.re[i] - st.scale * st.g.re[i];
            u.im[i] = w.im[i] - st.scale * st.g.im[i];
        }
        if (st.rowNorm.length < nt) {
            st.rowNorm = new double[nt];
        }
        System.arraycopy(u.re, 0, w.re, 0, len);
        System.arraycopy(u.im, 0, w.im, 0, len);
        projectInPlace(w, st.rowNorm);
    }

    /**
     * Armijo backtracking on the surrogate g(W) of (14): the first β = β₀·0.3^i (i ≤ 50) with
     * g(Π(W − β√P_t·Ĝ)) ≤ g(W) − 0.1·β√P_t (Ĝ = G/‖G‖, so ‖Ĝ‖² = 1); W is kept when none is.
     */
    private void backtrackingStep(Layer l, Step st, double beta0) {
        double nu = gradient(l, w, st.e, st.dg, st.g);
        if (!(nu > 0)) {
            return;
        }
        double g0 = surrogate(l, st.e);
        double beta = beta0;
        int len = nt * k;
        for (int trial = 0; trial <= BT_MAX; trial++) {
            double scale = beta * Math.sqrt(pt) / nu;
            shape(btW, k, nt);
            for (int i = 0; i < len; i++) {
                btW.re[i] = w.re[i] - scale * st.g.re[i];
                btW.im[i] = w.im[i] - scale * st.g.im[i];
            }
            projectInPlace(btW, btRows);
            project(btW, btE);
            if (surrogate(l, btE) <= g0 - BT_ARMIJO * beta * Math.sqrt(pt)) {
                System.arraycopy(btW.re, 0, w.re, 0, len);
                System.arraycopy(btW.im, 0, w.im, 0, len);
                return;
            }
            beta *= BT_SHRINK;
        }
    }

    /**
     * g(W) = tr(WᴴBW) − 2Re tr(W·A_t) of (14) from E = VᴴW:
     * Σ_k Σ₂,k‖Q_k‖² + Σ_j y_j‖P_j‖² − 2Re(Σ_k conj(Q_kk)Σ₁,k + Σ_{m,c} conj(P_mc)X_c,mc).
     */
    private double surrogate(Layer l, CMatrix e) {
        double s = 0;
        for (int q = 0; q < k; q++) {
            double r2 = 0;
            for (int c = 0; c < k; c++) {
                r2 += e.re[q * k + c] * e.re[q * k + c] + e.im[q * k + c] * e.im[q * k + c];
            }
            s += l.sig2[q] * r2 - 2 * (e.re[q * k + q] * l.sig1Re[q] + e.im[q * k + q] * l.sig1Im[q]);
        }
        for (int j = 0; j < jn; j++) {
            double r2 = 0, cross = 0;
            for (int c = 0; c < k; c++) {
                int i = (k + j) * k + c;
                r2 += e.re[i] * e.re[i] + e.im[i] * e.im[i];
                if (j < mt) {
                    cross += e.re[i] * l.xcRe[j * k + c] + e.im[i] * l.xcIm[j * k + c];
                }
            }
            s += l.y[j] * r2 - 2 * cross;
        }
        return s;
    }

    /**
     * Π_S in place on Wᵀ (K × N_t): per antenna, column i (row i of W) scaled to √(P_t/N_t);
     * total, the whole matrix to √P_t. Norms before scaling go to {@code norms} when not null.
     */
    private void projectInPlace(CMatrix xt, double[] norms) {
        double[] xr = xt.re, xi = xt.im;
        if (perAntenna) {
            double[] nrm = norms != null ? norms : btRows;
            java.util.Arrays.fill(nrm, 0, nt, 0);
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    nrm[i] += xr[o + i] * xr[o + i] + xi[o + i] * xi[o + i];
                }
            }
            for (int i = 0; i < nt; i++) {
                nrm[i] = Math.sqrt(nrm[i]);
            }
            for (int i = 0; i < nt; i++) {
                if (!(nrm[i] > 0)) {
                    double u = rowTarget / Math.sqrt(k);
                    for (int c = 0; c < k; c++) {
                        xr[c * nt + i] = u;
                        xi[c * nt + i] = 0;
                    }
                    nrm[i] = 0;
                }
            }
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    double f = nrm[i] > 0 ? rowTarget / nrm[i] : 1;
                    xr[o + i] *= f;
                    xi[o + i] *= f;
                }
            }
        } else {
            double nrm = Math.sqrt(xt.frobeniusNorm2());
            if (norms != null) {
                norms[0] = nrm;
            }
            if (!(nrm > 0)) {
                throw new IllegalArgumentException("max-min: precoder has no power");
            }
            xt.scale(Math.sqrt(pt) / nrm);
        }
    }

    // ================================================================== reverse mode

    /**
     * Gradient of loss (19) of the last recorded SCHEDULE or FIXED run: adds ∂L/∂ln β_{ℓ,i} to
     * {@code gradLogSteps[ℓ·inner + i]} (SCHEDULE runs; may be null) and ∂L/∂ln μ_c,
     * ∂L/∂ln μ_s to {@code gradLogMu[0], [1]} (may be null). Returns the loss.
     */
    public double backward(double[] gradLogSteps, double[] gradLogMu) {
        if (!recording) {
            throw new IllegalStateException("max-min: backward needs a recorded run (setRecording(true))");
        }
        int nl = layersRun;
        double muC = lastMuC, muS = lastMuS;
        double muCBar = 0, muSBar = 0;
        wBar.reshape(k, nt);
        java.util.Arrays.fill(phiBarOutRe, 0, jn * mt, 0);
        java.util.Arrays.fill(phiBarOutIm, 0, jn * mt, 0);
        // h(W_L, F_L): not used by any layer
        eb.reset(k, jn, mt, kj);
        evalBackward(evals[nl], nl >= 1 ? -1.0 / nl : 0, wBar, phiBarOutRe, phiBarOutIm);
        for (int l = nl; l >= 1; l--) {
            Layer lay = layers[l - 1];
            Eval ev = evals[l - 1];
            cb.reset(k, jn, mt);
            // inner steps, last first; wBar is the adjoint of the step's output
            for (int s = lay.stepCount - 1; s >= 0; s--) {
                stepBackward(lay, lay.steps[s], gradLogSteps);
            }
            eb.reset(k, jn, mt, kj);
            double[] zcBar = zcBarScratch(), zsBar = zsBarScratch();
            java.util.Arrays.fill(zcBar, 0, k, 0);
            java.util.Arrays.fill(zsBar, 0, mt, 0);
            coefficientBackward(ev, lay, zcBar, zsBar);
            muCBar += softmaxBackward(ev.r, k, muC, lay.zc, zcBar, eb.r);
            muSBar += softmaxBackward(ev.rs, mt, muS, lay.zs, zsBar, eb.rs);
            // Φ̄ of the previous state: from g and n of the evaluation
            java.util.Arrays.fill(phiBarOutRe, 0, jn * mt, 0);
            java.util.Arrays.fill(phiBarOutIm, 0, jn * mt, 0);
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
        if (zcBarBuf.length < k) {
            zcBarBuf = new double[k];
        }
        return zcBarBuf;
    }

    private double[] zsBarScratch() {
        if (zsBarBuf.length < mt) {
            zsBarBuf = new double[mt];
        }
        return zsBarBuf;
    }

    /**
     * Inner step adjoint: wBar (adjoint of W_out) becomes the adjoint of W_in; accumulates
     * the coefficient adjoints in {@link #cb} and the step's log-β gradient.
     */
    private void stepBackward(Layer l, Step st, double[] gradLogSteps) {
        int len = nt * k;
        CMatrix u = st.u;
        // Ū from the projection (columns of Uᵀ are the rows of U)
        CMatrix ub = wBarIn;
        ub.reshape(k, nt);
        if (perAntenna) {
            double[] rho = btRows;
            java.util.Arrays.fill(rho, 0, nt, 0);
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    rho[i] += u.re[o + i] * wBar.re[o + i] + u.im[o + i] * wBar.im[o + i];
                }
            }
            for (int c = 0; c < k; c++) {
                int o = c * nt;
                for (int i = 0; i < nt; i++) {
                    double n = st.rowNorm[i];
                    if (!(n > 0)) {
                        continue; // replaced by a constant row
                    }
                    double f = rowTarget / n, g = rho[i] / (n * n);
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
            double f = Math.sqrt(pt) / n, g = rho / (n * n);
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
        shape(gb, k, nt);
        double fg = nuBar / st.nu;
        for (int q = 0; q < len; q++) {
            gb.re[q] = -st.scale * ub.re[q] + fg * st.g.re[q];
            gb.im[q] = -st.scale * ub.im[q] + fg * st.g.im[q];
        }
        // G = V·D: D̄ = Vᴴ Ḡ
        project(gb, dgBar);
        CMatrix e = st.e;
        shape(tmpE, kj, k);
        for (int q = 0; q < k; q++) {
            double s2 = 0;
            for (int c = 0; c < k; c++) {
                int i = q * k + c;
                tmpE.re[i] = l.sig2[q] * dgBar.re[i];
                tmpE.im[i] = l.sig2[q] * dgBar.im[i];
                s2 += dgBar.re[i] * e.re[i] + dgBar.im[i] * e.im[i];
            }
            cb.sig2[q] += s2;
            cb.sig1Re[q] -= dgBar.re[q * k + q];
            cb.sig1Im[q] -= dgBar.im[q * k + q];
        }
        for (int j = 0; j < jn; j++) {
            double sy = 0;
            for (int c = 0; c < k; c++) {
                int i = (k + j) * k + c;
                tmpE.re[i] = l.y[j] * dgBar.re[i];
                tmpE.im[i] = l.y[j] * dgBar.im[i];
                sy += dgBar.re[i] * e.re[i] + dgBar.im[i] * e.im[i];
                if (j < mt) {
                    cb.xcRe[j * k + c] -= dgBar.re[i];
                    cb.xcIm[j * k + c] -= dgBar.im[i];
                }
            }
            cb.y[j] += sy;
        }
        // E = Vᴴ W_in: W̄_in += V Ē
        lift(tmpE, wBar, true);
    }

    /**
     * Adjoint of {@link #coefficients}: from {@link #cb} and the adjoint of the layer's new Φ
     * ({@link #phiBarOutRe}) into {@link #eb} (quantities of {@code ev}) and z̄.
     */
    private void coefficientBackward(Eval ev, Layer l, double[] zcBar, double[] zsBar) {
        // X_c row m = ω_m P_m
        double[] g2bRe = phiBarRe, g2bIm = phiBarIm; // reuse as ḡ' (J × M)
        java.util.Arrays.fill(g2bRe, 0, jn * mt, 0);
        java.util.Arrays.fill(g2bIm, 0, jn * mt, 0);
        for (int m = 0; m < mt; m++) {
            double obr = 0, obi = 0;
            for (int c = 0; c < k; c++) {
                int pi = (k + m) * k + c;
                double pr = ev.e.re[pi], pim = ev.e.im[pi];
                double xr = cb.xcRe[m * k + c], xi = cb.xcIm[m * k + c];
                // ω̄ += X̄c·conj(P)
                obr += xr * pr + xi * pim;
                obi += xi * pr - xr * pim;
                // P̄ += conj(ω)·X̄c
                eb.e.re[pi] += l.omRe[m] * xr + l.omIm[m] * xi;
                eb.e.im[pi] += l.omRe[m] * xi - l.omIm[m] * xr;
            }
            // ω = ρ·g'_mm·conj(g_mm)
            double g2r = l.g2Re[m * mt + m], g2i = l.g2Im[m * mt + m];
            double gr = ev.gRe[m * mt + m], gi = ev.gIm[m * mt + m];
            double rho = l.rho[m];
            // ḡ'_mm += ρ·g_mm·ω̄
            g2bRe[m * mt + m] += rho * (gr * obr - gi * obi);
            g2bIm[m * mt + m] += rho * (gr * obi + gi * obr);
            // ḡ_mm += ρ·g'_mm·conj(ω̄)
            eb.gRe[m * mt + m] += rho * (g2r * obr + g2i * obi);
            eb.gIm[m * mt + m] += rho * (g2i * obr - g2r * obi);
            // ρ̄ = Re(conj(ω̄)·g'_mm·conj(g_mm))
            double pr = g2r * gr + g2i * gi, pim = g2i * gr - g2r * gi;
            double rhoBar = obr * pr + obi * pim;
            // ρ = δ a_m z_sm / D_sm
            zsBar[m] += rhoBar * delta * a2[m] / ev.ds[m];
            eb.ds[m] -= rhoBar * rho / ev.ds[m];
        }
        // y_j = δ a_j Σ_m z_sm ψ_m |g'_jm|²
        for (int m = 0; m < mt; m++) {
            double psiBar = 0;
            for (int j = 0; j < jn; j++) {
                double t = delta * a2[j] * cb.y[j];
                double gr = l.g2Re[j * mt + m], gi = l.g2Im[j * mt + m];
                double g2 = gr * gr + gi * gi;
                zsBar[m] += t * l.psi[m] * g2;
                psiBar += t * l.zs[m] * g2;
                double f = 2 * t * l.zs[m] * l.psi[m];
                g2bRe[j * mt + m] += f * gr;
                g2bIm[j * mt + m] += f * gi;
            }
            // ψ = S/(T_s D_s)
            double ts = ev.ts[m], ds = ev.ds[m], psi = l.psi[m];
            eb.ss[m] += psiBar / (ts * ds);
            eb.ts[m] -= psiBar * psi / ts;
            eb.ds[m] -= psiBar * psi / ds;
        }
        // Σ₁ = z s / D, Σ₂ = z |s|² / (T D)
        for (int q = 0; q < k; q++) {
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
        for (int j = 0; j < jn; j++) {
            for (int m = 0; m < mt; m++) {
                double sr = phiBarOutRe[j * mt + m], si = phiBarOutIm[j * mt + m];
                for (int i = 0; i < jn; i++) {
                    double xr = grRe[j * jn + i], xi = grIm[j * jn + i];
                    double yr = g2bRe[i * mt + m], yi = g2bIm[i * mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                phiBarOutRe[j * mt + m] = sr;
                phiBarOutIm[j * mt + m] = si;
            }
        }
        // Φ' = X·diag(c), X = R̃⁻¹[:, 0:M]: X̄ = Φ̄'·conj(c) (kept in g2b), c̄_m = Σ_j conj(X_jm)Φ̄'_jm
        for (int m = 0; m < mt; m++) {
            double cbr = 0, cbi = 0;
            double cr = l.cRe[m], ci = l.cIm[m];
            for (int j = 0; j < jn; j++) {
                double pr = phiBarOutRe[j * mt + m], pim = phiBarOutIm[j * mt + m];
                double xr = l.rinvRe[j * jn + m], xi = l.rinvIm[j * jn + m];
                cbr += xr * pr + xi * pim;
                cbi += xr * pim - xi * pr;
                g2bRe[j * mt + m] = cr * pr + ci * pim;
                g2bIm[j * mt + m] = cr * pim - ci * pr;
            }
            if (l.cValid[m]) {
                // c = T_s / conj(g_mm): T̄_s += Re(conj(c̄)/conj(g)), ḡ_mm += −T_s·conj(c̄)/conj(g)²
                double gr = ev.gRe[m * mt + m], gi = -ev.gIm[m * mt + m]; // y = conj(g)
                double y2 = gr * gr + gi * gi;
                double invr = gr / y2, invi = -gi / y2; // 1/y
                eb.ts[m] += cbr * invr + cbi * invi;
                double inv2r = invr * invr - invi * invi, inv2i = 2 * invr * invi; // 1/y²
                double ts = ev.ts[m];
                // −T·conj(c̄)·(1/y²)
                double ccr = cbr, cci = -cbi;
                eb.gRe[m * mt + m] -= ts * (ccr * inv2r - cci * inv2i);
                eb.gIm[m * mt + m] -= ts * (ccr * inv2i + cci * inv2r);
            }
        }
        // R̃̄ = −R̃⁻ᴴ·X̄·Xᴴ; C̄_j = Re Σ_i conj(R̃̄_ji)·G_r,ji; p̄_j += |α_j|²·C̄_j
        // Z = X̄·Xᴴ (J × J) then R̃̄ = −R̃⁻ᴴ Z; only Re Σ_i conj(R̃̄_ji) G_ji needed.
        for (int j = 0; j < jn; j++) {
            double cBar = 0;
            for (int i = 0; i < jn; i++) {
                // R̃̄_ji = −Σ_q conj(R̃⁻¹_qj)·Z_qi, Z_qi = Σ_m X̄_qm conj(X_im)
                double rr = 0, ri = 0;
                for (int q = 0; q < jn; q++) {
                    double zr = 0, zi = 0;
                    for (int m = 0; m < mt; m++) {
                        double ar2 = g2bRe[q * mt + m], ai2 = g2bIm[q * mt + m];
                        double br = l.rinvRe[i * jn + m], bi = -l.rinvIm[i * jn + m];
                        zr += ar2 * br - ai2 * bi;
                        zi += ar2 * bi + ai2 * br;
                    }
                    double hr = l.rinvRe[q * jn + j], hi = -l.rinvIm[q * jn + j];
                    rr -= hr * zr - hi * zi;
                    ri -= hr * zi + hi * zr;
                }
                cBar += rr * grRe[j * jn + i] + ri * grIm[j * jn + i];
            }
            eb.p[j] += a2[j] * cBar;
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
     * Adjoint of {@link #evaluate} with loss weight {@code lambda} on h (plus whatever
     * {@link #eb} already holds): adds into {@code wBarAcc} (N_t × K) and {@code phiBar} (J × M).
     */
    private void evalBackward(Eval ev, double lambda, CMatrix wBarAcc, double[] phiBarR, double[] phiBarI) {
        if (lambda != 0) {
            eb.r[ev.argC] += lambda;
            eb.rs[ev.argS] += lambda * delta;
        }
        for (int q = 0; q < k; q++) {
            double t = ev.t[q], d = ev.d[q];
            double tb = eb.t[q] + eb.r[q] / t;
            double db = eb.d[q] - eb.r[q] / d;
            // D = T − |s|²
            tb += db;
            double sbr = eb.sRe[q] - 2 * db * ev.sRe[q], sbi = eb.sIm[q] - 2 * db * ev.sIm[q];
            for (int c = 0; c < k; c++) {
                int i = q * k + c;
                eb.e.re[i] += 2 * tb * ev.e.re[i];
                eb.e.im[i] += 2 * tb * ev.e.im[i];
            }
            eb.e.re[q * k + q] += sbr;
            eb.e.im[q * k + q] += sbi;
        }
        for (int m = 0; m < mt; m++) {
            double ts = ev.ts[m], ds = ev.ds[m];
            double tsb = eb.ts[m] + eb.rs[m] / ts;
            double dsb = eb.ds[m] - eb.rs[m] / ds;
            tsb += dsb;
            double sb = eb.ss[m] - dsb;
            // S = a_m |g_mm|² p_m
            double gr = ev.gRe[m * mt + m], gi = ev.gIm[m * mt + m];
            eb.gRe[m * mt + m] += 2 * sb * a2[m] * ev.p[m] * gr;
            eb.gIm[m * mt + m] += 2 * sb * a2[m] * ev.p[m] * gi;
            eb.p[m] += sb * a2[m] * (gr * gr + gi * gi);
            // T_s = Σ_j a_j |g_jm|² p_j + σ' n_m
            for (int j = 0; j < jn; j++) {
                double xr = ev.gRe[j * mt + m], xi = ev.gIm[j * mt + m];
                eb.gRe[j * mt + m] += 2 * tsb * a2[j] * ev.p[j] * xr;
                eb.gIm[j * mt + m] += 2 * tsb * a2[j] * ev.p[j] * xi;
                eb.p[j] += tsb * a2[j] * (xr * xr + xi * xi);
            }
            eb.n[m] += sigmaP * tsb;
        }
        // n_m = φ_mᴴ G_r φ_m: Φ̄_m += 2 n̄_m g_m; g = G_r Φ: Φ̄ += G_r ḡ
        for (int j = 0; j < jn; j++) {
            for (int m = 0; m < mt; m++) {
                double sr = 2 * eb.n[m] * ev.gRe[j * mt + m], si = 2 * eb.n[m] * ev.gIm[j * mt + m];
                for (int i = 0; i < jn; i++) {
                    double xr = grRe[j * jn + i], xi = grIm[j * jn + i];
                    double yr = eb.gRe[i * mt + m], yi = eb.gIm[i * mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                phiBarR[j * mt + m] += sr;
                phiBarI[j * mt + m] += si;
            }
        }
        // p_j = ‖P_j‖²
        for (int j = 0; j < jn; j++) {
            for (int c = 0; c < k; c++) {
                int i = (k + j) * k + c;
                eb.e.re[i] += 2 * eb.p[j] * ev.e.re[i];
                eb.e.im[i] += 2 * eb.p[j] * ev.e.im[i];
            }
        }
        // E = Vᴴ W: W̄ += V Ē
        lift(eb.e, wBarAcc, true);
    }
}
