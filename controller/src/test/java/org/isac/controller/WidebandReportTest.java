package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.isac.controller.pipeline.FpgaWeightEncoder;
import org.isac.controller.pipeline.WeightEncoder;
import org.isac.controller.pipeline.WeightUpdates;
import org.isac.fpga.baseband.CodecId;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject.Reason;
import org.isac.proto.v1.Subband;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.isac.solver.SubbandLoop;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/**
 * Wideband reports ({@code CsiReport.subbands}): what validation refuses, each with its reason
 * and a detail naming the fault; how a report maps to a problem of S subbands; and that a
 * narrowband report, and a wideband report of one subband, give exactly what a narrowband
 * report always gave (problem, update bytes, frame bytes).
 */
class WidebandReportTest {
    private static final FrontEndHello HELLO = TestData.hello("wb", 8);

    private static CsiReport wide(int subbands) {
        return TestData.widebandReport("wb", 5, subbands, 8, 2).build();
    }

    private static Rejection check(CsiReport r) {
        return ReportValidator.validate(r, HELLO, false, 0, Limits.DEFAULT, null);
    }

    private static void assertRejected(Reason reason, String detailPart, CsiReport r) {
        Rejection j = check(r);
        assertNotNull(j, "accepted: " + r);
        assertEquals(reason, j.reason(), j.detail());
        assertTrue(j.detail().contains(detailPart), "detail '" + j.detail() + "' lacks '" + detailPart + "'");
    }

    private static CsiReport editSubband(CsiReport r, int s, UnaryOperator<Subband.Builder> edit) {
        CsiReport.Builder b = r.toBuilder();
        b.setSubbands(s, edit.apply(r.getSubbands(s).toBuilder()));
        return b.build();
    }

    private static ComplexMatrix.Builder channelWith(ComplexMatrix m, int i, float re) {
        ComplexMatrix.Builder b = m.toBuilder();
        b.setRe(i, re);
        return b;
    }

    @Test
    void validWidebandReportsPass() {
        for (int s : new int[] {1, 2, 8, Limits.DEFAULT_MAX_SUBBANDS}) {
            assertNull(check(wide(s)), "S = " + s);
        }
        // one noise value per subband is as good as K
        assertNull(check(editSubband(wide(3), 1, b -> b.clearNoisePowerW().addNoisePowerW(0.2))));
    }

    @Test
    void validationRefusesEachFaultWithItsReason() {
        CsiReport w = wide(8);
        assertRejected(Reason.BAD_DIMENSIONS, "must leave channel and noise_power_w empty",
                w.toBuilder().setChannel(TestData.channel(8, 2, 1)).build());
        assertRejected(Reason.BAD_DIMENSIONS, "must leave channel and noise_power_w empty",
                w.toBuilder().addNoisePowerW(0.1).build());
        assertRejected(Reason.BAD_DIMENSIONS, "subband 5 channel 8x1 differs from subband 0's 8x2",
                editSubband(w, 5, b -> b.setChannel(TestData.channel(8, 1, 3))));
        assertRejected(Reason.BAD_DIMENSIONS, "subband 3 channel 8x2 needs 16 re and im values",
                editSubband(w, 3, b -> b.setChannel(b.getChannel().toBuilder().addRe(1f))));
        assertRejected(Reason.NON_FINITE, "subband 7 channel element (2, 1)",
                editSubband(w, 7, b -> b.setChannel(channelWith(b.getChannel(), 5, Float.NaN))));
        assertRejected(Reason.NON_FINITE, "subband 6 noise_power_w[1]",
                editSubband(w, 6, b -> b.setNoisePowerW(1, Double.POSITIVE_INFINITY)));
        assertRejected(Reason.NON_FINITE, "subband 2 frequency_offset_hz",
                editSubband(w, 2, b -> b.setFrequencyOffsetHz(Double.NaN)));
        assertRejected(Reason.NON_FINITE, "carrier_hz", w.toBuilder().setCarrierHz(Double.NEGATIVE_INFINITY).build());
        ComplexMatrix.Builder zero = ComplexMatrix.newBuilder().setRows(8).setCols(2);
        for (int i = 0; i < 16; i++) {
            zero.addRe(0).addIm(0);
        }
        assertRejected(Reason.ZERO_CHANNEL, "subband 4", editSubband(w, 4, b -> b.setChannel(zero)));
        assertRejected(Reason.BAD_PARAMETER, "subband 1 noise_power_w has 3 values; need 1 or K = 2",
                editSubband(w, 1, b -> b.addNoisePowerW(0.1)));
        assertRejected(Reason.BAD_PARAMETER, "subband 1 noise_power_w has 0 values",
                editSubband(w, 1, Subband.Builder::clearNoisePowerW));
        assertRejected(Reason.BAD_PARAMETER, "subband 7 noise_power_w[0] must be > 0",
                editSubband(w, 7, b -> b.setNoisePowerW(0, 0)));
        assertRejected(Reason.BAD_PARAMETER, "carrier_hz must be >= 0", w.toBuilder().setCarrierHz(-1).build());
        assertRejected(Reason.BAD_PARAMETER, "subband 0 frequency_offset_hz",
                editSubband(w, 0, b -> b.setFrequencyOffsetHz(-3.5e9)));
        // S beyond the controller's limit, and S·N·K beyond its entry limit: refused before any copy
        assertRejected(Reason.TOO_LARGE, "65 subbands; the controller's limit is 64", wide(65));
        Rejection few = ReportValidator.validate(wide(8), HELLO, false, 0, Limits.DEFAULT.withMaxSubbands(4), null);
        assertEquals(Reason.TOO_LARGE, few.reason());
        assertTrue(few.detail().contains("limit is 4"), few.detail());
        FrontEndHello big = TestData.hello("wb", 512);
        CsiReport huge = TestData.widebandReport("wb", 1, 64, 512, 16).build(); // 64 · 512 · 16 > 4096 · 64
        Rejection j = ReportValidator.validate(huge, big, false, 0, Limits.DEFAULT, null);
        assertEquals(Reason.TOO_LARGE, j.reason());
        assertTrue(j.detail().contains("S·N·K"), j.detail());
        // the hello still holds: N from subband 0
        assertRejected(Reason.BAD_DIMENSIONS, "channel has 6 rows but the tx array has 8 elements",
                TestData.widebandReport("wb", 1, 3, 6, 2).build());
    }

    @Test
    void aWidebandReportMapsToSubbands() {
        CsiReport r = wide(4);
        Problem p = CsiMapping.toProblem(r, HELLO);
        assertEquals(4, p.subbands());
        for (int s = 0; s < 4; s++) {
            ComplexMatrix ch = r.getSubbands(s).getChannel();
            CMatrix h = p.channel(s);
            assertEquals(8, h.rows());
            assertEquals(2, h.cols());
            for (int i = 0; i < 16; i++) {
                assertEquals(ch.getRe(i), h.re[i]);
                assertEquals(ch.getIm(i), h.im[i]);
            }
            for (int k = 0; k < 2; k++) {
                assertEquals(r.getSubbands(s).getNoisePowerW(k), p.noise(s)[k]);
            }
            assertEquals(1 + r.getSubbands(s).getFrequencyOffsetHz() / 3.5e9, p.frequencyRatio(s));
        }
        assertSame(p.channel, p.channel(0));
        // no carrier: every ratio is 1; one noise value is repeated for every user
        CsiReport noCarrier = editSubband(r.toBuilder().setCarrierHz(0).build(), 2,
                b -> b.clearNoisePowerW().addNoisePowerW(0.3));
        Problem q = CsiMapping.toProblem(noCarrier, HELLO, p);
        for (int s = 0; s < 4; s++) {
            assertEquals(1.0, q.frequencyRatio(s));
        }
        assertEquals(0.3, q.noise(2)[0]);
        assertEquals(0.3, q.noise(2)[1]);
        // the reused problem goes back to one subband for a narrowband report
        CsiMapping.toProblem(TestData.report("wb", 6, 8, 2).build(), HELLO, q);
        assertEquals(1, q.subbands());
        assertEquals(1.0, q.frequencyRatio(0));
    }

    /** The narrowband mapping as it was before wideband reports (the oracle of the test below). */
    private static Problem oldMapping(CsiReport report, FrontEndHello hello) {
        Problem out = new Problem();
        ComplexMatrix ch = report.getChannel();
        out.channel.reshape(ch.getRows(), ch.getCols());
        for (int i = 0; i < ch.getRows() * ch.getCols(); i++) {
            out.channel.re[i] = ch.getRe(i);
            out.channel.im[i] = ch.getIm(i);
        }
        if (report.getNoisePowerWCount() == 1) {
            out.setNoise(ch.getCols(), report.getNoisePowerW(0));
        } else {
            out.setNoise(ch.getCols(), 0.0);
            for (int k = 0; k < Math.min(ch.getCols(), report.getNoisePowerWCount()); k++) {
                out.noise[k] = report.getNoisePowerW(k);
            }
        }
        out.powerBudgetW = CsiMapping.budgetW(report, hello);
        return out;
    }

    @Test
    void narrowbandReportsMapAsTheyAlwaysDid() {
        for (CsiReport r : new CsiReport[] {TestData.report("wb", 1, 8, 2).build(),
                TestData.report("wb", 2, 8, 3).clearNoisePowerW().addNoisePowerW(0.1).addNoisePowerW(0.2)
                        .addNoisePowerW(0.4).setCarrierHz(2.4e9).build()}) {
            Problem want = oldMapping(r, HELLO);
            Problem got = CsiMapping.toProblem(r, HELLO, CsiMapping.toProblem(wide(5), HELLO)); // reused after S = 5
            assertEquals(1, got.subbands());
            assertEquals(1.0, got.frequencyRatio(0), "a narrowband report's carrier changes nothing");
            assertEquals(want.channel.rows(), got.channel.rows());
            assertEquals(want.channel.cols(), got.channel.cols());
            int n = want.channel.size();
            assertArrayEquals(Arrays.copyOf(want.channel.re, n), Arrays.copyOf(got.channel.re, n));
            assertArrayEquals(Arrays.copyOf(want.channel.im, n), Arrays.copyOf(got.channel.im, n));
            assertArrayEquals(Arrays.copyOf(want.noise, want.users()), Arrays.copyOf(got.noise, got.users()));
            assertEquals(want.powerBudgetW, got.powerBudgetW);
        }
    }

    /** A report's update bytes through the offline path (WeightUpdates.fill), with the frame of a BFP encoder. */
    private static byte[] updateBytes(CsiReport r, String solver, WeightEncoder encoder) {
        Problem p = CsiMapping.toProblem(r, HELLO);
        Precoder x = new Precoder();
        new SubbandLoop().solve(SolverRegistry.create(solver), p, x);
        WeightUpdate.Builder u = WeightUpdates.fill(encoder, HELLO, p, x, "wb", r.getSequence(), solver, 7, 0,
                WeightUpdate.newBuilder());
        return u.build().toByteArray();
    }

    @Test
    void oneSubbandGivesExactlyTheNarrowbandAnswer() throws Exception {
        for (String solver : new String[] {"rzf", "zf", "mrt"}) {
            CsiReport narrow = TestData.report("wb", 9, 8, 2).clearNoisePowerW().addNoisePowerW(0.1).addNoisePowerW(0.15)
                    .build();
            CsiReport one = narrow.toBuilder().clearChannel().clearNoisePowerW().addSubbands(Subband.newBuilder()
                    .setChannel(narrow.getChannel()).addAllNoisePowerW(narrow.getNoisePowerWList())).build();
            assertNull(check(one));
            WeightEncoder enc = new FpgaWeightEncoder(CodecId.BFP);
            byte[] a = updateBytes(narrow, solver, enc.newInstance());
            byte[] b = updateBytes(one, solver, enc.newInstance());
            assertArrayEquals(a, b, solver + ": the update of S = 1 is the narrowband update, frame included");
            WeightUpdate u = WeightUpdate.parseFrom(b);
            assertEquals(0, u.getSubbandBasebandCount());
            assertEquals(1, u.getFpgaFrame().byteAt(4), "a version 1 frame");
        }
    }

    @Test
    void aWidebandUpdateCarriesEverySubband() throws Exception {
        CsiReport r = wide(4);
        byte[] bytes = updateBytes(r, "rzf", new FpgaWeightEncoder(CodecId.BFP));
        WeightUpdate u = WeightUpdate.parseFrom(bytes);
        assertEquals(3, u.getSubbandBasebandCount());
        assertEquals(2, u.getFpgaFrame().byteAt(4), "a version 2 frame");
        assertEquals(4, u.getFpgaFrame().byteAt(30));
        // subband s's weights are the narrowband answer to subband s's channel
        Problem p = CsiMapping.toProblem(r, HELLO);
        for (int s = 0; s < 4; s++) {
            Precoder one = new Precoder();
            SolverRegistry.create("rzf").solve(SubbandLoop.narrowband(p, s, new Problem()), one);
            ComplexMatrix m = s == 0 ? u.getBaseband() : u.getSubbandBaseband(s - 1);
            assertEquals(8, m.getRows());
            for (int i = 0; i < 16; i++) {
                assertEquals((float) one.baseband.re[i], m.getRe(i), "subband " + s);
                assertEquals((float) one.baseband.im[i], m.getIm(i), "subband " + s);
            }
        }
    }
}
