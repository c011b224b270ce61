package org.isac.solver.hybrid;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;

/**
 * The modified projected gradient ascent of seed 000 Section III-B (Algorithm 1 with given
 * step sizes) for max R − ω·τ subject to |[F]_nm| = 1 and ‖FW‖²_F = P_t. One outer
 * iteration i:
 * <ol>
 *   <li>J inner steps F̂ ← F̂ + μ(i, j)·(∇_F R − ω∇_F τ) at (F̂, W_i) (eqs. (23a)–(23c));</li>
 *   <li>unit-modulus projection of F (eq. (10));</li>
 *   <li>W ← W + λ(i)·(∇_W R − ωη∇_W τ) at (F_{i+1}, W_i) (eq. (24));</li>
 *   <li>power projection W ← √P_t·W / ‖FW‖_F (eq. (12) with the √P_t fix of docs/REFERENCE-SETUPS.md).</li>
 * </ol>
 * With {@link #setRescaleInner(boolean) rescaleInner}, F is additionally rescaled so that
 * ‖F̂W‖²_F = P_t after every inner step, as the authors' implementation does (docs/REFERENCE-SETUPS.md);
 * the default follows the paper's text (no inner rescaling). ω = 0 gives seed 001's
 * sum-rate-only unfolded PGA (without training).
 *
 * <p>Shapes: H is N × K, F is N × M, W is M × K, Ψ is N × N. Flops per outer iteration:
 * J·(≈ 8N²K + 24NMK + 24NK² + 8MK² + 4NM) for the F steps, ≈ 8N²K + 32NMK + 16NK² for the W
 * step, plus N·M hypot for the projection: ≈ J·172 kflop + 180 kflop at N = 64, M = K = 4.
 *
 * <p>A workspace: after {@link #prepare} and one run at a size, nothing allocates. The
 * problem's arrays are referenced, not copied. Not thread-safe.
 */
public final class HybridPga {
    private final JcasObjective objective = new JcasObjective();
    private final HybridInitializer initializer = new HybridInitializer();
    private final CMatrix f = new CMatrix();
    private final CMatrix w = new CMatrix();
    private final CMatrix gradF = new CMatrix();
    private final CMatrix gradW = new CMatrix();
    private final CMatrix x = new CMatrix();
    private CMatrix h;
    private double pt;
    private int m;
    private double omega;
    private double eta;
    private boolean rescaleInner;
    private PgaSteps steps;
    private FastKernels kernels = FastKernels.get();

    /**
     * Counted real flops of one solve as the solvers run it: the eq. (26) init, {@code layers}
     * outer iterations of {@code inner} F steps and one W step, and the final R and τ
     * evaluation. A complex multiply-add counts 8, a complex add 2, a real-by-complex scaling 2;
     * a square root or division counts 1. Only the products that the code performs are counted
     * (e.g. Ψ·X is the full 8·N²·K: Ψ is dense). At N = 64, M = K = 4 one F step is 185 088 flops (Ψ·X: 131 072).
     */
    public static double flops(int n, int k, int m, int layers, int inner, boolean rescaleInner) {
        double nn = n, kk = k, mm = m;
        double rate = 8 * nn * mm * kk + 8 * kk * mm * kk + 12 * kk * kk;          // g = HᴴF, Z = gW, T, U, D
        double tau = 8 * nn * mm * kk + 8 * nn * kk * kk + 8 * nn * nn * kk         // X = FW, XᴴX, Ψ·X
                + 8 * nn * kk * kk + 2 * nn * kk + 4 * kk * kk + 4 * nn * kk;       // X·XᴴX, −Ψ·X, ‖XᴴX‖², Re⟨X, ΨX⟩
        double stepF = rate + tau + 8 * nn * kk * kk + 6 * nn * kk + 8 * nn * kk * mm + 4 * nn * mm; // H·D, combine, ·Wᴴ, F += μG
        if (rescaleInner) {
            stepF += 8 * nn * mm * kk + 4 * nn * kk + 2 * nn * mm + 2;
        }
        double stepW = rate + tau + 8 * mm * kk * kk + 8 * mm * nn * kk + 6 * mm * kk + 4 * mm * kk; // gᴴD, Fᴴ·EX, combine, W += λG
        double projections = 6 * nn * mm + 8 * nn * mm * kk + 4 * nn * kk + 2 * mm * kk + 2; // eq. (10), ‖FW‖², W scaling
        double init = 16 * nn * kk * kk + 8 * nn * mm * mm + 8 * nn * mm * kk + 6 * nn * mm
                + 8 * (mm * mm * mm + kk * kk * kk);
        return init + layers * (inner * stepF + stepW + projections) + rate + tau;
    }

    /**
     * Binds a problem: channel H (N × K), noise σ²_k, power P_t, M RF chains and Ψ (N × N,
     * already at power P_t). Keeps references. Flops: 4·N².
     */
    public void prepare(CMatrix channel, double[] noise, double powerW, int rfChains, CMatrix psi) {
        prepare(channel, noise, powerW, rfChains, psi, -1);
    }

    /**
     * As {@link #prepare(CMatrix, double[], double, int, CMatrix)}, with Ψ's version
     * ({@link PsiCache#version()}; −1 when unknown) so that an unchanged Ψ costs nothing.
     */
    public void prepare(CMatrix channel, double[] noise, double powerW, int rfChains, CMatrix psi, long psiVersion) {
        int n = channel.rows(), k = channel.cols();
        if (rfChains < k || rfChains > n) {
            throw new IllegalArgumentException("hybrid PGA needs K <= M <= N, got K=" + k + " M=" + rfChains + " N=" + n);
        }
        if (!(powerW > 0) || !Double.isFinite(powerW)) {
            throw new IllegalArgumentException("power budget must be finite and > 0 W, got " + powerW);
        }
        this.h = channel;
        this.pt = powerW;
        this.m = rfChains;
        objective.bind(channel, noise, psi, psiVersion);
    }

    /**
     * The products' implementation, here and in the objective ({@link FastKernels#get()} by
     * default; tests pass {@link FastKernels#scalar()} as the oracle).
     */
    public void useKernels(FastKernels kernels) {
        this.kernels = kernels;
        objective.useKernels(kernels);
    }

    /** Sets ω (weight of τ, eq. (8a)) and η (weight of ∇_W τ, eq. (24)). */
    public void setWeights(double omega, double eta) {
        this.omega = omega;
        this.eta = eta;
    }

    /** The step sizes μ(i, j), λ(i) (referenced, not copied). */
    public void setSteps(PgaSteps steps) {
        this.steps = steps;
    }

    /** Authors' variant: rescale F to ‖FW‖²_F = P_t after every inner step. */
    public void setRescaleInner(boolean rescaleInner) {
        this.rescaleInner = rescaleInner;
    }

    /** The transmit ULA's element spacing in wavelengths, for the target columns of the start (default 0.5). */
    public void setSpacing(double wavelengths) {
        initializer.setSpacing(wavelengths);
    }

    /**
     * Writes the initial (F₀, W₀) of {@code kind} ({@link HybridInitializer}) into the
     * iterate. Flops: see {@link HybridInitializer}.
     */
    public void initialize(int kind, double[] targetsRad, int targetCount, long seed) {
        initializer.initialize(kind, h, pt, m, targetsRad, targetCount, seed, f, w);
    }

    /** Sets the iterate to copies of {@code f0} (N × M) and {@code w0} (M × K). */
    public void start(CMatrix f0, CMatrix w0) {
        f.copyFrom(f0);
        w.copyFrom(w0);
    }

    /**
     * Runs outer iteration {@code i} (0 ≤ i < steps.outer()) on the iterate: eqs. (23a)–(23c),
     * (10), (24), (12). Modifies {@link #analog()} and {@link #baseband()}.
     */
    public void outerIteration(int i) {
        int inner = steps.inner();
        for (int j = 0; j < inner; j++) {
            objective.ascentF(f, w, omega, gradF);
            Kernels.addScaled(f, steps.mu(i, j), gradF);
            if (rescaleInner) {
                kernels.mul(f, w, x);
                f.scale(Math.sqrt(pt / x.frobeniusNorm2()));
            }
        }
        Kernels.projectUnitModulus(f);
        objective.ascentW(f, w, omega, eta, gradW);
        Kernels.addScaled(w, steps.lambda(i), gradW);
        kernels.mul(f, w, x);
        w.scale(Math.sqrt(pt / x.frobeniusNorm2()));
    }

    /**
     * Runs all outer iterations; when {@code trace} is not null, writes the objective R − ω·τ
     * of the initial point to trace[0] and after outer iteration i to trace[i+1] (costs one
     * extra objective evaluation per outer iteration).
     */
    public void run(double[] trace) {
        run(steps.outer(), trace);
    }

    /**
     * Runs the first {@code layers} outer iterations (0 ≤ layers ≤ steps.outer()): the
     * unfolded model is feasible after every layer, so a shorter run is a valid answer.
     * {@code trace} as in {@link #run(double[])}.
     */
    public void run(int layers, double[] trace) {
        if (layers < 0 || layers > steps.outer()) {
            throw new IllegalArgumentException("layers " + layers + " outside 0.." + steps.outer());
        }
        int outer = layers;
        if (trace != null) {
            trace[0] = objective();
        }
        for (int i = 0; i < outer; i++) {
            outerIteration(i);
            if (trace != null) {
                trace[i + 1] = objective();
            }
        }
    }

    /** R − ω·τ at the iterate. Flops: ≈ 8N²K + 16NMK + 16NK². */
    public double objective() {
        return objective.objective(f, w, omega);
    }

    /** R (bits/s/Hz) at the iterate. */
    public double sumRateBits() {
        return objective.sumRateBits(f, w);
    }

    /** τ at the iterate. */
    public double tau() {
        return objective.tau(f, w);
    }

    /** The iterate's F (N × M): live view, valid until the next call. */
    public CMatrix analog() {
        return f;
    }

    /** The iterate's W (M × K): live view, valid until the next call. */
    public CMatrix baseband() {
        return w;
    }

    /**
     * Projects the iterate onto the constraints again, in double: eq. (10) on F, then the
     * power projection (12) on W. For an iterate computed elsewhere and written back through
     * {@link #analog()} / {@link #baseband()} (the single-precision {@link FloatPga}).
     * Flops: ≈ 6NM + 8NMK + 4NK + 2MK.
     */
    public void restoreFeasibility() {
        Kernels.projectUnitModulus(f);
        kernels.mul(f, w, x);
        w.scale(Math.sqrt(pt / x.frobeniusNorm2()));
    }

    /** ‖FW‖²_F of the iterate. Flops: 8NMK. */
    public double power() {
        kernels.mul(f, w, x);
        return x.frobeniusNorm2();
    }

    public double omega() {
        return omega;
    }

    public double eta() {
        return eta;
    }
}
