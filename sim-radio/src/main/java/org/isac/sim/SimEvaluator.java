package org.isac.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.IsacParams;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Scatterers;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.hybrid.PsiCache;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.CrlbFim;
import org.isac.solver.metric.Metrics;
import org.isac.solver.metric.Scnr;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * What a {@link SimRadio}'s applied updates achieve. On the radio's event loop, per update:
 * decode the effective precoder X ({@link #decode}: F·W when {@code analog} is non-empty, else
 * the baseband; the decoded hardware frame when one came), then ({@link #apply}) Σ_k log2(1 +
 * SINR_k) on the true channel, the worst SINR and, on a planar array with targets, the CRLB
 * tr(F⁻¹) of seed 004 Lemma 1 with the true target parameters ({@link Extra#CRLB}). Every
 * {@link Scenario#genieEvery()}-th applied update ({@link #sample}) is also scored off the I/O
 * thread by the {@link Scorer}: the genie (the update's solver, built locally by
 * {@link SolverRegistry}, with the scenario's parameters, on the true channel at apply time),
 * digital ZF, τ and the worst SCNR.
 *
 * <p>Threading: everything but the scorer is touched only by the radio's event loop; the
 * scorer's sums are read by {@link #totals()} after it drained. Allocation: none per update
 * after warm-up (the workspaces below are preallocated).
 */
final class SimEvaluator {
    /** How long the report waits for the scorer to finish its last samples. */
    private static final long SCORER_DRAIN_NS = 10_000_000_000L;

    private final Scenario scenario;
    private final int n;
    private final int k;
    private final ArrayShape txShape;
    private final ArrayShape rxShape;
    private final double noiseW;
    private final double[] noise;
    private final CMatrix analog = new CMatrix();
    private final CMatrix baseband = new CMatrix();
    private final CMatrix x;
    /** Effective precoder of the update's float weights (before quantization). */
    private final CMatrix xFloat = new CMatrix();
    private final WeightFrameParser frameParser = new WeightFrameParser();
    private final DecodedFrame frame = new DecodedFrame();
    private final Precoder framePrecoder = new Precoder();
    private final PsiCache psiCache = new PsiCache();
    /** Radar receive filters of the last decoded update (N_r × targets), empty when it carried none. */
    private final CMatrix receive = new CMatrix();
    private final Scnr scnr = new Scnr();
    /** The true targets (angles and gains), as sent in every report. */
    private final Scatterers radarTargets;
    private final Scatterers noClutter = new Scatterers();
    private double[] scnrOut = new double[0];
    /** Fisher information of the true targets; null when the CRLB is not evaluated. */
    private final CrlbFim crlbFim;
    private double[] fimBuf = new double[0];
    private double[] fimInv = new double[0];
    /** L and σ_s² of the CRLB and SCNR: the scenario's {@code frame_length} / {@code radar_noise_w} params or their defaults. */
    private final double frameLength;
    private final double radarNoiseW;
    private final double[] targetsRad;
    private final double[] extraSum = new double[Extra.values().length];
    private final long[] extraCount = new long[Extra.values().length];
    private final CMatrix xGenie;
    private final double[] sinrScratch;
    private final Problem genieProblem = new Problem();
    private final Precoder genieOut = new Precoder();
    private final Precoder zfOut = new Precoder();
    private final Solver zf = SolverRegistry.create("zf");
    private final Map<String, Solver> genieSolvers = new HashMap<>();
    /** Scores sampled updates (genie, ZF, τ, SCNR) on its own thread; made once the fields it reads are set. */
    private final Scorer scorer;
    private long powerViolations;
    private double achievedSum;
    /** Whether the last decoded update was applied from its hardware frame. */
    private boolean appliedFrame;

    // ---- wideband (S > 1): one analog F, a baseband W_s and effective X_s per subband ------
    private final int subbands;
    /** W_s as received (float); {@code basebands[0] == baseband}. */
    private final CMatrix[] basebands;
    /** X_s applied (quantized when from the frame); {@code xs[0] == x}. */
    private final CMatrix[] xs;
    /** X_s of the float weights; {@code xFloats[0] == xFloat}. */
    private final CMatrix[] xFloats;
    /** Σ over applied updates of subband s's sum rate on its true channel, bit/s/Hz. */
    private final double[] subbandRateSum;

    /** Sets up every workspace (and solves Ψ for τ) now, not on the event loop. */
    SimEvaluator(Scenario scenario) {
        this.scenario = scenario;
        this.n = scenario.antennas();
        this.k = scenario.users();
        this.txShape = scenario.txShape();
        this.rxShape = scenario.rxShape();
        this.noiseW = scenario.noisePowerW();
        this.noise = new double[k];
        Arrays.fill(noise, noiseW);
        this.x = new CMatrix(n, k);
        double[] deg = scenario.targetsDeg();
        this.targetsRad = new double[deg.length];
        for (int i = 0; i < deg.length; i++) {
            targetsRad[i] = Math.toRadians(deg[i]);
        }
        this.radarTargets = scenario.targets();
        scnrOut = new double[targetsRad.length];
        if (targetsRad.length > 0 && txShape.vertical() == 1) {
            // solve (or fetch) Ψ now, not on the event loop
            psiCache.update(n, targetsRad, targetsRad.length, DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG, scenario.powerW());
        }
        this.xGenie = new CMatrix(n, k);
        this.sinrScratch = new double[k];
        this.subbands = scenario.subbands();
        this.basebands = new CMatrix[subbands];
        this.xs = new CMatrix[subbands];
        this.xFloats = new CMatrix[subbands];
        basebands[0] = baseband;
        xs[0] = x;
        xFloats[0] = xFloat;
        for (int b = 1; b < subbands; b++) {
            basebands[b] = new CMatrix();
            xs[b] = new CMatrix(n, k);
            xFloats[b] = new CMatrix(n, k);
        }
        this.subbandRateSum = new double[subbands];
        this.scorer = new Scorer();
        genieProblem.setSubbands(subbands);
        for (int b = 0; b < subbands; b++) {
            genieProblem.channel(b).reshape(n, k);
            Arrays.fill(genieProblem.noiseFor(b, k), 0, k, noiseW);
        }
        genieProblem.powerBudgetW = scenario.powerW();
        genieProblem.rfChains = scenario.rfChains();
        genieProblem.tx = txShape;
        genieProblem.rx = rxShape;
        genieProblem.targets.copyFrom(radarTargets);
        for (Map.Entry<String, Double> e : scenario.solverParams().entrySet()) {
            genieProblem.params.put(e.getKey(), e.getValue());
        }
        scorer.narrow.copyFrom(genieProblem);
        scorer.narrow.setSubbands(1);
        this.frameLength = IsacParams.frameLength(genieProblem);
        this.radarNoiseW = IsacParams.radarNoiseW(genieProblem);
        if (radarTargets.count() > 0 && scenario.planarArray()) {
            crlbFim = new CrlbFim();
            crlbFim.setTargets(txShape, rxShape, radarTargets);
            int p = crlbFim.parameters();
            fimBuf = new double[p * p];
            fimInv = new double[p * p];
        } else {
            crlbFim = null;
        }
    }

    /** The true targets (angles and gains), as sent in every report. */
    Scatterers targets() {
        return radarTargets;
    }

    /** Per-user noise power σ², W. */
    double noiseW() {
        return noiseW;
    }

    /** The effective precoder of the last update {@link #decode} accepted (N × K); the evaluator's buffer. */
    CMatrix x() {
        return x;
    }

    /**
     * Measures the update just decoded on the true channel {@code h} at apply time: sum rate,
     * worst SINR, the unquantized sum rate, the CRLB (quantized and not) and a power-budget
     * violation.
     *
     * @return the achieved sum rate, bit/s/Hz
     */
    double apply(CMatrix h) {
        double achieved = Metrics.sumRateBits(h, x, noise, sinrScratch);
        achievedSum += achieved;
        extra(Extra.MIN_SINR_DB, 10 * Math.log10(Metrics.min(sinrScratch, k)));
        if (appliedFrame) {
            extra(Extra.FRAMES_APPLIED, 1);
        }
        extra(Extra.ACHIEVED_UNQUANTIZED_BITS, appliedFrame ? Metrics.sumRateBits(h, xFloat, noise, sinrScratch) : achieved);
        if (crlbFim != null) {
            double c = crlb(x);
            double unquantized = appliedFrame ? crlb(xFloat) : c;
            if (Double.isFinite(c) && Double.isFinite(unquantized)) {
                extra(Extra.CRLB, c);
                extra(Extra.CRLB_UNQUANTIZED, unquantized);
            } else {
                extra(Extra.CRLB_SINGULAR, 1);
            }
        }
        if (x.frobeniusNorm2() > scenario.powerW() * 1.001) {
            powerViolations++;
        }
        return achieved;
    }

    /**
     * The wideband {@link #apply}: each subband's X_s on its true channel H_s at apply time. The
     * achieved rate is the mean over subbands of Σ_k log2(1 + SINR_{s,k}) (bit/s/Hz, as in the
     * band-averaged objective of {@code WidebandJcasObjective}); the worst SINR is the worst over
     * users and subbands; a power violation is any subband over the budget. The CRLB is not
     * evaluated for S &gt; 1.
     *
     * @return the achieved band-mean sum rate, bit/s/Hz
     */
    double applyWideband(ChannelProcess process) {
        double sum = 0, unquantized = 0, minSinr = Double.POSITIVE_INFINITY;
        boolean over = false;
        for (int b = 0; b < subbands; b++) {
            CMatrix h = process.channel(b);
            double r = Metrics.sumRateBits(h, xs[b], noise, sinrScratch);
            subbandRateSum[b] += r;
            sum += r;
            minSinr = Math.min(minSinr, Metrics.min(sinrScratch, k));
            unquantized += appliedFrame ? Metrics.sumRateBits(h, xFloats[b], noise, sinrScratch) : r;
            over |= xs[b].frobeniusNorm2() > scenario.powerW() * 1.001;
        }
        double achieved = sum / subbands;
        achievedSum += achieved;
        extra(Extra.MIN_SINR_DB, 10 * Math.log10(minSinr));
        if (appliedFrame) {
            extra(Extra.FRAMES_APPLIED, 1);
        }
        extra(Extra.ACHIEVED_UNQUANTIZED_BITS, unquantized / subbands);
        if (over) {
            powerViolations++;
        }
        return achieved;
    }

    /** Σ over applied updates of each subband's sum rate (a copy; length S). */
    double[] subbandRateSums() {
        return subbandRateSum.clone();
    }

    /**
     * After the {@code applied}-th applied update: every {@link Scenario#genieEvery()}-th is
     * handed to the scorer with the true channel {@code h} and its achieved sum rate.
     */
    void sample(long applied, String solverName, ChannelProcess process, double achieved) {
        int every = scenario.genieEvery();
        if (every > 0 && applied % every == 0) {
            scorer.offer(solverName, process, achieved);
        }
    }

    /** What the report needs of the evaluation: the sums of the event loop and the scorer's. */
    record Totals(double achievedSum, double achievedAtGenieSum, double genieSum, double zfSum, long genieSamples,
            long zfSamples, long genieFailures, long powerViolations, double[] extraSums, long[] extraCounts,
            double[] subbandRateSums) {
    }

    /** Waits (bounded) for the scorer's last samples, then adds its sums to the event loop's and stops it. */
    Totals totals() {
        scorer.drain(SCORER_DRAIN_NS);
        double[] xs = extraSum.clone();
        long[] xc = extraCount.clone();
        Totals t;
        synchronized (scorer) {
            for (int i = 0; i < xs.length; i++) {
                xs[i] += scorer.sums[i];
                xc[i] += scorer.counts[i];
            }
            t = new Totals(achievedSum, scorer.achievedAtGenie, scorer.genie, scorer.zfRate, scorer.genieN, scorer.zfN,
                    scorer.failures, powerViolations, xs, xc, subbandRateSum.clone());
        }
        xc[Extra.SCORING_SKIPPED.ordinal()] += scorer.skipped;
        scorer.stop();
        return t;
    }

    /**
     * Starts the scorer's thread before the first report (event loop, on the hello's answer) when
     * updates are to be scored: started at the first sample instead, the thread start held up the
     * event loop while the session's first answers arrived (a default demo's second update was
     * read 1.2 ms late).
     */
    void startScorer() {
        if (scenario.genieEvery() > 0) {
            scorer.startThread();
        }
    }

    /** Stops the scorer's thread (if it was started). */
    void stop() {
        scorer.stop();
    }

    /**
     * Scores sampled applied updates off the radio's I/O thread: the genie (same solver, true
     * channel, zero latency), digital ZF, τ and the worst SCNR. The event loop copies what a
     * score needs into one of two samples and hands it over without waiting; when both are
     * taken (the scorer is still busy) the update is not scored and counted as skipped, so the
     * radio's schedule never waits for its own measurements. Its sums live apart from the I/O
     * thread's and are read after {@link #drain}.
     *
     * <p>The hand-over takes no lock: the scorer runs at idle priority, and a lock it held when
     * preempted (a blocking queue's, as before) made the event loop wait until the machine had
     * an idle moment — milliseconds on two busy cores, the simulated radio then applying updates
     * late. Both samples live in {@link #slots}: the event loop takes a free one (CAS), fills
     * it and marks it {@code READY}; the scorer claims a ready one, scores it and frees it.
     */
    private final class Scorer implements Runnable {
        private static final int FREE = 0;
        private static final int FILLING = 1;
        private static final int READY = 2;
        private static final int SCORING = 3;
        private final Sample[] slots = {new Sample(subbands), new Sample(subbands)};
        /** Per slot: FREE → FILLING (event loop) → READY → SCORING (scorer) → FREE. */
        private final java.util.concurrent.atomic.AtomicIntegerArray state = new java.util.concurrent.atomic.AtomicIntegerArray(2);
        /** Hand-over order, so samples are scored oldest first. */
        private final long[] order = new long[2];
        private long handedOver;
        private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
        private final double[] sinr = new double[k];
        /** One subband as a narrowband problem (per-subband genie and ZF). */
        private final Problem narrow = new Problem();
        private final CMatrix stacked = new CMatrix();
        private final double[] sums = new double[Extra.values().length];
        private final long[] counts = new long[Extra.values().length];
        private double achievedAtGenie, genie, zfRate;
        private long genieN, zfN, failures, skipped;
        private volatile Thread thread;
        private volatile boolean draining;

        /** On the event loop: copies the applied update ({@link #x}, {@link #xFloat}, {@link #receive}) and {@code h}. */
        void offer(String solverName, ChannelProcess process, double achieved) {
            int slot = state.compareAndSet(0, FREE, FILLING) ? 0 : state.compareAndSet(1, FREE, FILLING) ? 1 : -1;
            if (slot < 0) {
                skipped++;
                return;
            }
            Sample smp = slots[slot];
            smp.solver = solverName;
            smp.achieved = achieved;
            for (int b = 0; b < subbands; b++) {
                smp.h[b].copyFrom(process.channel(b));
                smp.x[b].copyFrom(xs[b]);
                smp.xFloat[b].copyFrom(xFloats[b]);
            }
            smp.receive.copyFrom(receive);
            busy.incrementAndGet();
            order[slot] = ++handedOver;
            state.set(slot, READY);
            Thread t = thread;
            if (t == null) {
                startThread();
            } else {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }

        /** Starts the scoring thread unless it runs (event loop); it parks until a sample is ready. */
        void startThread() {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("sim-score-" + scenario.radioId()).start(this);
            }
        }

        /** The oldest ready slot, claimed for scoring, or -1. */
        private int claim() {
            boolean r0 = state.get(0) == READY;
            boolean r1 = state.get(1) == READY;
            int first = r0 && r1 ? (order[0] < order[1] ? 0 : 1) : r0 ? 0 : r1 ? 1 : -1;
            if (first >= 0 && state.compareAndSet(first, READY, SCORING)) {
                return first;
            }
            return -1;
        }

        @Override
        public void run() {
            org.isac.proto.sched.SchedPolicy.idle();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    int slot = claim();
                    if (slot < 0) {
                        java.util.concurrent.locks.LockSupport.park(this);
                        continue;
                    }
                    try {
                        long t0 = System.nanoTime();
                        synchronized (this) {
                            score(slots[slot]);
                        }
                        rest(System.nanoTime() - t0);
                    } finally {
                        state.set(slot, FREE);
                        busy.decrementAndGet();
                    }
                }
            } finally {
                busy.set(0);
            }
        }

        /**
         * Genie, ZF, τ and SCNR of one sample. Wideband (S &gt; 1): rates are band means; the
         * genie is the update's solver on the S true channels when it solves wideband problems,
         * or solved subband by subband when it is a digital narrowband solver (a narrowband
         * hybrid solver has no one-F answer for the band: no genie); τ is the error of the
         * band-averaged covariance (1/S)·Σ_s X_sX_sᴴ, computed as eq. (5) of seed 000 on the
         * stacked [X_0 … X_{S−1}]/√S; SCNR uses subband 0.
         */
        private void score(Sample smp) {
            for (int b = 0; b < subbands; b++) {
                genieProblem.channel(b).copyFrom(smp.h[b]);
            }
            Solver g = genieSolvers.get(smp.solver);
            if (g == null && !genieSolvers.containsKey(smp.solver)) {
                g = SolverRegistry.exists(smp.solver) ? SolverRegistry.create(smp.solver) : null;
                genieSolvers.put(smp.solver, g);
            }
            boolean ok = g != null;
            if (ok) {
                try {
                    double rate = subbands == 1 || g.wideband() ? solvedRate(g, smp)
                            : scenario.rfChains() == 0 ? perSubbandRate(g, smp) : Double.NaN;
                    if (Double.isFinite(rate)) {
                        genie += rate;
                        achievedAtGenie += smp.achieved;
                        genieN++;
                    } else {
                        ok = false;
                    }
                } catch (IllegalArgumentException e) {
                    ok = false;
                }
            }
            try {
                double z = perSubbandRate(zf, smp);
                if (Double.isFinite(z)) {
                    zfRate += z;
                    zfN++;
                } else {
                    ok = false;
                }
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            if (!ok) {
                failures++;
            }
            if (targetsRad.length > 0) {
                if (txShape.vertical() == 1) {
                    // τ against the benchmark covariance Ψ of the scenario's targets (seed 000 eqs. (5), (6)), ULA only
                    CMatrix psi = psiCache.update(n, targetsRad, targetsRad.length, DesiredBeampattern.AUTHORS_HALF_WIDTH_DEG,
                            scenario.powerW());
                    add(Extra.TAU, Metrics.beampatternError(bandStack(smp.x), psi));
                    add(Extra.TAU_UNQUANTIZED, Metrics.beampatternError(bandStack(smp.xFloat), psi));
                }
                if (smp.receive.rows() == rxShape.size() && smp.receive.cols() == targetsRad.length) {
                    // seed 002 eq. (5) with the update's receive filters on the true targets
                    scnr.scnr(txShape, rxShape, radarTargets, noClutter, smp.x[0], smp.receive, radarNoiseW, scnrOut);
                    add(Extra.MIN_SCNR_DB, 10 * Math.log10(Metrics.min(scnrOut, scnrOut.length)));
                }
            }
        }

        /** One solve of {@link #genieProblem} (all subbands), band-mean sum rate on the sample's channels. */
        private double solvedRate(Solver g, Sample smp) {
            g.solve(genieProblem, genieOut);
            if (genieOut.subbands() != subbands) {
                return Double.NaN;
            }
            double sum = 0;
            for (int b = 0; b < subbands; b++) {
                genieOut.effective(b, xGenie);
                sum += Metrics.sumRateBits(smp.h[b], xGenie, noise, sinr);
            }
            return sum / subbands;
        }

        /** A narrowband digital solver on each subband in turn, band-mean sum rate. */
        private double perSubbandRate(Solver g, Sample smp) {
            double sum = 0;
            for (int b = 0; b < subbands; b++) {
                narrow.channel.copyFrom(smp.h[b]);
                g.solve(narrow, zfOut);
                zfOut.effective(xGenie);
                sum += Metrics.sumRateBits(smp.h[b], xGenie, noise, sinr);
            }
            return sum / subbands;
        }

        /** [X_0 … X_{S−1}]/√S (N × SK), whose Gram is the band-averaged covariance; X_0 itself when S = 1. */
        private CMatrix bandStack(CMatrix[] x) {
            if (subbands == 1) {
                return x[0];
            }
            stacked.reshape(n, subbands * k);
            double scale = 1 / Math.sqrt(subbands);
            for (int b = 0; b < subbands; b++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < k; j++) {
                        stacked.re[i * subbands * k + b * k + j] = scale * x[b].re[i * k + j];
                        stacked.im[i * subbands * k + b * k + j] = scale * x[b].im[i * k + j];
                    }
                }
            }
            return stacked;
        }

        /**
         * Keeps the scorer within {@link Scenario#scoreShare()} of a core: rests after a score
         * that took {@code tookNs} while holding its sample, so what is offered meanwhile is
         * skipped. The rest is cut short when the radio drains.
         */
        private void rest(long tookNs) {
            double share = scenario.scoreShare();
            if (share >= 1) {
                return;
            }
            long end = System.nanoTime() + (long) (tookNs * (1 - share) / share);
            long left;
            while (!draining && (left = end - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }

        private void add(Extra e, double v) {
            sums[e.ordinal()] += v;
            counts[e.ordinal()]++;
        }

        /** Waits (up to {@code maxNanos}) until every handed-over sample is scored. */
        void drain(long maxNanos) {
            draining = true;
            Thread t = thread;
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
            long end = System.nanoTime() + maxNanos;
            while (busy.get() > 0 && System.nanoTime() - end < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }

        void stop() {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** What one score needs, copied off the event loop's buffers (per subband: H_s, X_s, float X_s). */
    private static final class Sample {
        final CMatrix[] h, x, xFloat;
        final CMatrix receive = new CMatrix();
        String solver;
        double achieved;

        Sample(int subbands) {
            h = new CMatrix[subbands];
            x = new CMatrix[subbands];
            xFloat = new CMatrix[subbands];
            for (int b = 0; b < subbands; b++) {
                h[b] = new CMatrix();
                x[b] = new CMatrix();
                xFloat[b] = new CMatrix();
            }
        }
    }

    /**
     * Decodes the update's weights into {@link #x} (N × K): F·W when analog is present, else W.
     * False when shapes disagree with N, K or with the data, or a weight is not finite.
     */
    boolean decode(WeightUpdate u) {
        appliedFrame = false;
        if (!u.hasReceive() || !readMatrix(u.getReceive(), receive)) {
            receive.reshape(0, 0);
        }
        if (u.getSubbandBasebandCount() != subbands - 1) {
            return false;
        }
        boolean hybrid = u.hasAnalog() && u.getAnalog().getRows() * u.getAnalog().getCols() > 0;
        for (int b = 0; b < subbands; b++) {
            ComplexMatrix bb = b == 0 ? u.getBaseband() : u.getSubbandBaseband(b - 1);
            if (!readMatrix(bb, basebands[b]) || basebands[b].cols() < k
                    || (b > 0 && (basebands[b].rows() != baseband.rows() || basebands[b].cols() != baseband.cols()))) {
                return false;
            }
        }
        if (hybrid) {
            ComplexMatrix an = u.getAnalog();
            if (!readMatrix(an, analog) || analog.rows() != n || analog.cols() != baseband.rows()) {
                return false;
            }
        } else if (baseband.rows() != n) {
            return false;
        }
        for (int b = 0; b < subbands; b++) {
            if (hybrid) {
                Kernels.mul(analog, basebands[b], xFloats[b]);
            } else {
                xFloats[b].copyFrom(basebands[b]);
            }
            if (!xFloats[b].allFinite()) {
                return false;
            }
        }
        if (u.getFpgaFrame().isEmpty()) {
            for (int b = 0; b < subbands; b++) {
                xs[b].copyFrom(xFloats[b]);
            }
            return true;
        }
        // what the array radiates: the decoded hardware frame, quantized
        try {
            frameParser.parse(u.getFpgaFrame().asReadOnlyByteBuffer(), frame);
        } catch (FrameRejectedException e) {
            return false;
        }
        if (!frame.isFor(scenario.radioId()) || frame.sequence() != u.getSequence() || frame.n() != n) {
            return false;
        }
        frame.toPrecoder(framePrecoder, null);
        if (framePrecoder.subbands() != subbands) {
            return false;
        }
        for (int b = 0; b < subbands; b++) {
            framePrecoder.effective(b, xs[b]);
            if (xs[b].rows() != n || xs[b].cols() != xFloat.cols() || !xs[b].allFinite()) {
                return false;
            }
        }
        appliedFrame = true;
        return true;
    }

    /**
     * tr(F⁻¹) of seed 004 Lemma 1 for the transmitted precoder {@code w} (N × S, R_x = WWᴴ)
     * with the true targets, L = {@link #frameLength} and σ_s² = {@link #radarNoiseW}; +∞ when
     * F is singular. Flops: 8·N·3M·S + 8·9M²·S + (4M)³. Allocation-free.
     */
    private double crlb(CMatrix w) {
        crlbFim.fim(w, frameLength, radarNoiseW, fimBuf);
        return crlbFim.invert(fimBuf, fimInv);
    }

    private void extra(Extra e, double value) {
        extraSum[e.ordinal()] += value;
        extraCount[e.ordinal()]++;
    }

    private static boolean readMatrix(ComplexMatrix m, CMatrix out) {
        int rows = m.getRows(), cols = m.getCols();
        long size = (long) rows * cols;
        if (rows < 0 || cols < 0 || size == 0 || size > 1 << 24 || m.getReCount() != size || m.getImCount() != size) {
            return false;
        }
        out.reshape(rows, cols);
        for (int i = 0; i < (int) size; i++) {
            out.re[i] = m.getRe(i);
            out.im[i] = m.getIm(i);
        }
        return true;
    }
}
