package org.isac.solver.digital;

import static org.isac.solver.digital.MaxMinGeometry.shape;

import org.isac.solver.Problem;
import org.isac.solver.digital.MaxMinRecords.Eval;
import org.isac.solver.digital.MaxMinRecords.Layer;
import org.isac.solver.digital.MaxMinRecords.Step;
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
 * <p>The problem and the kernels on it are {@link MaxMinGeometry}. With {@link #setRecording}
 * the forward pass keeps every layer ({@link MaxMinRecords}); the training package's reverse
 * mode (MaxMinAoReverse) reads them to give the gradient of loss (19) with respect to the log
 * step sizes and log smoothing factors.
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

    private final MaxMinGeometry geo = new MaxMinGeometry();

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
    private double lastMuC, lastMuS;

    // ------------------------------------------------------------------ scratch
    private final CMatrix btW = new CMatrix();
    private final CMatrix btE = new CMatrix();
    private double[] btRows = new double[0];

    // ================================================================== set-up

    /**
     * Copies the problem: channel, user noise, power, targets then clutter as echo channels.
     *
     * @param radarNoiseW σ_s² (W)
     * @param perAntennaPower true for seed 002's set S (every row of W at P_t/N_t), false for ‖W‖²_F = P_t
     */
    public void setUp(Problem p, double delta, double radarNoiseW, boolean perAntennaPower) {
        geo.setUp(p, delta, radarNoiseW, perAntennaPower);
        int jm = geo.jn * geo.mt;
        if (phiRe.length < jm) {
            phiRe = new double[jm];
            phiIm = new double[jm];
        }
        if (btRows.length < geo.nt) {
            btRows = new double[geo.nt];
        }
        w.reshape(geo.k, geo.nt);
    }

    /**
     * Seed 002's initial point: W⁰ = Π_S(H) (MRT) and f_m⁰ the max-SCNR filter for W⁰, i.e.
     * ∝ (Σ_{j≠m} G_jW⁰W⁰ᴴG_jᴴ + N_rσ_s²I)⁻¹a_r,m (the principal generalised eigenvector;
     * the same direction as with j = m included), scaled to ‖f_m‖ = 1.
     */
    public void initialize() {
        shape(w, geo.k, geo.nt);
        for (int q = 0; q < geo.k; q++) {
            for (int i = 0; i < geo.nt; i++) {
                w.re[q * geo.nt + i] = geo.v.re[i * geo.kj + q];
                w.im[q * geo.nt + i] = geo.v.im[i * geo.kj + q];
            }
        }
        geo.projectInPlace(w, null);
        Eval ev = eval(0);
        geo.project(w, ev.e);
        for (int j = 0; j < geo.jn; j++) {
            double pj = 0;
            for (int c = 0; c < geo.k; c++) {
                double xr = ev.e.re[(geo.k + j) * geo.k + c], xi = ev.e.im[(geo.k + j) * geo.k + c];
                pj += xr * xr + xi * xi;
            }
            ev.p[j] = pj;
        }
        Layer l = layer(0);
        geo.invertFilterMatrix(ev.p, l.rinvRe, l.rinvIm);
        for (int m = 0; m < geo.mt; m++) {
            // φ_m = R̃⁻¹e_m, scaled to φᴴG_rφ = 1
            double nn = 0;
            for (int a = 0; a < geo.jn; a++) {
                double sr = 0, si = 0;
                for (int b = 0; b < geo.jn; b++) {
                    double xr = l.rinvRe[b * geo.jn + m], xi = l.rinvIm[b * geo.jn + m];
                    sr += geo.grRe[a * geo.jn + b] * xr - geo.grIm[a * geo.jn + b] * xi;
                    si += geo.grRe[a * geo.jn + b] * xi + geo.grIm[a * geo.jn + b] * xr;
                }
                nn += l.rinvRe[a * geo.jn + m] * sr + l.rinvIm[a * geo.jn + m] * si;
            }
            double s = nn > 0 ? 1 / Math.sqrt(nn) : 1;
            for (int a = 0; a < geo.jn; a++) {
                phiRe[a * geo.mt + m] = s * l.rinvRe[a * geo.jn + m];
                phiIm[a * geo.mt + m] = s * l.rinvIm[a * geo.jn + m];
            }
        }
    }

    /** Sets W (N_t × K) and F = A_r·Φ from {@code phi} (J × M, real/imag row-major); for tests. */
    public void setState(CMatrix w0, double[] phiRe0, double[] phiIm0) {
        shape(w, geo.k, geo.nt);
        for (int i = 0; i < geo.nt; i++) {
            for (int q = 0; q < geo.k; q++) {
                w.re[q * geo.nt + i] = w0.re[i * geo.k + q];
                w.im[q * geo.nt + i] = w0.im[i * geo.k + q];
            }
        }
        System.arraycopy(phiRe0, 0, phiRe, 0, geo.jn * geo.mt);
        System.arraycopy(phiIm0, 0, phiIm, 0, geo.jn * geo.mt);
    }

    /** Keeps every layer of the following runs ({@link MaxMinRecords}) for the reverse mode. */
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
        return geo.k;
    }

    public int targets() {
        return geo.mt;
    }

    public int scatterers() {
        return geo.jn;
    }

    /** The problem as set up, with its kernels. */
    public MaxMinGeometry geometry() {
        return geo;
    }

    /** Whether runs keep every layer ({@link #setRecording}). */
    public boolean recording() {
        return recording;
    }

    /** Outer layers the last run ran. */
    public int layersRun() {
        return layersRun;
    }

    /** μ_c and μ_s of the last run. */
    public double lastMuC() {
        return lastMuC;
    }

    public double lastMuS() {
        return lastMuS;
    }

    /** Of the last recorded run: the evaluation at the start (0) or after outer layer {@code l}. */
    public Eval recordedEval(int l) {
        return evals[l];
    }

    /** Of the last recorded run: outer layer {@code l} (0-based), its coefficients and steps. */
    public Layer recordedLayer(int l) {
        return layers[l];
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
            lay.size(geo.k, geo.jn, geo.mt, inner * repeats);
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
            System.arraycopy(lay.phiRe, 0, phiRe, 0, geo.jn * geo.mt);
            System.arraycopy(lay.phiIm, 0, phiIm, 0, geo.jn * geo.mt);
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
        for (int q = 0; q < geo.k; q++) {
            double sr = lastEval.sRe[q], si = lastEval.sIm[q];
            out[q] = (sr * sr + si * si) / lastEval.d[q];
        }
    }

    /** Writes γ_sm (linear) at the current state into {@code out[0…M−1]}. */
    public void scnr(double[] out) {
        for (int m = 0; m < geo.mt; m++) {
            out[m] = lastEval.ss[m] / lastEval.ds[m];
        }
    }

    /** Copies W (N_t × K). */
    public void precoder(CMatrix out) {
        shape(out, geo.nt, geo.k);
        for (int i = 0; i < geo.nt; i++) {
            for (int q = 0; q < geo.k; q++) {
                out.re[i * geo.k + q] = w.re[q * geo.nt + i];
                out.im[i * geo.k + q] = w.im[q * geo.nt + i];
            }
        }
    }

    /** Writes F = A_r·Φ (N_r × M) with each column scaled to unit norm (the SCNR is scale-free). */
    public void receiveFilters(CMatrix out) {
        out.reshape(geo.nr, geo.mt);
        for (int i = 0; i < geo.nr; i++) {
            for (int m = 0; m < geo.mt; m++) {
                double sr = 0, si = 0;
                for (int j = 0; j < geo.jn; j++) {
                    double xr = geo.ar.re[i * geo.jn + j], xi = geo.ar.im[i * geo.jn + j];
                    double yr = phiRe[j * geo.mt + m], yi = phiIm[j * geo.mt + m];
                    sr += xr * yr - xi * yi;
                    si += xr * yi + xi * yr;
                }
                out.re[i * geo.mt + m] = sr;
                out.im[i * geo.mt + m] = si;
            }
        }
        for (int m = 0; m < geo.mt; m++) {
            double nn = 0;
            for (int i = 0; i < geo.nr; i++) {
                nn += out.re[i * geo.mt + m] * out.re[i * geo.mt + m] + out.im[i * geo.mt + m] * out.im[i * geo.mt + m];
            }
            double s = nn > 0 ? 1 / Math.sqrt(nn) : 0;
            for (int i = 0; i < geo.nr; i++) {
                out.re[i * geo.mt + m] *= s;
                out.im[i * geo.mt + m] *= s;
            }
        }
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
        evals[i].size(geo.k, geo.jn, geo.mt);
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
        layers[i].size(geo.k, geo.jn, geo.mt, 1);
        return layers[i];
    }
    // ================================================================== forward pieces

    /** SINRs, SCNRs, rates and h at (W, Φ). */
    private void evaluate(Eval ev, CMatrix wm, double[] phR, double[] phI) {
        geo.project(wm, ev.e);
        double[] er = ev.e.re, ei = ev.e.im;
        double minC = Double.POSITIVE_INFINITY;
        int argC = 0;
        for (int q = 0; q < geo.k; q++) {
            double t = geo.noise[q];
            for (int c = 0; c < geo.k; c++) {
                t += er[q * geo.k + c] * er[q * geo.k + c] + ei[q * geo.k + c] * ei[q * geo.k + c];
            }
            double sr = er[q * geo.k + q], si = ei[q * geo.k + q];
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
        for (int j = 0; j < geo.jn; j++) {
            double pj = 0;
            for (int c = 0; c < geo.k; c++) {
                double xr = er[(geo.k + j) * geo.k + c], xi = ei[(geo.k + j) * geo.k + c];
                pj += xr * xr + xi * xi;
            }
            ev.p[j] = pj;
        }
        geo.grTimes(phR, phI, ev.gRe, ev.gIm);
        double minS = Double.POSITIVE_INFINITY;
        int argS = 0;
        for (int m = 0; m < geo.mt; m++) {
            double nn = 0, t = 0;
            for (int j = 0; j < geo.jn; j++) {
                double gr = ev.gRe[j * geo.mt + m], gi = ev.gIm[j * geo.mt + m];
                nn += phR[j * geo.mt + m] * gr + phI[j * geo.mt + m] * gi;
                t += geo.a2[j] * (gr * gr + gi * gi) * ev.p[j];
            }
            double gr = ev.gRe[m * geo.mt + m], gi = ev.gIm[m * geo.mt + m];
            double s = geo.a2[m] * (gr * gr + gi * gi) * ev.p[m];
            t += geo.sigmaP * nn;
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
        ev.h = minC + geo.delta * minS;
    }

    /** out = G_r·Φ (J × M). */
    private void coefficients(Eval ev, Layer l, double muC, double muS) {
        softmax(ev.r, geo.k, muC, l.zc);
        softmax(ev.rs, geo.mt, muS, l.zs);
        for (int q = 0; q < geo.k; q++) {
            double sr = ev.sRe[q], si = ev.sIm[q], d = ev.d[q], t = ev.t[q];
            l.sig1Re[q] = l.zc[q] * sr / d;
            l.sig1Im[q] = l.zc[q] * si / d;
            l.sig2[q] = l.zc[q] * (sr * sr + si * si) / (t * d);
        }
        geo.invertFilterMatrix(ev.p, l.rinvRe, l.rinvIm);
        for (int m = 0; m < geo.mt; m++) {
            double gr = ev.gRe[m * geo.mt + m], gi = ev.gIm[m * geo.mt + m];
            double g2 = gr * gr + gi * gi;
            // c_m = T_sm / conj(g_mm) = T_sm·g_mm / |g_mm|²
            boolean valid = g2 > 0 && Double.isFinite(ev.ts[m] / g2);
            l.cValid[m] = valid;
            l.cRe[m] = valid ? ev.ts[m] * gr / g2 : 1;
            l.cIm[m] = valid ? ev.ts[m] * gi / g2 : 0;
            for (int j = 0; j < geo.jn; j++) {
                double xr = l.rinvRe[j * geo.jn + m], xi = l.rinvIm[j * geo.jn + m];
                l.phiRe[j * geo.mt + m] = l.cRe[m] * xr - l.cIm[m] * xi;
                l.phiIm[j * geo.mt + m] = l.cRe[m] * xi + l.cIm[m] * xr;
            }
        }
        geo.grTimes(l.phiRe, l.phiIm, l.g2Re, l.g2Im);
        for (int m = 0; m < geo.mt; m++) {
            l.psi[m] = ev.ss[m] / (ev.ts[m] * ev.ds[m]);
            l.rho[m] = geo.delta * geo.a2[m] * l.zs[m] / ev.ds[m];
            // ω_m = ρ_m·g'_mm·conj(g_mm)
            double xr = l.g2Re[m * geo.mt + m], xi = l.g2Im[m * geo.mt + m];
            double yr = ev.gRe[m * geo.mt + m], yi = -ev.gIm[m * geo.mt + m];
            l.omRe[m] = l.rho[m] * (xr * yr - xi * yi);
            l.omIm[m] = l.rho[m] * (xr * yi + xi * yr);
            for (int c = 0; c < geo.k; c++) {
                double pr = ev.e.re[(geo.k + m) * geo.k + c], pi = ev.e.im[(geo.k + m) * geo.k + c];
                l.xcRe[m * geo.k + c] = l.omRe[m] * pr - l.omIm[m] * pi;
                l.xcIm[m * geo.k + c] = l.omRe[m] * pi + l.omIm[m] * pr;
            }
        }
        for (int j = 0; j < geo.jn; j++) {
            double s = 0;
            for (int m = 0; m < geo.mt; m++) {
                double gr = l.g2Re[j * geo.mt + m], gi = l.g2Im[j * geo.mt + m];
                s += l.zs[m] * l.psi[m] * (gr * gr + gi * gi);
            }
            l.y[j] = geo.delta * geo.a2[j] * s;
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
        geo.project(win, e);
        shape(dg, geo.kj, geo.k);
        for (int q = 0; q < geo.k; q++) {
            for (int c = 0; c < geo.k; c++) {
                int i = q * geo.k + c;
                dg.re[i] = l.sig2[q] * e.re[i];
                dg.im[i] = l.sig2[q] * e.im[i];
            }
            dg.re[q * geo.k + q] -= l.sig1Re[q];
            dg.im[q * geo.k + q] -= l.sig1Im[q];
        }
        for (int j = 0; j < geo.jn; j++) {
            for (int c = 0; c < geo.k; c++) {
                int i = (geo.k + j) * geo.k + c;
                dg.re[i] = l.y[j] * e.re[i];
                dg.im[i] = l.y[j] * e.im[i];
                if (j < geo.mt) {
                    dg.re[i] -= l.xcRe[j * geo.k + c];
                    dg.im[i] -= l.xcIm[j * geo.k + c];
                }
            }
        }
        geo.lift(dg, g, false);
        return Math.sqrt(g.frobeniusNorm2());
    }

    /** One step (18) with relative step β: W ← Π(W − β√P_t·G/‖G‖). */
    private void forwardStep(Layer l, Step st, double beta, int index) {
        if (recording) {
            shape(st.win, geo.k, geo.nt);
            System.arraycopy(w.re, 0, st.win.re, 0, geo.k * geo.nt);
            System.arraycopy(w.im, 0, st.win.im, 0, geo.k * geo.nt);
        }
        double nu = gradient(l, w, st.e, st.dg, st.g);
        st.nu = nu;
        st.beta = beta;
        st.stepIndex = index;
        st.scale = nu > 0 ? beta * Math.sqrt(geo.pt) / nu : 0;
        CMatrix u = st.u;
        shape(u, geo.k, geo.nt);
        int len = geo.nt * geo.k;
        for (int i = 0; i < len; i++) {
            u.re[i] = w.re[i] - st.scale * st.g.re[i];
            u.im[i] = w.im[i] - st.scale * st.g.im[i];
        }
        if (st.rowNorm.length < geo.nt) {
            st.rowNorm = new double[geo.nt];
        }
        System.arraycopy(u.re, 0, w.re, 0, len);
        System.arraycopy(u.im, 0, w.im, 0, len);
        geo.projectInPlace(w, st.rowNorm);
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
        int len = geo.nt * geo.k;
        for (int trial = 0; trial <= BT_MAX; trial++) {
            double scale = beta * Math.sqrt(geo.pt) / nu;
            shape(btW, geo.k, geo.nt);
            for (int i = 0; i < len; i++) {
                btW.re[i] = w.re[i] - scale * st.g.re[i];
                btW.im[i] = w.im[i] - scale * st.g.im[i];
            }
            geo.projectInPlace(btW, btRows);
            geo.project(btW, btE);
            if (surrogate(l, btE) <= g0 - BT_ARMIJO * beta * Math.sqrt(geo.pt)) {
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
        for (int q = 0; q < geo.k; q++) {
            double r2 = 0;
            for (int c = 0; c < geo.k; c++) {
                r2 += e.re[q * geo.k + c] * e.re[q * geo.k + c] + e.im[q * geo.k + c] * e.im[q * geo.k + c];
            }
            s += l.sig2[q] * r2 - 2 * (e.re[q * geo.k + q] * l.sig1Re[q] + e.im[q * geo.k + q] * l.sig1Im[q]);
        }
        for (int j = 0; j < geo.jn; j++) {
            double r2 = 0, cross = 0;
            for (int c = 0; c < geo.k; c++) {
                int i = (geo.k + j) * geo.k + c;
                r2 += e.re[i] * e.re[i] + e.im[i] * e.im[i];
                if (j < geo.mt) {
                    cross += e.re[i] * l.xcRe[j * geo.k + c] + e.im[i] * l.xcIm[j * geo.k + c];
                }
            }
            s += l.y[j] * r2 - 2 * cross;
        }
        return s;
    }
}
