package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.isac.controller.CsiMapping;
import org.isac.controller.TestData;
import org.isac.fpga.baseband.CodecId;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.StageTimes;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.junit.jupiter.api.Test;

/**
 * The wire form the encode stage writes ({@link UpdateWriter}) against the builder path it
 * replaced, which stays the oracle: {@link WeightUpdates#fill} plus the stage times, built as a
 * {@code ControllerMessage} and written with {@code writeDelimitedTo}. Same bytes, and the
 * generated parser reads the new bytes back into the same message, over solvers (digital and
 * hybrid), shapes, hello widths, encoders (none, both frame codecs, an encoder that only knows
 * the builder), early stop, predicted metrics, receive filters and edge values of the scalars.
 */
class UpdateWriterTest {

    private record Shape(String solver, int n, int k, int m, int phaseBits, int basebandBits) {
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("rzf", 8, 2, 0, 0, 0),
            new Shape("mrt", 16, 4, 0, 0, 12),
            new Shape("zf", 4, 4, 0, 5, 8),
            new Shape("hybrid-pga", 16, 2, 4, 4, 10),
            new Shape("hybrid-pga", 8, 2, 2, 0, 0),
            new Shape("hybrid-upga", 64, 4, 4, 6, 9));

    /** An encoder that knows only the builder API: frame bytes, an override of a solver metric, a new one. */
    private static final WeightEncoder BUILDER_ONLY = (hello, problem, precoder, update) -> {
        byte[] frame = new byte[300];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i * 7 + update.getSequence());
        }
        update.setFpgaFrame(ByteString.copyFrom(frame));
        update.putPredicted("sum_rate_bits", -0.0);
        update.putPredicted("zz_extra", Double.MIN_VALUE);
    };

    private interface EncoderPair {
        WeightEncoder oracle();

        WeightEncoder live();
    }

    private static List<String> encoderNames() {
        return List.of("NONE", "BFP", "FIXED", "BUILDER_ONLY");
    }

    /** Two encoders of the same kind with separate state, fed the same updates. */
    private static WeightEncoder[] encoders(String name) {
        return switch (name) {
            case "NONE" -> new WeightEncoder[] {WeightEncoder.NONE, WeightEncoder.NONE};
            case "BUILDER_ONLY" -> new WeightEncoder[] {BUILDER_ONLY, BUILDER_ONLY};
            default -> new WeightEncoder[] {new FpgaWeightEncoder(CodecId.valueOf(name)),
                    new FpgaWeightEncoder(CodecId.valueOf(name))};
        };
    }

    private static FrontEndHello hello(Shape s) {
        return FrontEndHello.newBuilder().setRadioId("radio-" + s.n())
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(s.n()).setVertical(1))
                .setRfChains(s.m()).setPhaseBits(s.phaseBits()).setBasebandBits(s.basebandBits())
                .setMaxPowerW(1.0).setProtocolVersion(1).build();
    }

    @Test
    void theWrittenBytesAreTheBuiltMessagesBytes() throws Exception {
        int cases = 0;
        int withFrame = 0;
        int hybrid = 0;
        for (Shape shape : SHAPES) {
            FrontEndHello hello = hello(shape);
            for (String encoderName : encoderNames()) {
                WeightEncoder[] enc = encoders(encoderName);
                WeightEncoder oracleEncoder = enc[0].newInstance();
                WeightEncoder liveEncoder = enc[1].newInstance();
                WeightGuard guard = new WeightGuard();
                UpdateWriter writer = new UpdateWriter();
                HardwareForm form = new HardwareForm();
                for (int variant = 0; variant < 6; variant++) {
                    long sequence = variant == 5 ? -1L : 10 + variant; // -1: the largest uint64
                    CsiReport r = TestData.report(hello.getRadioId(), 1 + variant, shape.n(), shape.k())
                            .setPowerBudgetW(1.0).setSolver(shape.solver()).build();
                    Problem p = CsiMapping.toProblem(r, hello);
                    Precoder x = new Precoder();
                    SolverRegistry.create(shape.solver()).solve(p, x);
                    vary(x, variant, shape);
                    assertTrue(guard.check(shape.solver(), p, x), guard.detail());
                    long captureNs = switch (variant) {
                        case 0 -> 0;
                        case 1 -> -5; // int64 below zero: ten varint bytes
                        default -> 1_234_567_890_123L + variant;
                    };
                    long solveNs = variant == 2 ? 0 : 40_000 + variant;
                    UpdateWriter.Stages st = new UpdateWriter.Stages();
                    st.receivedNs = variant == 3 ? 0 : 1_000_000L * variant + 1;
                    st.solveStartNs = 2_000_000L * variant + 3;
                    st.solveEndNs = st.solveStartNs + solveNs;
                    st.encodedNs = variant == 4 ? Long.MIN_VALUE : st.solveEndNs + 999;
                    String solverName = variant == 4 ? "" : shape.solver();
                    String radioId = variant == 4 ? "ünï-☃" : hello.getRadioId();

                    // the oracle: the builder path as the encode stage used it
                    WeightUpdate.Builder b = WeightUpdates.fill(oracleEncoder, hello, p, x, radioId, sequence, solverName,
                            captureNs, solveNs, WeightUpdate.newBuilder());
                    WeightGuard oracleGuard = new WeightGuard();
                    boolean oracleOk = oracleGuard.checkSent(shape.solver(), p, b);
                    b.setStages(StageTimes.newBuilder().setReceivedNs(st.receivedNs).setSolveStartNs(st.solveStartNs)
                            .setSolveEndNs(st.solveEndNs).setEncodedNs(st.encodedNs));
                    ControllerMessage expected = ControllerMessage.newBuilder().setUpdate(b).build();
                    ByteArrayOutputStream delimited = new ByteArrayOutputStream();
                    expected.writeDelimitedTo(delimited);

                    // the live path
                    form.clear();
                    liveEncoder.encode(hello, p, x, sequence, form);
                    boolean ok = guard.checkSent(shape.solver(), p, x);
                    assertEquals(oracleOk, ok, "both guards judge the same float weights");
                    assertTrue(ok, guard.detail());
                    int length = writer.write(radioId, sequence, solverName, guard.sent(), x, form, captureNs, solveNs, st);
                    byte[] written = Arrays.copyOf(writer.array(), length);

                    String what = shape + " " + encoderName + " variant " + variant;
                    assertArrayEquals(delimited.toByteArray(), written, what);
                    assertArrayEquals(expected.toByteArray(), Arrays.copyOfRange(written,
                            written.length - expected.getSerializedSize(), written.length), what);
                    ControllerMessage parsed = ControllerMessage.parseDelimitedFrom(new ByteArrayInputStream(written));
                    assertEquals(expected, parsed, what);
                    ByteString frame = parsed.getUpdate().getFpgaFrame();
                    if (frame.isEmpty()) {
                        assertEquals(-1, writer.frameOffset(), what);
                    } else {
                        withFrame++;
                        assertEquals(frame, ByteString.copyFrom(written, writer.frameOffset(), form.frameLength()), what);
                        CRC32C a = new CRC32C();
                        a.update(frame.asReadOnlyByteBuffer());
                        CRC32C c = new CRC32C();
                        c.update(written, writer.frameOffset(), form.frameLength());
                        assertEquals(a.getValue(), c.getValue(), what);
                    }
                    if (parsed.getUpdate().hasAnalog()) {
                        hybrid++;
                    }
                    cases++;
                }
            }
        }
        assertEquals(SHAPES.size() * encoderNames().size() * 6, cases);
        assertTrue(withFrame >= SHAPES.size() * 3 * 6, "frames: " + withFrame);
        assertTrue(hybrid >= 3 * encoderNames().size() * 6, "hybrid updates: " + hybrid);
    }

    /** Early stop, iteration counts, extra predicted metrics and radar receive filters, by variant. */
    private static void vary(Precoder x, int variant, Shape shape) {
        switch (variant) {
            case 1 -> {
                x.earlyStop = true;
                x.iterations = 3;
                x.layersPlanned = 10;
            }
            case 2 -> {
                x.predicted.put("sum_rate_bits", 7.25);
                x.predicted.put("frame_power_w", 123.0); // the frame encoder's entry replaces it in place
                x.predicted.put("nan_metric", Double.NaN);
                x.iterations = -1; // uint32 of a negative int: five bytes
            }
            case 3 -> {
                x.receive.reshape(shape.n(), 2);
                for (int i = 0; i < x.receive.size(); i++) {
                    x.receive.re[i] = 0.1 * i + 1e-9;
                    x.receive.im[i] = -0.3 * i;
                }
                x.earlyStop = false;
                x.iterations = 0;
                x.layersPlanned = 0;
            }
            case 4 -> x.predicted.clear();
            default -> {
            }
        }
    }

    /**
     * Wideband updates (S = 1 as a one-subband report, 4, 16): {@code subband_baseband} written
     * by hand is the builder's, byte for byte, with every encoder (the frames are version 2 for
     * S > 1), and the parser reads every subband back.
     */
    @Test
    void widebandUpdatesAreTheBuiltMessagesBytes() throws Exception {
        int cases = 0;
        for (int subbands : new int[] {1, 4, 16}) {
            for (String solver : new String[] {"rzf", "mrt"}) {
                FrontEndHello hello = hello(new Shape(solver, 8, 2, 0, 0, 12));
                for (String encoderName : encoderNames()) {
                    WeightEncoder[] enc = encoders(encoderName);
                    WeightEncoder oracleEncoder = enc[0].newInstance();
                    WeightEncoder liveEncoder = enc[1].newInstance();
                    WeightGuard guard = new WeightGuard();
                    UpdateWriter writer = new UpdateWriter();
                    HardwareForm form = new HardwareForm();
                    org.isac.solver.SubbandLoop loop = new org.isac.solver.SubbandLoop();
                    for (int variant = 0; variant < 3; variant++) {
                        long sequence = 20 + variant;
                        CsiReport r = TestData.widebandReport(hello.getRadioId(), sequence, subbands, 8, 2)
                                .setPowerBudgetW(1.0).setSolver(solver).build();
                        Problem p = CsiMapping.toProblem(r, hello);
                        Precoder x = new Precoder();
                        loop.solve(SolverRegistry.create(solver), p, x);
                        vary(x, variant, new Shape(solver, 8, 2, 0, 0, 12));
                        assertEquals(subbands, x.subbands());
                        assertTrue(guard.check(solver, p, x), guard.detail());
                        WeightUpdate.Builder b = WeightUpdates.fill(oracleEncoder, hello, p, x, hello.getRadioId(), sequence,
                                solver, 99, 1234, WeightUpdate.newBuilder());
                        assertTrue(new WeightGuard().checkSent(solver, p, b));
                        UpdateWriter.Stages st = new UpdateWriter.Stages();
                        st.receivedNs = 1;
                        st.solveStartNs = 2;
                        st.solveEndNs = 3;
                        st.encodedNs = 4;
                        b.setStages(StageTimes.newBuilder().setReceivedNs(1).setSolveStartNs(2).setSolveEndNs(3).setEncodedNs(4));
                        ByteArrayOutputStream delimited = new ByteArrayOutputStream();
                        ControllerMessage expected = ControllerMessage.newBuilder().setUpdate(b).build();
                        expected.writeDelimitedTo(delimited);

                        form.clear();
                        liveEncoder.encode(hello, p, x, sequence, form);
                        assertTrue(guard.checkSent(solver, p, x), guard.detail());
                        int length = writer.write(hello.getRadioId(), sequence, solver, guard.sent(), x, form, 99, 1234, st);
                        String what = "S=" + subbands + " " + solver + " " + encoderName + " variant " + variant;
                        assertArrayEquals(delimited.toByteArray(), Arrays.copyOf(writer.array(), length), what);
                        WeightUpdate parsed = ControllerMessage.parseDelimitedFrom(
                                new ByteArrayInputStream(writer.array(), 0, length)).getUpdate();
                        assertEquals(subbands - 1, parsed.getSubbandBasebandCount(), what);
                        for (int s = 1; s < subbands; s++) {
                            assertEquals((float) x.baseband(s).re[3], parsed.getSubbandBaseband(s - 1).getRe(3), what);
                        }
                        if (!parsed.getFpgaFrame().isEmpty() && !encoderName.equals("BUILDER_ONLY")) {
                            assertEquals(subbands == 1 ? 1 : 2, parsed.getFpgaFrame().byteAt(4), what);
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(3 * 2 * encoderNames().size() * 3, cases);
    }

    /** The guard judges every subband: a NaN or an over-budget set in subband 7 of 8 is refused; so is a missing set. */
    @Test
    void theGuardChecksEverySubband() {
        Problem p = new Problem();
        p.channel.reshape(4, 2);
        p.powerBudgetW = 1;
        p.setSubbands(8);
        for (int s = 1; s < 8; s++) {
            p.channel(s).reshape(4, 2);
        }
        WeightGuard g = new WeightGuard();
        Precoder x = new Precoder();
        x.setSubbands(8);
        for (int s = 0; s < 8; s++) {
            x.baseband(s).reshape(4, 2);
            Arrays.fill(x.baseband(s).re, 0, 8, Math.sqrt(1.0 / 8)); // exactly 1 W in every subband
        }
        assertTrue(g.check("t", p, x), g.detail());
        assertTrue(g.checkSent("t", p, x), g.detail());
        assertEquals(8, g.sent().subbands());

        x.baseband(7).im[5] = Double.NaN;
        assertFalse(g.check("t", p, x));
        assertEquals(Reject.Reason.POWER_GUARD, g.reason());
        assertTrue(g.detail().contains("subband 7 of 8"), g.detail());
        x.baseband(7).im[5] = 0;

        x.baseband(7).re[0] = 0.6; // 1.23 W in subband 7; the other seven stay at 1 W
        assertFalse(g.check("t", p, x));
        assertEquals(Reject.Reason.POWER_GUARD, g.reason());
        assertTrue(g.detail().contains("subband 7 of 8"), g.detail());
        assertFalse(g.checkSent("t", p, x), "the float form is judged the same way");
        x.baseband(7).re[0] = Math.sqrt(1.0 / 8);

        x.baseband(6).re[2] = 1e39; // finite as a double, infinite as a float
        assertFalse(g.checkSent("t", p, x));
        assertTrue(g.detail().contains("not finite (subband 6 of 8)"), g.detail());
        x.baseband(6).re[2] = Math.sqrt(1.0 / 8);

        p.perAntennaPower = true; // P_t / N = 0.25 W per antenna and subband
        assertTrue(g.check("t", p, x), g.detail()); // 0.25 W per antenna in every subband: at the limit
        Arrays.fill(x.baseband(3).re, 0, 8, 0.3);
        x.baseband(3).re[0] = 0.6;
        x.baseband(3).re[1] = 0.0; // antenna 0: 0.36 W; the subband's total 0.9 W is within the budget
        assertFalse(g.check("t", p, x));
        assertTrue(g.detail().contains("antenna 0") && g.detail().contains("subband 3 of 8"), g.detail());
        p.perAntennaPower = false;
        assertTrue(g.check("t", p, x), g.detail());
        Arrays.fill(x.baseband(3).re, 0, 8, Math.sqrt(1.0 / 8));

        x.baseband(5).reshape(4, 1);
        assertFalse(g.check("t", p, x));
        assertEquals(Reject.Reason.SOLVER_FAILED, g.reason());
        x.setSubbands(7);
        assertFalse(g.check("t", p, x));
        assertEquals(Reject.Reason.SOLVER_FAILED, g.reason());
        assertTrue(g.detail().contains("7 baseband sets for 8 subbands"), g.detail());
    }

    /** The float weights written are the guarded ones: what overflows float, or rounds over the budget, is refused. */
    @Test
    void theGuardChecksTheFloatFormOfTheSolution() {
        Problem p = new Problem();
        p.channel.reshape(4, 2);
        p.powerBudgetW = 8;
        WeightGuard g = new WeightGuard();
        Precoder x = new Precoder();
        x.baseband.reshape(4, 2);
        Arrays.fill(x.baseband.re, 0, 8, 1.0);
        assertTrue(g.checkSent("t", p, x));
        x.baseband.re[3] = 1e39; // finite as a double, infinite as a float
        assertFalse(g.checkSent("t", p, x));
        assertEquals(Reject.Reason.POWER_GUARD, g.reason());
        assertTrue(g.detail().contains("not finite"), g.detail());
        // 1 + 2^-30 is over the budget as a double but rounds to 1.0f: the float form is what is judged
        Arrays.fill(x.baseband.re, 0, 8, 1.0);
        x.baseband.re[0] = 1.0 + 0x1p-30 + 8e-6;
        assertFalse(g.checkSent("t", p, x), "8e-6 survives float rounding and is over the tolerance");
        x.baseband.re[0] = 1.0 + 0x1p-30;
        assertTrue(g.checkSent("t", p, x));
        assertEquals(1.0, g.sent().baseband.re[0], "the sent value is the float one");
        // hybrid: F·W is what radiates; the float form of both is kept for the writer
        x.analog.reshape(4, 2);
        Arrays.fill(x.analog.re, 0, 8, 1.0);
        x.baseband.reshape(2, 2);
        Arrays.fill(x.baseband.re, 0, 4, 0.5);
        Arrays.fill(x.baseband.im, 0, 4, 0.0);
        assertTrue(g.checkSent("t", p, x));
        assertEquals(4, g.sent().analog.rows());
        x.baseband.re[0] = 0.6;
        assertFalse(g.checkSent("t", p, x));
    }

    /** Entries set twice keep their first position, as a protobuf map builder does. */
    @Test
    void hardwareEntriesReplaceInPlace() {
        HardwareForm f = new HardwareForm();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            f.predict("k" + i, i);
        }
        f.predict("k2", -2);
        for (int i = 0; i < f.predictedCount(); i++) {
            keys.add(f.key(i));
        }
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"), keys);
        assertEquals(-2, f.value(2));
        f.clear();
        assertEquals(0, f.predictedCount());
        assertEquals(0, f.frameLength());
    }
}
