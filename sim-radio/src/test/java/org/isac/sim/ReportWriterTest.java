package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Subband;
import org.isac.proto.v1.Target;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/** The wire-form reports parse to the messages the protobuf builders make from the same fields. */
class ReportWriterTest {
    private static final int N = 16;
    private static final int K = 3;

    private static CsiReport.Builder template() {
        return CsiReport.newBuilder().setRadioId("sim-\u00e9-1").setPowerBudgetW(1.5).setSolver("hybrid-upga")
                .putParams("omega", 0.3).putParams("layers", 7)
                .addTargets(Target.newBuilder().setAzimuthRad(-0.4).setElevationRad(0.1).setGainRe(1).setGainIm(-0.5))
                .addTargets(Target.newBuilder().setAzimuthRad(0.7));
    }

    private static CMatrix random(SplittableRandom r) {
        CMatrix m = new CMatrix(N, K);
        for (int i = 0; i < N * K; i++) {
            m.re[i] = r.nextGaussian();
            m.im[i] = r.nextGaussian() * 1e-3;
        }
        return m;
    }

    private static ComplexMatrix.Builder asSent(CMatrix m) {
        ComplexMatrix.Builder b = ComplexMatrix.newBuilder().setRows(N).setCols(K);
        for (int i = 0; i < N * K; i++) {
            b.addRe((float) m.re[i]);
        }
        for (int i = 0; i < N * K; i++) {
            b.addIm((float) m.im[i]);
        }
        return b;
    }

    private static FrontEndMessage parse(ReportWriter w, int length) throws InvalidProtocolBufferException {
        return FrontEndMessage.parseFrom(Arrays.copyOf(w.array(), length));
    }

    @Test
    void aNarrowbandReportIsTheBuildersMessage() throws Exception {
        CsiReport t = template().addNoisePowerW(0.01).build();
        ReportWriter w = new ReportWriter(t, N, K, 0.01, new double[1]);
        SplittableRandom r = new SplittableRandom(3);
        // twice: the array is reused; a negative capture time (nanoTime's origin is arbitrary) and sequence 1
        for (long[] times : new long[][] {{1, -5_000_000_000L, -4_999_000_000L}, {1L << 40, 123_456_789L, 124_456_789L}}) {
            CMatrix h = random(r);
            CMatrix copy = new CMatrix(N, K);
            int length = w.write(times[0], times[1], times[2], new CMatrix[] {h}, copy);
            FrontEndMessage want = FrontEndMessage.newBuilder().setCsi(CsiReport.newBuilder(t).setSequence(times[0])
                    .setCaptureNs(times[1]).setDeadlineNs(times[2]).setChannel(asSent(h))).build();
            assertEquals(want, parse(w, length));
            assertEquals(want.getSerializedSize(), length, "the same fields, the same length");
            for (int i = 0; i < N * K; i++) {
                assertEquals((float) h.re[i], copy.re[i]);
                assertEquals((float) h.im[i], copy.im[i]);
            }
        }
    }

    @Test
    void aWidebandReportIsTheBuildersMessage() throws Exception {
        double[] offsets = {-2e8, 0.0, -0.0, 1.5e8};
        CsiReport t = template().setCarrierHz(28e9).build();
        ReportWriter w = new ReportWriter(t, N, K, 0.02, offsets);
        SplittableRandom r = new SplittableRandom(4);
        CMatrix[] hs = new CMatrix[offsets.length];
        CsiReport.Builder rb = CsiReport.newBuilder(t).setSequence(99).setCaptureNs(7).setDeadlineNs(1_000_007);
        for (int b = 0; b < hs.length; b++) {
            hs[b] = random(r);
            rb.addSubbands(Subband.newBuilder().setChannel(asSent(hs[b])).addNoisePowerW(0.02).setFrequencyOffsetHz(offsets[b]));
        }
        CMatrix copy = new CMatrix(N, K);
        int length = w.write(99, 7, 1_000_007, hs, copy);
        FrontEndMessage want = FrontEndMessage.newBuilder().setCsi(rb).build();
        assertEquals(want, parse(w, length));
        assertEquals(want.getSerializedSize(), length);
        assertArrayEquals(want.getCsi().getSubbands(0).getChannel().getReList().stream().mapToDouble(Float::doubleValue)
                .toArray(), Arrays.stream(copy.re, 0, N * K).toArray(), 0.0, "the copy is subband 0 as sent");
    }

    @Test
    void aTemplateThatSetsAPerReportFieldIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReportWriter(template().setSequence(1).build(), N, K, 0, new double[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new ReportWriter(template().setChannel(ComplexMatrix.newBuilder().setRows(1)).build(), N, K, 0, new double[1]));
    }
}
