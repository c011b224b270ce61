package org.isac.fpga;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.guard.GuardCounters;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.guard.Replacement;
import org.isac.fpga.regfile.RegisterFileWriter;
import org.isac.fpga.regfile.RegisterMap;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After warm-up, encoding a frame at N = 64, M = 4, K = 4 (every guard path: accepted,
 * scaled, replaced by the last good frame), parsing it, expanding it to a precoder and loading
 * it into a register window allocate nothing on the calling thread, measured with
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}.
 */
class AllocationTest {
    private static final int N = 64;
    private static final int M = 4;
    private static final int K = 4;
    private static final int WARMUP = 20_000;
    private static final int MEASURED = 5_000;
    private static final int ROUNDS = 4;

    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void bean() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs the com.sun.management thread bean");
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /**
     * Runs every body {@code WARMUP} times (interleaved, so that the JIT has seen all of them),
     * then returns for each body the fewest bytes this thread allocated over one window of
     * {@code MEASURED} further runs, out of up to {@code ROUNDS} windows. A per-call allocation
     * shows in every window (at least {@code 16 * MEASURED} bytes); a window may instead catch a
     * one-off runtime event (observed: a few hundred bytes once per run, at the time of a JIT
     * deoptimization), which is why the quietest window counts. Every window must still stay
     * below one byte per call.
     */
    private static long[] allocatedBytes(Runnable... bodies) {
        for (int i = 0; i < WARMUP; i++) {
            for (Runnable b : bodies) {
                b.run();
            }
        }
        long[] least = new long[bodies.length];
        for (int j = 0; j < bodies.length; j++) {
            Runnable b = bodies[j];
            least[j] = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS && least[j] > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < MEASURED; i++) {
                    b.run();
                }
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(bytes < MEASURED, "body " + j + " allocates " + bytes + " bytes per " + MEASURED + " calls");
                least[j] = Math.min(least[j], bytes);
            }
        }
        return least;
    }

    private static Precoder hybrid(SplittableRandom rnd, double power) {
        Precoder p = new Precoder();
        p.analog.reshape(N, M);
        p.baseband.reshape(M, K);
        for (int i = 0; i < N * M; i++) {
            double ph = rnd.nextDouble() * 2 * Math.PI;
            p.analog.re[i] = Math.cos(ph);
            p.analog.im[i] = Math.sin(ph);
        }
        for (int i = 0; i < M * K; i++) {
            p.baseband.re[i] = TestData.gauss(rnd);
            p.baseband.im[i] = TestData.gauss(rnd);
        }
        p.baseband.scale(Math.sqrt(power / p.effective(new CMatrix()).frobeniusNorm2()));
        return p;
    }

    @Test
    void measurementSeesAllocations() {
        Object[] keep = new Object[1];
        AssertionError e = assertThrows(AssertionError.class, () -> allocatedBytes(() -> keep[0] = new long[16]));
        assertTrue(e.getMessage().contains("allocates"), "the bean counts allocations: " + e.getMessage());
    }

    /** One radio's encode, parse, expand and register load, cycling through accepted, over-budget and NaN inputs. */
    private static final class Pipeline implements Runnable {
        final CodecId codec;
        final FrontEndHello hello;
        final RadioEncoders encoders;
        final Precoder[] inputs;
        final WeightFrameParser parser = new WeightFrameParser();
        final DecodedFrame decoded = new DecodedFrame();
        final Precoder applied = new Precoder();
        final RegisterFileWriter regs;
        final int[] outcomes = new int[GuardOutcome.values().length];
        long seq;

        Pipeline(CodecId codec, SplittableRandom rnd) {
            this(codec, rnd, 1);
        }

        /** With S baseband sets (a version 2 frame when S > 1): subband b's set is subband 0's times 1 − 0.05·b. */
        Pipeline(CodecId codec, SplittableRandom rnd, int subbands) {
            this.codec = codec;
            hello = FrontEndHello.newBuilder().setRadioId("alloc-" + codec + "-" + subbands).setPhaseBits(6)
                    .setBasebandBits(codec == CodecId.BFP ? 9 : 16).build();
            encoders = new RadioEncoders(h -> EncoderConfig.forHello(h, codec), new GuardCounters());
            inputs = new Precoder[] {hybrid(rnd, 0.8), hybrid(rnd, 1.0), hybrid(rnd, 3.0), hybrid(rnd, 0.5)};
            for (Precoder in : inputs) {
                in.setSubbands(subbands);
                for (int b = 1; b < subbands; b++) {
                    in.baseband(b).copyFrom(in.baseband);
                    in.baseband(b).scale(1 - 0.05 * b);
                }
            }
            inputs[3].baseband(subbands - 1).re[5] = Double.NaN;
            RegisterMap map = RegisterMap.parse(String.join("\n", "window.size=0x1000",
                    "bank0.phase.offset=0", "bank1.phase.offset=0x400", "phase.area.size=0x400",
                    "bank0.baseband.offset=0x800", "bank1.baseband.offset=0xA00", "baseband.area.size=0x200",
                    "bank.select.offset=0xC00", "load.strobe.offset=0xC04"), "alloc");
            regs = new RegisterFileWriter(map, ByteBuffer.allocate(0x1000));
        }

        @Override
        public void run() {
            long s = seq++;
            FrameBuffer frame = encoders.encode(hello, s, inputs[(int) (s & 3)], 1.0);
            outcomes[encoders.lastResult().outcome().ordinal()]++;
            try {
                parser.parse(frame.byteBuffer(), decoded);
            } catch (FrameRejectedException e) {
                throw new AssertionError(e);
            }
            decoded.toPrecoder(applied, null);
            regs.write(decoded);
        }
    }

    @Test
    void encodeParseApplyAllocatesNothing() {
        SplittableRandom rnd = new SplittableRandom(701);
        Pipeline bfp = new Pipeline(CodecId.BFP, rnd);
        Pipeline fixed = new Pipeline(CodecId.FIXED, rnd);

        // digital N x K with the per-antenna limit on, through the CMatrix overload
        WeightFrameEncoder digital = new WeightFrameEncoder(EncoderConfig.defaults().withPerAntenna(true));
        CMatrix w = new CMatrix(N, K);
        for (int i = 0; i < N * K; i++) {
            w.re[i] = TestData.gauss(rnd);
            w.im[i] = TestData.gauss(rnd);
        }
        w.scale(Math.sqrt(1.0 / w.frobeniusNorm2()));
        FrameBuffer out = new FrameBuffer();
        long[] seq = {0};
        Runnable digitalBody = () -> digital.encode("d", seq[0]++, null, w, 4.0, out);

        Pipeline wide = new Pipeline(CodecId.BFP, rnd, 4); // version 2 frames, 4 sets

        long[] bytes = allocatedBytes(bfp, fixed, digitalBody, wide);
        assertEquals(0, bytes[3], "wideband hybrid BFP (S = 4): " + bytes[3] + " bytes over " + MEASURED + " frames");
        assertEquals(4, wide.decoded.subbands());
        assertEquals(4, wide.applied.subbands());
        assertEquals(0, bytes[0], "hybrid BFP: " + bytes[0] + " bytes over " + MEASURED + " frames");
        assertEquals(0, bytes[1], "hybrid fixed: " + bytes[1] + " bytes over " + MEASURED + " frames");
        assertEquals(0, bytes[2], "digital: " + bytes[2] + " bytes over " + MEASURED + " frames");
        for (Pipeline p : new Pipeline[] {bfp, fixed, wide}) {
            assertTrue(p.outcomes[GuardOutcome.ACCEPTED.ordinal()] + p.outcomes[GuardOutcome.ACCEPTED_SCALED.ordinal()] > 0);
            assertTrue(p.outcomes[GuardOutcome.OVER_BUDGET.ordinal()] > 0);
            assertTrue(p.outcomes[GuardOutcome.NON_FINITE.ordinal()] > 0);
            assertTrue(p.encoders.counters().count(Replacement.LAST_GOOD) > 0, "replacement path exercised");
            assertEquals(N, p.applied.analog.rows());
            assertEquals(M, p.decoded.m());
        }
        assertTrue(digital.counters().total() >= WARMUP + MEASURED);
        assertEquals(digital.counters().total(), digital.counters().count(GuardOutcome.ACCEPTED)
                + digital.counters().count(GuardOutcome.ACCEPTED_SCALED), "every digital frame went out as requested");
    }
}
