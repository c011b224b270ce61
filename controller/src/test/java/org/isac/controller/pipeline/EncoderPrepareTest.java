package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.isac.controller.ControllerConfig;
import org.isac.controller.CsiMapping;
import org.isac.controller.TestData;
import org.isac.fpga.baseband.CodecId;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.junit.jupiter.api.Test;

/**
 * A session's primer makes the radio's frame encoder before its first update, and nothing that
 * changes what any update becomes: with and without it, the same precoders give the same frames
 * and the same predicted values — including an update the frame guard refuses, which must get
 * the safe default (a prepared encoder that had framed something would send that as the radio's
 * last good frame instead).
 */
class EncoderPrepareTest {

    private static FrontEndHello hello() {
        return FrontEndHello.newBuilder().setRadioId("prep").setTxArray(ArrayGeometry.newBuilder().setHorizontal(16).setVertical(1))
                .setRfChains(4).setPhaseBits(6).setBasebandBits(9).setMaxPowerW(1.0).setProtocolVersion(1).build();
    }

    private static byte[] frame(HardwareForm f) {
        return Arrays.copyOf(f.frameArray(), f.frameLength());
    }

    private static java.util.Map<String, Double> predicted(HardwareForm f) {
        java.util.Map<String, Double> m = new java.util.TreeMap<>();
        for (int i = 0; i < f.predictedCount(); i++) {
            m.put(f.key(i), f.value(i));
        }
        return m;
    }

    @Test
    void preparedAndUnpreparedEncodersFrameTheSameUpdates() {
        for (CodecId codec : CodecId.values()) {
            FrontEndHello hello = hello();
            FpgaWeightEncoder prepared = (FpgaWeightEncoder) new FpgaWeightEncoder(codec).newInstance();
            FpgaWeightEncoder plain = (FpgaWeightEncoder) new FpgaWeightEncoder(codec).newInstance();
            prepared.prepare(hello);
            assertEquals(1, prepared.radiosKept(), "the radio's encoder is made at prepare");
            assertEquals(0, plain.radiosKept());
            assertEquals(0, prepared.counters().total(), "prepare frames nothing");
            CsiReport r = TestData.report("prep", 1, 16, 4).setPowerBudgetW(1.0).setSolver("hybrid-pga").build();
            Problem p = CsiMapping.toProblem(r, hello);
            Precoder good = new Precoder();
            SolverRegistry.create("hybrid-pga").solve(p, good);
            Precoder bad = new Precoder();
            SolverRegistry.create("hybrid-pga").solve(p, bad);
            bad.baseband.set(0, 0, Double.NaN, 0); // the frame guard cannot certify it
            // first the refused one (no last good frame yet), then a good one, then the refused one again
            Precoder[] seq = {bad, good, bad};
            for (int i = 0; i < seq.length; i++) {
                HardwareForm a = new HardwareForm();
                HardwareForm b = new HardwareForm();
                prepared.encode(hello, p, seq[i], 100 + i, a);
                plain.encode(hello, p, seq[i], 100 + i, b);
                assertArrayEquals(frame(b), frame(a), codec + " update " + i);
                assertEquals(predicted(b), predicted(a), codec + " update " + i);
                assertEquals(seq[i] == bad, predicted(a).containsKey("frame_guard"), "the guard acted on the refused ones only");
            }
            assertEquals(plain.counters().total(), prepared.counters().total());
            assertTrue(predicted(new HardwareForm()).isEmpty());
        }
    }

    @Test
    void aHelloTheFrameCannotCarryIsLeftToTheHelloCheck() {
        FpgaWeightEncoder enc = new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC);
        FrontEndHello tooWide = hello().toBuilder().setPhaseBits(99).build();
        enc.prepare(tooWide); // refused at hello (refuse() names it); prepare makes nothing and does not throw
        assertEquals(0, enc.radiosKept());
        assertTrue(enc.refuse(tooWide) != null);
    }
}
