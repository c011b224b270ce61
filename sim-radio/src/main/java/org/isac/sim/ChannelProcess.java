package org.isac.sim;

import java.nio.file.Path;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.isac.solver.channel.ChannelModel;
import org.isac.solver.channel.Fading;
import org.isac.solver.channel.WidebandSalehValenzuela;
import org.isac.solver.linalg.CMatrix;

/**
 * The true channel H(t) of one radio (or, with {@code channel=trace}, a recorded sequence played
 * back at its recorded rhythm: {@link #ChannelProcess(ChannelTrace, long)}).
 *
 * <p>The true channel H(t) of one radio (N × K, column k = h_k), advanced in fixed time steps
 * of {@code stepNs} nanoseconds, each one Gauss–Markov step h ← ρ·h + √(1−ρ²)·e of the
 * model ({@link ChannelModel#evolve}) with ρ = J0(2π·f_D·Δt) for the step Δt. The channel at
 * any instant is the process evolved by the whole steps up to that instant
 * ({@link #advanceTo}). The n steps elapsed since the last call are applied as one
 * Gauss–Markov step with ρⁿ, which has the same correlation (ρⁿ) and stationary covariance
 * as n single steps (the same law when the innovations are Gaussian, as for the Rician
 * scattered part; for Saleh–Valenzuela the innovation is one draw instead of a sum of n),
 * and costs one model draw per call however long the gap: the radio never falls behind
 * its own clock. With ρ = 1 the channel is frozen and no randomness is drawn.
 *
 * <p>CSI is produced by {@link #estimate}: Ĥ = √(1−μ²)·H + μ·E (see {@link Fading#estimate}),
 * from a random stream separate from the channel's own, so the true channel does not
 * depend on how many estimates were taken.
 *
 * <p><b>Wideband</b> ({@link #ChannelProcess(WidebandSalehValenzuela, double, long, long)}): S
 * channels H_s(t), one per subband, evolved together: every step mixes each H_s with the same
 * subband of one fresh wideband draw E_s, H_s ← ρ·H_s + √(1−ρ²)·E_s. Because (E_0…E_{S−1}) is one
 * joint draw of the frequency-selective model, the process keeps the model's correlation across
 * subbands as well as its covariance per subband; with S = 1 it is the narrowband process of the
 * same paths. Subband 0 is {@link #channel()}.
 *
 * <p>Single-threaded (the radio's event loop); allocation-free after construction.
 */
public final class ChannelProcess {
    /** Below this |ρⁿ| a gap is bridged by an independent draw (ρⁿ treated as 0). */
    private static final double FRESH_DRAW_CORRELATION = 1e-9;

    private final ChannelModel model;
    /** When not null, the true channel is this wideband model's S subbands. */
    private final WidebandSalehValenzuela wideband;
    private final CMatrix[] hs;
    private final CMatrix[] fresh;
    /** When not null, the true channel is this recorded sequence instead of {@link #model}. */
    private final ChannelTrace trace;
    private long startNs;
    private int traceIndex;
    private final double rho;
    private final long stepNs;
    private final RandomGenerator channelRng;
    private final RandomGenerator estimateRng;
    private final CMatrix h;
    private final CMatrix scratch;
    private long timeNs;
    private long steps;
    private boolean started;

    /**
     * @param model the channel model (owned by this process from now on)
     * @param rho Gauss–Markov correlation per step, in [−1, 1]
     * @param stepNs step length in ns (> 0)
     * @param seed seeds the channel and estimation streams
     */
    public ChannelProcess(ChannelModel model, double rho, long stepNs, long seed) {
        this(model, null, rho, stepNs, seed);
    }

    /**
     * A wideband process: S subband channels of {@code model}, evolved jointly (see the class
     * comment); arguments otherwise as the narrowband constructor.
     */
    public ChannelProcess(WidebandSalehValenzuela model, double rho, long stepNs, long seed) {
        this(null, model, rho, stepNs, seed);
    }

    /** Exactly one of {@code model} (narrowband) and {@code wideband} is not null. */
    private ChannelProcess(ChannelModel model, WidebandSalehValenzuela wideband, double rho, long stepNs, long seed) {
        if (!(rho >= -1 && rho <= 1)) {
            throw new IllegalArgumentException("Gauss-Markov rho must lie in [-1, 1], got " + rho);
        }
        if (stepNs <= 0) {
            throw new IllegalArgumentException("channel step must be > 0 ns, got " + stepNs);
        }
        this.model = model;
        this.wideband = wideband;
        this.trace = null;
        this.rho = rho;
        this.stepNs = stepNs;
        SplittableRandom root = new SplittableRandom(seed);
        this.channelRng = root.split();
        this.estimateRng = root.split();
        int s = wideband == null ? 1 : wideband.subbands();
        int n = wideband == null ? model.antennas() : wideband.antennas();
        int k = wideband == null ? model.users() : wideband.users();
        this.hs = new CMatrix[s];
        for (int b = 0; b < s; b++) {
            hs[b] = new CMatrix(n, k);
        }
        this.h = hs[0];
        this.scratch = wideband == null ? new CMatrix(n, k) : null;
        this.fresh = wideband == null ? null : new CMatrix[s];
        for (int b = 0; wideband != null && b < s; b++) {
            fresh[b] = new CMatrix(n, k);
        }
    }

    /**
     * A process whose true channel is a recorded sequence, sample and hold at the recorded times,
     * looping ({@link ChannelTrace}); {@code seed} seeds the CSI estimation error.
     */
    public ChannelProcess(ChannelTrace trace, long seed) {
        this.model = null;
        this.wideband = null;
        this.hs = null;
        this.fresh = null;
        this.trace = trace;
        this.rho = 1.0;
        this.stepNs = 1;
        SplittableRandom root = new SplittableRandom(seed);
        this.channelRng = root.split();
        this.estimateRng = root.split();
        this.h = new CMatrix(trace.antennas(), trace.users());
        this.scratch = new CMatrix(trace.antennas(), trace.users());
    }



    /**
     * The process a scenario describes: its model, ρ per step, step length and seed; or, with
     * {@code channel=trace}, the recorded channels of {@code trace} / {@code traceRadio}, which
     * must have the scenario's antennas × users.
     */
    public static ChannelProcess of(Scenario s) {
        if (s.channel().equals("trace")) {
            ChannelTrace t;
            try {
                t = ChannelTrace.load(Path.of(s.trace()), s.traceRadio());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("channel=trace: " + e.getMessage(), e);
            }
            if (t.antennas() != s.antennas() || t.users() != s.users()) {
                throw new IllegalArgumentException("channel=trace: radio '" + t.radioId() + "' of " + s.trace() + " reported "
                        + t.antennas() + " x " + t.users() + " channels; the scenario has antennas=" + s.antennas() + " users="
                        + s.users() + " (set --antennas " + t.antennas() + " --users " + t.users() + ")");
            }
            return new ChannelProcess(t, s.seed());
        }
        if (s.subbands() > 1) {
            return new ChannelProcess(s.newWidebandModel(), s.rhoPerStep(), s.channelStepNs(), s.seed());
        }
        return new ChannelProcess(s.newChannelModel(), s.rhoPerStep(), s.channelStepNs(), s.seed());
    }

    /** Draws the geometry and an initial channel, and sets the process time to {@code nowNs}. */
    public void start(long nowNs) {
        if (trace != null) {
            startNs = nowNs;
            traceIndex = 0;
            h.copyFrom(trace.channel(0));
        } else if (wideband != null) {
            wideband.draw(channelRng, hs);
        } else {
            model.relocate(channelRng);
            model.draw(channelRng, h);
        }
        timeNs = nowNs;
        steps = 0;
        started = true;
    }

    /**
     * Evolves the channel by every whole step between its time and {@code nowNs} (no-op when
     * {@code nowNs} is not later). Returns the number of steps taken.
     */
    public long advanceTo(long nowNs) {
        if (!started) {
            start(nowNs);
            return 0;
        }
        if (trace != null) {
            if (nowNs <= timeNs) {
                return 0;
            }
            timeNs = nowNs;
            int i = trace.indexAt(nowNs - startNs);
            if (i == traceIndex) {
                return 0;
            }
            steps++;
            traceIndex = i;
            h.copyFrom(trace.channel(i));
            return 1;
        }
        long elapsed = nowNs - timeNs;
        if (elapsed < stepNs) {
            return 0;
        }
        long n = elapsed / stepNs;
        timeNs += n * stepNs;
        steps += n;
        if (rho == 1.0) {
            return n;
        }
        // n steps of h <- rho*h + sqrt(1-rho^2)*e compose to one step with rho^n: the same
        // correlation rho^n and the same stationary covariance, at the cost of one draw.
        double rhoN = n == 1 ? rho : Math.pow(rho, n);
        if (Math.abs(rhoN) < FRESH_DRAW_CORRELATION) {
            rhoN = 0;
        }
        if (wideband != null) {
            evolveWideband(rhoN);
        } else {
            model.evolve(channelRng, rhoN, h, scratch);
        }
        return n;
    }

    /** H_s ← ρ·H_s + √(1−ρ²)·E_s with one fresh wideband draw (E_0…E_{S−1}). */
    private void evolveWideband(double rhoN) {
        wideband.draw(channelRng, fresh);
        double c = Math.sqrt(Math.max(0, 1 - rhoN * rhoN));
        for (int b = 0; b < hs.length; b++) {
            double[] hr = hs[b].re, hi = hs[b].im, er = fresh[b].re, ei = fresh[b].im;
            for (int i = 0, size = hs[b].size(); i < size; i++) {
                hr[i] = rhoN * hr[i] + c * er[i];
                hi[i] = rhoN * hi[i] + c * ei[i];
            }
        }
    }

    /** Subbands S of the true channel (1 unless the process is wideband). */
    public int subbands() {
        return hs == null ? 1 : hs.length;
    }

    /** The true channel of subband s at {@link #timeNs()}; live workspace, do not modify. */
    public CMatrix channel(int s) {
        if (s == 0) {
            return h;
        }
        java.util.Objects.checkIndex(s, subbands());
        return hs[s];
    }

    /** CSI estimate of subband s's true channel with error μ into {@code out}. */
    public void estimate(int s, double mu, CMatrix out) {
        Fading.estimate(estimateRng, mu, channel(s), out);
    }

    /** The wideband model (null when the process is narrowband). */
    public WidebandSalehValenzuela widebandModel() {
        return wideband;
    }

    /** Advances by exactly one step (for tests and offline runs). */
    public void step() {
        advanceTo(timeNs + stepNs);
    }

    /** The true channel at {@link #timeNs()}; live workspace, do not modify. */
    public CMatrix channel() {
        return h;
    }

    /** CSI estimate of the current true channel with error μ into {@code out} (reshaped to N × K). */
    public void estimate(double mu, CMatrix out) {
        Fading.estimate(estimateRng, mu, h, out);
    }

    /** Time of the current channel, ns (the clock passed to {@link #start}). */
    public long timeNs() {
        return timeNs;
    }

    /** Steps taken since {@link #start}. */
    public long steps() {
        return steps;
    }

    public double rho() {
        return rho;
    }

    public long stepNs() {
        return stepNs;
    }

    public boolean started() {
        return started;
    }
}
