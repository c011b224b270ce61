package org.isac.solver.digital;

import org.isac.solver.IsacParams;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;

/**
 * Max-min fairness JCAS beamforming of seed 002: maximises
 * h(W, F) = min_k ln(1 + SINR_k) + δ·min_m ln(1 + SCNR_m) (problem (6), nats) over the
 * transmit precoder W (N_t × K, per-antenna power P_t/N_t) and the radar receive filters
 * F (N_r × M), by the alternating optimisation of {@link MaxMinAo}. Three step rules:
 * <ul>
 *   <li>{@code maxmin-uao}: the unfolded AO (Algorithm 1) with learned steps β_{ℓ,i} and
 *       smoothing factors μ_c, μ_s from a {@link MaxMinModel} (the shipped one by default);
 *       every layer is feasible, so {@code layers} below the model's count is an anytime cut;</li>
 *   <li>{@code maxmin-ao}: the same AO with one fixed β ("Fixed β" of Sec. IV);</li>
 *   <li>{@code maxmin-ao-bt}: the same AO with Armijo backtracking on g(W) ("Dynamic β").</li>
 * </ul>
 *
 * <p>Parameters ({@link Problem#params}): {@code delta} δ (1), {@code radar_noise_w} σ_s²
 * (mean user noise), {@code per_antenna_power} (1 = seed 002's set S; 0 = ‖W‖²_F = P_t);
 * unfolded: {@code layers} (the model's L_out), {@code repeats} I_w (the model's);
 * baselines: {@code max_iter} outer iterations (150), {@code inner_steps} W steps per
 * outer iteration (6, the unfolded model's L_in·I_w), {@code step} β relative to √P_t
 * (0.001, the paper's 0.01 at P_t = 100) or the first backtracking trial (0.1), {@code mu}
 * μ_c = μ_s (10), {@code tol} (0 = run every iteration; else stop when h changes by less
 * than tol·|h|). Targets are {@link Problem#targets}, clutter {@link Problem#clutter}, each
 * an echo channel α·a_r·a_tᴴ on {@link Problem#rx} / {@link Problem#tx}.
 *
 * <p>Output: {@code baseband} = W (N_t × K), {@code receive} = F (N_r × M, unit-norm
 * columns); predicted {@code objective_nats}, {@code min_rate_nats},
 * {@code min_sensing_nats} (min ln(1 + SCNR)), {@code min_sinr_db}, {@code min_scnr_db};
 * {@code iterations} = outer layers run; {@code earlyStop} when {@code tol} or
 * {@code layers} cut the run short. Allocation-free after the first solve at a size.
 */
public final class MaxMinSolver implements Solver {
    /** Which step rule. */
    public enum Kind { UNFOLDED, FIXED, BACKTRACKING }

    private final Kind kind;
    private final MaxMinModel model;
    private final MaxMinAo ao = new MaxMinAo();
    private final double[] stepBuf = new double[1];
    private double[] scratch = new double[0];

    /** A baseline ({@link Kind#FIXED} or {@link Kind#BACKTRACKING}). */
    public MaxMinSolver(Kind kind) {
        this(kind, null);
    }

    /** @param model learned parameters for {@link Kind#UNFOLDED} (ignored by the baselines) */
    public MaxMinSolver(Kind kind, MaxMinModel model) {
        if (kind == Kind.UNFOLDED && model == null) {
            throw new IllegalArgumentException("maxmin-uao needs a model");
        }
        this.kind = kind;
        this.model = model;
    }

    /** The unfolded solver with the shipped model. */
    public static MaxMinSolver unfolded() {
        return new MaxMinSolver(Kind.UNFOLDED, DefaultModel.MODEL);
    }

    private static final class DefaultModel {
        static final MaxMinModel MODEL = MaxMinModel.loadDefault();
    }

    @Override
    public String name() {
        return switch (kind) {
            case UNFOLDED -> "maxmin-uao";
            case FIXED -> "maxmin-ao";
            case BACKTRACKING -> "maxmin-ao-bt";
        };
    }

    public MaxMinModel model() {
        return model;
    }

    /** The AO core, for objective traces ({@link MaxMinAo#traceObjective}). */
    public MaxMinAo core() {
        return ao;
    }

    @Override
    public void solve(Problem p, Precoder out) {
        out.reset();
        double delta = IsacParams.delta(p);
        double radarNoise = IsacParams.radarNoiseW(p);
        boolean perAntenna = IsacParams.perAntennaPower(p, true);
        int planned = kind == Kind.UNFOLDED ? (int) p.params.get("layers", model.outer()) : (int) p.params.get("max_iter", 150);
        if (!pacer.begin(p, org.isac.solver.LayerPacer.shapeKey(p.antennas(), p.users(), p.targets.count(), planned), out,
                planned)) {
            return;
        }
        ao.setUp(p, delta, radarNoise, perAntenna);
        ao.initialize();
        int run;
        if (kind == Kind.UNFOLDED) {
            int repeats = (int) p.params.get("repeats", model.repeats());
            if (planned < 0 || planned > model.outer() || repeats < 1) {
                throw new IllegalArgumentException(name() + ": layers must be in 0…" + model.outer() + " and repeats >= 1, got "
                        + planned + ", " + repeats);
            }
            run = ao.run(MaxMinAo.StepRule.SCHEDULE, planned, model.inner(), repeats, modelSteps(), model.muC(), model.muS(), 0,
                    pacer);
        } else {
            int inner = (int) p.params.get("inner_steps", 6);
            double step = p.params.get("step", kind == Kind.FIXED ? 0.001 : 0.1);
            double mu = p.params.get("mu", 10);
            double tol = p.params.get("tol", 0);
            if (planned < 0 || inner < 1 || !(step > 0) || !(mu > 0) || !(tol >= 0)) {
                throw new IllegalArgumentException(name() + ": need max_iter >= 0, inner_steps >= 1, step > 0, mu > 0, tol >= 0");
            }
            stepBuf[0] = step;
            run = ao.run(kind == Kind.FIXED ? MaxMinAo.StepRule.FIXED : MaxMinAo.StepRule.BACKTRACKING, planned, inner, 1, stepBuf,
                    mu, mu, tol, pacer);
        }
        ao.precoder(out.baseband);
        ao.receiveFilters(out.receive);
        out.iterations = run;
        out.earlyStop = run < planned || (kind == Kind.UNFOLDED && planned < model.outer());
        out.deadlineStop = ao.pacerStop;
        int n = Math.max(ao.users(), ao.targets());
        if (scratch.length < n) {
            scratch = new double[n];
        }
        out.predicted.put("objective_nats", ao.objective());
        out.predicted.put("min_rate_nats", ao.minRate());
        out.predicted.put("min_sensing_nats", ao.minSensing());
        ao.sinr(scratch);
        out.predicted.put("min_sinr_db", 10 * Math.log10(min(scratch, ao.users())));
        ao.scnr(scratch);
        out.predicted.put("min_scnr_db", 10 * Math.log10(min(scratch, ao.targets())));
        pacer.finished();
    }

    private double[] stepsCache;
    private final org.isac.solver.LayerPacer pacer = new org.isac.solver.LayerPacer();

    private double[] modelSteps() {
        if (stepsCache == null) {
            stepsCache = model.steps();
        }
        return stepsCache;
    }

    private static double min(double[] v, int n) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.min(m, v[i]);
        }
        return m;
    }
}
