package org.isac.solver.hybrid;

import org.isac.solver.hybrid.WidebandJcasObjective.Sensing;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;

/**
 * The modified projected gradient ascent of seed 000 Section III-B ({@link HybridPga}) for
 * the wideband objective of {@link WidebandJcasObjective}: max (1/S)Σ_s R_s − ω·τ_wb over one
 * shared analog F (|[F]_nm| = 1) and S basebands W_s, subject to ‖F W_s‖²_F = P_t in every
 * subband (the per-subband transmit power). One outer iteration i:
 * <ol>
 *   <li>J inner steps F̂ ← F̂ + μ(i, j)·∇_F J at (F̂, W_0…W_{S−1}) (eqs. (23a)–(23c) with the
 *   band-averaged F gradient of {@link WidebandJcasObjective#ascentF});</li>
 *   <li>unit-modulus projection of F (eq. (10));</li>
 *   <li>for every s: W_s ← W_s + λ(i)·S·(∇_{W_s}[(1/S)Σ_t R_t] − ωη·∇_{W_s}τ_wb) at
 *   (F_{i+1}, W_{0…S−1,i}) (eq. (24)); the factor S cancels the 1/S that every W_s gradient
 *   carries, so λ keeps its narrowband meaning: with identical subbands the iterates equal
 *   {@link HybridPga}'s for every S;</li>
 *   <li>power projection W_s ← √P_t·W_s / ‖F W_s‖_F for every s (eq. (12) with the √P_t fix of
 *   docs/REFERENCE-SETUPS.md).</li>
 * </ol>
 * With S = 1 this is {@link HybridPga} without inner rescaling (its default); the authors'
 * inner rescaling of F is not offered here (with S subbands it has no single natural target).
 *
 * <p>A workspace: after {@link #prepare} and one run at a size, nothing allocates. The
 * problem's arrays are referenced, not copied. Not thread-safe.
 */
public final class WidebandPga {
    private final WidebandJcasObjective objective = new WidebandJcasObjective();
    private final HybridInitializer initializer = new HybridInitializer();
    private final CMatrix f = new CMatrix();
    private CMatrix[] w = new CMatrix[0];
    private CMatrix[] gradW = new CMatrix[0];
    private final CMatrix gradF = new CMatrix();
    private final CMatrix x = new CMatrix();
    private CMatrix[] h;
    private int subbands;
    private double pt;
    private int m;
    private double omega;
    private double eta;
    private PgaSteps steps;
    private boolean freezeAnalog;
    private FastKernels kernels = FastKernels.get();

    /**
     * Binds a problem with a common Ψ (no beam squint): channels H_s (N × K each), noise
     * σ²_{s,k} = {@code noise[s][k]}, per-subband power P_t, M RF chains and Ψ (N × N, at
     * power P_t). Keeps references.
     */
    public void prepare(CMatrix[] channels, double[][] noise, double powerW, int rfChains, CMatrix psi) {
        check(channels, powerW, rfChains);
        objective.bind(channels, noise, psi);
        bindIterate(channels, powerW, rfChains);
    }

    /**
     * Binds a problem with one Ψ_s per subband (beam squint); needs
     * {@link Sensing#PER_SUBBAND} ({@link #setSensing}). Keeps references.
     */
    public void prepare(CMatrix[] channels, double[][] noise, double powerW, int rfChains, CMatrix[] psis) {
        check(channels, powerW, rfChains);
        objective.bind(channels, noise, psis);
        bindIterate(channels, powerW, rfChains);
    }

    private static void check(CMatrix[] channels, double powerW, int rfChains) {
        if (channels.length < 1) {
            throw new IllegalArgumentException("need at least one subband");
        }
        int n = channels[0].rows(), k = channels[0].cols();
        if (rfChains < k || rfChains > n) {
            throw new IllegalArgumentException("hybrid PGA needs K <= M <= N, got K=" + k + " M=" + rfChains + " N=" + n);
        }
        if (!(powerW > 0) || !Double.isFinite(powerW)) {
            throw new IllegalArgumentException("power budget must be finite and > 0 W, got " + powerW);
        }
    }

    private void bindIterate(CMatrix[] channels, double powerW, int rfChains) {
        int count = channels.length;
        if (w.length != count) {
            CMatrix[] nw = new CMatrix[count], ng = new CMatrix[count];
            for (int s = 0; s < count; s++) {
                nw[s] = s < w.length ? w[s] : new CMatrix();
                ng[s] = s < gradW.length ? gradW[s] : new CMatrix();
            }
            w = nw;
            gradW = ng;
        }
        this.h = channels;
        this.subbands = count;
        this.pt = powerW;
        this.m = rfChains;
    }

    /** The sensing term τ_wb (default {@link Sensing#BAND_AVERAGED}). */
    public void setSensing(Sensing sensing) {
        objective.setSensing(sensing);
    }

    /** The products' implementation, here and in the objective. */
    public void useKernels(FastKernels kernels) {
        this.kernels = kernels;
        objective.useKernels(kernels);
    }

    /** Sets ω (weight of τ_wb) and η (weight of ∇_W τ_wb, eq. (24)). */
    public void setWeights(double omega, double eta) {
        this.omega = omega;
        this.eta = eta;
    }

    /**
     * With {@code true}, {@link #outerIteration} skips the F steps and the unit-modulus
     * projection: only the W_s steps (24) and power projections (12) run, for a fixed F (the
     * "F from one subband" baseline). Default false.
     */
    public void setFreezeAnalog(boolean freeze) {
        this.freezeAnalog = freeze;
    }

    /** The step sizes μ(i, j), λ(i) (referenced, not copied). */
    public void setSteps(PgaSteps steps) {
        this.steps = steps;
    }

    /** The transmit ULA's element spacing in wavelengths, for the start's target columns (default 0.5). */
    public void setSpacing(double wavelengths) {
        initializer.setSpacing(wavelengths);
    }

    /**
     * A start from one subband: the initial (F₀, W₀) of {@code kind} ({@link HybridInitializer},
     * e.g. eq. (26)) for the channel of subband {@code reference} (the carrier), and W_s = W₀
     * for every s rescaled to ‖F₀W_s‖²_F = P_t (already true for W₀). (Fitting each W_s to its
     * own channel by eq. (26)'s baseband rule, pinv(F₀)·H_s(H_sᴴH_s)⁻¹, was tried: at N = 64,
     * S = 8, 800 MHz it ends 10 layers of the narrowband steps lower, 9.50 against 10.95.)
     */
    public void initialize(int kind, int reference, double[] targetsRad, int targetCount, long seed) {
        initializer.initialize(kind, h[reference], pt, m, targetsRad, targetCount, seed, f, w[0]);
        for (int s = 1; s < subbands; s++) {
            w[s].copyFrom(w[0]);
        }
    }

    /** Sets the iterate to copies of {@code f0} (N × M) and {@code w0[s]} (M × K each). */
    public void start(CMatrix f0, CMatrix[] w0) {
        if (w0.length != subbands) {
            throw new IllegalArgumentException(w0.length + " basebands for " + subbands + " subbands");
        }
        f.copyFrom(f0);
        for (int s = 0; s < subbands; s++) {
            w[s].copyFrom(w0[s]);
        }
    }

    /**
     * Runs outer iteration {@code i} (0 ≤ i < steps.outer()) on the iterate: eqs. (23a)–(23c),
     * (10), (24), (12) as listed above. Modifies {@link #analog()} and every {@link #baseband(int)}.
     */
    public void outerIteration(int i) {
        if (!freezeAnalog) {
            int inner = steps.inner();
            for (int j = 0; j < inner; j++) {
                objective.ascentF(f, w, omega, gradF);
                Kernels.addScaled(f, steps.mu(i, j), gradF);
            }
            Kernels.projectUnitModulus(f);
        }
        objective.ascentW(f, w, omega, eta, gradW);
        double lambda = steps.lambda(i) * subbands;
        for (int s = 0; s < subbands; s++) {
            Kernels.addScaled(w[s], lambda, gradW[s]);
        }
        normalizePower();
    }

    /** W_s ← √P_t·W_s / ‖F W_s‖_F for every s (eq. (12)). */
    public void normalizePower() {
        for (int s = 0; s < subbands; s++) {
            kernels.mul(f, w[s], x);
            w[s].scale(Math.sqrt(pt / x.frobeniusNorm2()));
        }
    }

    /** Runs all outer iterations; {@code trace} as in {@link #run(int, double[])}. */
    public void run(double[] trace) {
        run(steps.outer(), trace);
    }

    /**
     * Runs the first {@code layers} outer iterations; when {@code trace} is not null, writes
     * J at the start to trace[0] and after outer iteration i to trace[i+1].
     */
    public void run(int layers, double[] trace) {
        if (layers < 0 || layers > steps.outer()) {
            throw new IllegalArgumentException("layers " + layers + " outside 0.." + steps.outer());
        }
        if (trace != null) {
            trace[0] = objective();
        }
        for (int i = 0; i < layers; i++) {
            outerIteration(i);
            if (trace != null) {
                trace[i + 1] = objective();
            }
        }
    }

    /** J = (1/S)Σ_s R_s − ω·τ_wb at the iterate. */
    public double objective() {
        return objective.objective(f, w, omega);
    }

    /** Mean sum rate (1/S)Σ_s R_s (bits/s/Hz) at the iterate. */
    public double sumRateBits() {
        return objective.sumRateBits(f, w);
    }

    /** τ_wb at the iterate. */
    public double tau() {
        return objective.tau(f, w);
    }

    /** The iterate's F (N × M): live view, valid until the next call. */
    public CMatrix analog() {
        return f;
    }

    /** The iterate's W_s (M × K): live view, valid until the next call. */
    public CMatrix baseband(int subband) {
        if (subband < 0 || subband >= subbands) {
            throw new IndexOutOfBoundsException("subband " + subband + " outside 0.." + (subbands - 1));
        }
        return w[subband];
    }

    /** ‖F W_s‖²_F of the iterate. Flops: 8NMK. */
    public double power(int subband) {
        kernels.mul(f, baseband(subband), x);
        return x.frobeniusNorm2();
    }

    public int subbands() {
        return subbands;
    }
}
