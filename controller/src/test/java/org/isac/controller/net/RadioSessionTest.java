package org.isac.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestData;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.pipeline.ReportSink;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.Reject.Reason;
import org.isac.proto.v1.WeightApplied;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Session protocol and report validation on an {@link EmbeddedChannel} with a recording sink. */
class RadioSessionTest {
    private static final int N = 4;
    private static final int MAX_FRAME = 4096;

    private final ControllerConfig config = ControllerConfig.builder().maxFrameBytes(MAX_FRAME).build();
    private ControllerMetrics metrics;
    private SessionRegistry registry;
    private final List<CsiReport> offered = new ArrayList<>();
    private boolean acceptOffers = true;

    private final ReportSink sink = (session, report) -> {
        if (!acceptOffers) {
            return false;
        }
        offered.add(report);
        session.markLatest(report.getSequence());
        return true;
    };

    @BeforeEach
    void setUp() {
        metrics = new ControllerMetrics();
        registry = new SessionRegistry();
        offered.clear();
    }

    private EmbeddedChannel open() {
        return new EmbeddedChannel(new SessionInitializer(config, metrics, registry, sink, null));
    }

    private static void send(EmbeddedChannel ch, FrontEndMessage m) {
        ch.writeInbound(Unpooled.wrappedBuffer(TestData.delimited(m)));
    }

    private static ControllerMessage only(EmbeddedChannel ch) {
        List<ControllerMessage> out = TestData.outbound(ch);
        assertEquals(1, out.size(), "one reply expected, got " + out);
        return out.get(0);
    }

    private EmbeddedChannel helloed(FrontEndHello hello) {
        EmbeddedChannel ch = open();
        send(ch, TestData.wrap(hello));
        assertTrue(only(ch).hasHelloAck());
        return ch;
    }

    @Test
    void helloAndReportSurviveByteByByteFragmentation() {
        EmbeddedChannel ch = open();
        byte[] hello = TestData.delimited(TestData.wrap(TestData.hello("r1", N)));
        for (byte b : hello) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ControllerMessage ack = only(ch);
        assertEquals("r1", ack.getHelloAck().getRadioId());
        assertEquals("rzf", ack.getHelloAck().getDefaultSolver());
        assertTrue(ack.getHelloAck().getSolversList().containsAll(List.of("mrt", "zf", "rzf")));

        CsiReport r = TestData.report("r1", 7, N, 2).build();
        byte[] bytes = TestData.delimited(TestData.wrap(r));
        for (int i = 0; i < bytes.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]}));
            assertEquals(i == bytes.length - 1 ? 1 : 0, offered.size(), "after byte " + i);
        }
        assertEquals(r, offered.get(0));
        assertEquals(1, metrics.count(ControllerMetrics.Counter.RECEIVED));
        assertTrue(ch.isOpen());
    }

    @Test
    void overLongFrameIsRejectedAndClosesTheConnection() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        CsiReport big = TestData.report("r1", 1, N, 2).setRadioId("x".repeat(MAX_FRAME)).build();
        send(ch, TestData.wrap(big));
        ch.runPendingTasks();
        Reject rej = TestData.reject(only(ch));
        assertEquals(Reason.FRAME_TOO_LONG, rej.getReason());
        assertTrue(rej.getDetail().contains("exceeds the maximum of " + MAX_FRAME), rej.getDetail());
        assertFalse(ch.isOpen());
        assertTrue(offered.isEmpty());
        assertFalse(registry.isConnected("r1"), "closing releases the radio id");
    }

    @Test
    void garbageIsMalformedAndTheSessionStaysUsable() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        // A well-framed body that is not protobuf: tag 0 is invalid.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 1, 2}));
        Reject rej = TestData.reject(only(ch));
        assertEquals(Reason.MALFORMED, rej.getReason());
        assertTrue(ch.isOpen());
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 2).build()));
        assertEquals(1, offered.size());
        assertTrue(TestData.outbound(ch).isEmpty());
    }

    @Test
    void emptyMessageIsMalformed() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
        assertEquals(Reason.MALFORMED, TestData.reject(only(ch)).getReason());
        assertTrue(ch.isOpen());
    }

    @Test
    void reportBeforeHelloIsRejected() {
        EmbeddedChannel ch = open();
        send(ch, TestData.wrap(TestData.report("r1", 3, N, 2).build()));
        Reject rej = TestData.reject(only(ch));
        assertEquals(Reason.NO_HELLO, rej.getReason());
        assertEquals(3, rej.getSequence());
        assertTrue(offered.isEmpty());
        assertEquals(1, metrics.snapshot().rejected(Reason.NO_HELLO));
        assertTrue(ch.isOpen());
    }

    static Stream<Arguments> badReports() {
        return Stream.of(
                bad(Reason.UNKNOWN_RADIO, r -> r.setRadioId("r2")),
                bad(Reason.BAD_DIMENSIONS, r -> r.setChannel(TestData.channel(N - 1, 2, 1))),
                bad(Reason.BAD_DIMENSIONS, r -> r.setChannel(TestData.channel(N, 2, 1).setCols(3))),
                bad(Reason.BAD_DIMENSIONS, r -> r.setChannel(TestData.channel(N, 2, 1).addIm(1f))),
                bad(Reason.BAD_DIMENSIONS, r -> r.setChannel(ComplexMatrix.newBuilder().setRows(N).setCols(0))),
                bad(Reason.NON_FINITE, r -> r.setChannel(TestData.channel(N, 2, 1).setRe(5, Float.NaN))),
                bad(Reason.NON_FINITE, r -> r.setChannel(TestData.channel(N, 2, 1).setIm(0, Float.POSITIVE_INFINITY))),
                bad(Reason.NON_FINITE, r -> r.setNoisePowerW(0, Double.NaN)),
                bad(Reason.NON_FINITE, r -> r.setPowerBudgetW(Double.POSITIVE_INFINITY)),
                bad(Reason.ZERO_CHANNEL, r -> r.setChannel(zeros(N, 2))),
                bad(Reason.TOO_MANY_USERS, r -> r.setChannel(TestData.channel(N, N + 1, 1))),
                bad(Reason.UNKNOWN_SOLVER, r -> r.setSolver("no-such-solver")),
                bad(Reason.BAD_PARAMETER, r -> r.clearNoisePowerW().addNoisePowerW(0.1).addNoisePowerW(0.1)
                        .setChannel(TestData.channel(N, 3, 1))),
                bad(Reason.BAD_PARAMETER, r -> r.clearNoisePowerW()),
                bad(Reason.BAD_PARAMETER, r -> r.setNoisePowerW(0, 0.0)),
                bad(Reason.BAD_PARAMETER, r -> r.setNoisePowerW(0, -1.0)),
                bad(Reason.BAD_PARAMETER, r -> r.setPowerBudgetW(-1.0)),
                bad(Reason.BAD_PARAMETER, r -> r.setPowerBudgetW(TestData.MAX_POWER_W * 1.5)),
                bad(Reason.BAD_PARAMETER, r -> r.putParams("reg", Double.NaN)),
                bad(Reason.BAD_PARAMETER, r -> r.putParams("reg", -1)),
                bad(Reason.BAD_DIMENSIONS, r -> r.setTxArray(ArrayGeometry.newBuilder().setHorizontal(N).setVertical(1)
                        .setSpacingWavelengths(Double.POSITIVE_INFINITY))),
                bad(Reason.BAD_PARAMETER, r -> r.setSolver("hybrid-pga").putParams("outer", 300_000)),
                bad(Reason.BAD_PARAMETER, r -> r.setSolver("hybrid-pga").putParams("inner", 2_147_483_647.0)),
                bad(Reason.BAD_PARAMETER, r -> r.setSolver("wmmse").putParams("max_iter", 2.5)),
                bad(Reason.UNKNOWN_PARAM, r -> r.putParams("regularisation", 0.1)),
                bad(Reason.UNKNOWN_PARAM, r -> r.setSolver("mrt").putParams("reg", 0.1)),
                // a report's own array may not take it past the controller's limits (sizes are
                // checked before the data, so these frames stay small)
                bad(Reason.TOO_LARGE, r -> r.setTxArray(ArrayGeometry.newBuilder().setHorizontal(65_536).setVertical(1))
                        .setChannel(ComplexMatrix.newBuilder().setRows(65_536).setCols(1))),
                bad(Reason.TOO_LARGE, r -> r.setTxArray(ArrayGeometry.newBuilder().setHorizontal(4096).setVertical(1))
                        .setChannel(ComplexMatrix.newBuilder().setRows(4096).setCols(65))));
    }

    private static Arguments bad(Reason reason, UnaryOperator<CsiReport.Builder> edit) {
        return Arguments.of(reason, edit);
    }

    private static ComplexMatrix.Builder zeros(int n, int k) {
        ComplexMatrix.Builder b = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            b.addRe(0f).addIm(-0f);
        }
        return b;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badReports")
    void invalidReportGetsItsReasonAndDisturbsNothing(Reason reason, UnaryOperator<CsiReport.Builder> edit) {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        send(ch, TestData.wrap(edit.apply(TestData.report("r1", 5, N, 2)).build()));
        Reject rej = TestData.reject(only(ch));
        assertEquals(reason, rej.getReason(), rej.getDetail());
        assertEquals(5, rej.getSequence());
        assertEquals("r1", rej.getRadioId());
        assertFalse(rej.getDetail().isBlank());
        assertTrue(offered.isEmpty());
        assertEquals(1, metrics.snapshot().rejected(reason));
        assertEquals(1, metrics.snapshot().rejected());
        // The rejected sequence was not accepted, so the same sequence is still fine.
        send(ch, TestData.wrap(TestData.report("r1", 5, N, 2).build()));
        assertEquals(1, offered.size());
        assertTrue(TestData.outbound(ch).isEmpty());
        assertTrue(ch.isOpen());
    }

    @Test
    void moreUsersThanTheHelloAllowsIsTooMany() {
        FrontEndHello h = TestData.hello("r1", N).toBuilder().setMaxUsers(2).build();
        EmbeddedChannel ch = helloed(h);
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 3).build()));
        Reject rej = TestData.reject(only(ch));
        assertEquals(Reason.TOO_MANY_USERS, rej.getReason());
        assertTrue(rej.getDetail().contains("max_users 2"), rej.getDetail());
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 2).build()));
        assertEquals(1, offered.size());
    }

    @Test
    void sequenceMustIncrease() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        send(ch, TestData.wrap(TestData.report("r1", 10, N, 2).build()));
        send(ch, TestData.wrap(TestData.report("r1", 10, N, 2).build()));
        send(ch, TestData.wrap(TestData.report("r1", 9, N, 2).build()));
        List<ControllerMessage> out = TestData.outbound(ch);
        assertEquals(2, out.size());
        for (ControllerMessage m : out) {
            assertEquals(Reason.OUT_OF_ORDER, TestData.reject(m).getReason());
        }
        send(ch, TestData.wrap(TestData.report("r1", 11, N, 2).build()));
        assertEquals(2, offered.size());
    }

    @Test
    void fullPipelineIsOverloaded() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        acceptOffers = false;
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 2).build()));
        assertEquals(Reason.OVERLOADED, TestData.reject(only(ch)).getReason());
        acceptOffers = true;
        // A refused report was not accepted: its sequence may be retried.
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 2).build()));
        assertEquals(1, offered.size());
    }

    static Stream<Arguments> badHellos() {
        FrontEndHello ok = TestData.hello("r1", N);
        return Stream.of(
                Arguments.of(Reason.BAD_HELLO, "empty radio id", ok.toBuilder().setRadioId("").build()),
                Arguments.of(Reason.BAD_HELLO, "no tx array", ok.toBuilder().clearTxArray().build()),
                Arguments.of(Reason.BAD_HELLO, "tx vertical 0", ok.toBuilder().setTxArray(ArrayGeometry.newBuilder().setHorizontal(4)).build()),
                Arguments.of(Reason.BAD_HELLO, "zero power", ok.toBuilder().setMaxPowerW(0).build()),
                Arguments.of(Reason.BAD_HELLO, "NaN power", ok.toBuilder().setMaxPowerW(Double.NaN).build()),
                Arguments.of(Reason.BAD_HELLO, "infinite power", ok.toBuilder().setMaxPowerW(Double.POSITIVE_INFINITY).build()),
                Arguments.of(Reason.BAD_HELLO, "more RF chains than elements", ok.toBuilder().setRfChains(N + 1).build()),
                Arguments.of(Reason.BAD_HELLO, "rf_chains 2^32 - 1 (negative as a Java int)", ok.toBuilder().setRfChains(-1).build()),
                Arguments.of(Reason.BAD_HELLO, "max_users 2^32 - 1", ok.toBuilder().setMaxUsers(-1).build()),
                Arguments.of(Reason.BAD_HELLO, "protocol_version 7", ok.toBuilder().setProtocolVersion(7).build()),
                Arguments.of(Reason.BAD_HELLO, "radio id of 200 characters", ok.toBuilder().setRadioId("r".repeat(200)).build()),
                Arguments.of(Reason.BAD_HELLO, "phase_bits 12 (the frame carries 1..8)", ok.toBuilder().setPhaseBits(12).build()),
                Arguments.of(Reason.BAD_HELLO, "baseband_bits 40", ok.toBuilder().setBasebandBits(40).build()),
                Arguments.of(Reason.BAD_HELLO, "tx spacing -0.4 wavelengths", ok.toBuilder().setTxArray(ok.getTxArray().toBuilder()
                        .setSpacingWavelengths(-0.4)).build()),
                Arguments.of(Reason.BAD_HELLO, "rx spacing NaN", ok.toBuilder().setRxArray(ArrayGeometry.newBuilder().setHorizontal(4)
                        .setVertical(1).setSpacingWavelengths(Double.NaN)).build()),
                Arguments.of(Reason.TOO_LARGE, "max_power_w 1e308", ok.toBuilder().setMaxPowerW(1e308).build()),
                Arguments.of(Reason.TOO_LARGE, "65536-element tx array", ok.toBuilder().setTxArray(ArrayGeometry.newBuilder()
                        .setHorizontal(65_536).setVertical(1)).build()),
                Arguments.of(Reason.TOO_LARGE, "4096 x 4096 rx array", ok.toBuilder().setRxArray(ArrayGeometry.newBuilder()
                        .setHorizontal(4096).setVertical(4096)).build()),
                Arguments.of(Reason.TOO_LARGE, "2^32 - 1 subbands", ok.toBuilder().setSubbands(-1).build()),
                Arguments.of(Reason.TOO_LARGE, "65 subbands (limit 64)", ok.toBuilder().setSubbands(65).build()));
    }

    /** The unknown-parameter reject lists what the solver takes. */
    @Test
    void anUnknownParameterIsNamedWithTheValidOnes() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        send(ch, TestData.wrap(TestData.report("r1", 1, N, 2).setSolver("wmmse").putParams("maxiter", 5).build()));
        Reject rej = TestData.reject(only(ch));
        assertEquals(Reason.UNKNOWN_PARAM, rej.getReason());
        assertTrue(rej.getDetail().contains("'maxiter'") && rej.getDetail().contains("max_iter, tol, init"), rej.getDetail());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badHellos")
    void badHelloIsRejectedAndMayBeRetried(Reason reason, String what, FrontEndHello h) {
        EmbeddedChannel ch = open();
        send(ch, TestData.wrap(h));
        Reject rej = TestData.reject(only(ch));
        assertEquals(reason, rej.getReason(), what + ": " + rej.getDetail());
        if (reason == Reason.TOO_LARGE) {
            assertTrue(rej.getDetail().contains("limit"), rej.getDetail());
        }
        assertFalse(registry.isConnected("r1"));
        send(ch, TestData.wrap(TestData.hello("r1", N)));
        assertTrue(only(ch).hasHelloAck());
        assertTrue(registry.isConnected("r1"));
    }

    @Test
    void duplicateRadioIsRefusedWhileTheFirstStaysConnected() {
        EmbeddedChannel first = helloed(TestData.hello("r1", N));
        EmbeddedChannel second = open();
        send(second, TestData.wrap(TestData.hello("r1", N)));
        second.runPendingTasks();
        assertEquals(Reason.DUPLICATE_RADIO, TestData.reject(only(second)).getReason());
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
        assertTrue(registry.isConnected("r1"), "the second session's close must not release r1");
        send(first, TestData.wrap(TestData.report("r1", 1, N, 2).build()));
        assertEquals(1, offered.size());

        first.close();
        assertFalse(registry.isConnected("r1"));
        EmbeddedChannel third = open();
        send(third, TestData.wrap(TestData.hello("r1", N)));
        assertTrue(only(third).hasHelloAck());
    }

    @Test
    void secondHelloOnASessionIsRejected() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        send(ch, TestData.wrap(TestData.hello("r9", N)));
        assertEquals(Reason.BAD_HELLO, TestData.reject(only(ch)).getReason());
        assertTrue(ch.isOpen());
        assertFalse(registry.isConnected("r9"));
    }

    /**
     * An ack counts only for an update this session sent, from this radio: acks naming another
     * radio, or sequences never answered with an update, are ignored and counted; a CRC that
     * differs from the frame sent is counted.
     */
    @Test
    void appliedAcksCountOnlyForUpdatesThisSessionSent() {
        EmbeddedChannel ch = helloed(TestData.hello("r1", N));
        RadioSession s = ch.pipeline().get(RadioSession.class);
        send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r1").setSequence(1)).build());
        assertEquals(0, metrics.count(ControllerMetrics.Counter.APPLIED), "nothing was sent yet");
        s.noteSent(1, 100, 0xCAFEBABEL, 0);
        s.noteSent(2, 200, 0x1234L, 0);
        send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r1").setSequence(1)
                .setFrameCrc32C(0xCAFEBABE)).build());
        send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r1").setSequence(2)
                .setFrameCrc32C(0x9999)).build());
        for (int i = 0; i < 1000; i++) { // another radio's acks, from this session
            send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r2").setSequence(2)).build());
        }
        send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("r1").setSequence(3)).build());
        assertEquals(2, metrics.count(ControllerMetrics.Counter.APPLIED));
        assertEquals(1, metrics.count(ControllerMetrics.Counter.ACK_CRC_MISMATCH));
        assertEquals(1002, metrics.count(ControllerMetrics.Counter.ACKS_IGNORED));
        assertTrue(TestData.outbound(ch).isEmpty());
    }

    /** The margin takes a higher window at once and falls a quarter of the way towards a lower one per window. */
    @Test
    void theMarginRisesAtOnceAndFallsSlowly() {
        assertEquals(300_000, RadioSession.nextMargin(0, 300_000), "the first measurement is taken as it is");
        assertEquals(500_000, RadioSession.nextMargin(300_000, 500_000));
        assertEquals(400_000, RadioSession.nextMargin(500_000, 100_000), "a quarter of the 400 µs gap");
        long m = 500_000;
        for (int i = 0; i < 40; i++) {
            m = RadioSession.nextMargin(m, 100_000);
        }
        assertTrue(m >= 100_000 && m < 101_000, "it does reach a steady lower value: " + m);
    }

    /** With a shared clock the session learns, from the radio's acks, how long its updates take from solve end to applied. */
    @Test
    void learnsTheDownlinkFromAppliedAcksOnASharedClock() {
        for (boolean shared : new boolean[] {true, false}) {
            registry = new SessionRegistry();
            EmbeddedChannel ch = helloed(TestData.hello("dl-" + shared, N).toBuilder().setSharedClock(shared).build());
            RadioSession s = ch.pipeline().get(RadioSession.class);
            assertEquals(0, s.downlinkMarginNs());
            for (long seq = 1; seq <= 2 * RadioSession.DOWNLINK_WINDOW; seq++) {
                if (seq == RadioSession.DOWNLINK_WINDOW + 1) {
                    assertEquals(0, s.downlinkMarginNs(), "the first window (start-up) is left out");
                }
                long end = 1_000_000_000L + seq * 1_000_000;
                s.noteSent(seq, end, -1, 0);
                long delay = seq <= RadioSession.DOWNLINK_WINDOW ? 5_000_000
                        : 100_000 + (seq - RadioSession.DOWNLINK_WINDOW - 1) * 1000; // then 100 µs, 101 µs, …
                send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("dl-" + shared)
                        .setSequence(seq).setApplyNs(end + delay)).build());
                // an ack for an update this session never sent is ignored
                send(ch, FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("dl-" + shared)
                        .setSequence(seq + 10_000).setApplyNs(end + 50_000_000)).build());
            }
            if (shared) {
                long p = 100_000 + (long) Math.ceil(RadioSession.MARGIN_PERCENTILE / 100 * RadioSession.DOWNLINK_WINDOW - 1) * 1000;
                assertEquals(p, s.downlinkMarginNs(), 0.02 * p, "the margin percentile of solve end → applied");
                assertTrue(s.downlinkMarginNs() > 100_000 + (RadioSession.DOWNLINK_WINDOW - 20) * 1000L, "near the top of the window");
            } else {
                assertEquals(0, s.downlinkMarginNs(), "without a shared clock the front end's apply_ns is not comparable");
            }
            ch.finishAndReleaseAll();
        }
        assertEquals(4 * RadioSession.DOWNLINK_WINDOW, metrics.snapshot().applied(), "every ack of a sent update is counted");
        assertEquals(4 * RadioSession.DOWNLINK_WINDOW, metrics.count(ControllerMetrics.Counter.ACKS_IGNORED), "acks of unsent ones are not");
    }

    /**
     * With a shared clock, an ack whose apply time is after its report's deadline is counted
     * ({@code LATE_APPLIED}); acks on time or exactly at the deadline, acks for updates without a
     * deadline, and any ack without a shared clock are not.
     */
    @Test
    void acksAppliedAfterTheDeadlineAreCountedOnASharedClock() {
        for (boolean shared : new boolean[] {true, false}) {
            registry = new SessionRegistry();
            metrics = new ControllerMetrics();
            EmbeddedChannel ch = helloed(TestData.hello("late-" + shared, N).toBuilder().setSharedClock(shared).build());
            RadioSession s = ch.pipeline().get(RadioSession.class);
            long t = 5_000_000_000L;
            java.util.function.BiConsumer<Long, Long> ack = (seq, applyNs) -> send(ch, FrontEndMessage.newBuilder()
                    .setApplied(WeightApplied.newBuilder().setRadioId("late-" + shared).setSequence(seq).setApplyNs(applyNs)).build());
            s.noteSent(1, t, -1, t + 100_000);
            ack.accept(1L, t + 90_000); // on time
            s.noteSent(2, t, -1, t + 100_000);
            ack.accept(2L, t + 100_000); // at the deadline
            s.noteSent(3, t, -1, 0);
            ack.accept(3L, t + 5_000_000); // no deadline
            s.noteSent(4, t + 10_000_000, -1, t + 11_000_000);
            ack.accept(4L, t + 11_000_001); // 1 ns late
            s.noteSent(5 + RadioSession.SENT_SLOTS, t + 20_000_000, -1, t + 21_000_000);
            ack.accept(5L, t + 30_000_000); // its slot now holds another sequence: not judged
            assertEquals(5, metrics.count(ControllerMetrics.Counter.APPLIED), "acks of sent updates are counted as applied");
            assertEquals(shared ? 1 : 0, metrics.count(ControllerMetrics.Counter.LATE_APPLIED),
                    shared ? "the one ack after its deadline" : "without a shared clock apply_ns says nothing about the deadline");
            assertEquals(shared ? 1 : 0, metrics.snapshot().perRadio().get("late-" + shared)[ControllerMetrics.RADIO_LATE], "and on the radio's own count");
            ch.finishAndReleaseAll();
        }
    }
}
