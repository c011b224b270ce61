package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.digital.LinearPrecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller hands each solve the report's deadline less the encode margin: an anytime
 * solver's update says how many layers it ran of how many, a solve that cannot fit one layer
 * answers {@code STALE}, and the metrics count early stops per solver and the layers run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnytimeDeadlineTest {
    /** Plans 10 layers; runs one per whole second left (MRT weights); out of time with less than one. */
    static final String ANYTIME = "test-anytime";
    private static final int PLANNED = 10;

    static {
        if (!SolverRegistry.exists(ANYTIME)) {
            SolverRegistry.register(new SolverRegistry.Entry(ANYTIME, "test solver", "", () -> new Solver() {
                private final LinearPrecoder mrt = new LinearPrecoder(LinearPrecoder.Kind.MRT);

                @Override
                public String name() {
                    return ANYTIME;
                }

                @Override
                public void solve(Problem problem, Precoder out) {
                    long left = problem.budget.remainingNs();
                    mrt.solve(problem, out);
                    out.layersPlanned = PLANNED;
                    int layers = left == Long.MAX_VALUE ? PLANNED : (int) Math.min(PLANNED, Math.max(0, left / 1_000_000_000L));
                    out.iterations = layers;
                    out.earlyStop = layers < PLANNED;
                    out.deadlineStop = layers > 0 && layers < PLANNED;
                    out.outOfTime = layers == 0;
                }
            }));
        }
    }

    private static FrontEndHello hello() {
        return FrontEndHello.newBuilder().setRadioId("anytime-1").setTxArray(ArrayGeometry.newBuilder().setHorizontal(8)
                .setVertical(1)).setMaxPowerW(1.0).setProtocolVersion(1).build();
    }

    /** Sends a report with a budget of {@code budgetNs} (0 = no deadline) and returns the answer. */
    private static ControllerMessage ask(TestClient client, long sequence, long budgetNs) throws Exception {
        client.send(TestData.wrap(TestData.report("anytime-1", sequence, 8, 2).setSolver(ANYTIME).setCaptureNs(1_000)
                .setDeadlineNs(budgetNs == 0 ? 0 : 1_000 + budgetNs).setPowerBudgetW(1.0).build()));
        return client.read();
    }

    private static Limits ceiling(long millis) {
        return Limits.DEFAULT.withMaxSolveMillis(millis);
    }

    /** A report without a deadline runs under the controller's solve ceiling: an anytime solver stops there. */
    @Test
    void aReportWithoutADeadlineStopsAtTheSolveCeiling() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).encodeMarginNs(0).limits(ceiling(3_500)).build();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(hello()));
            assertTrue(client.read().hasHelloAck());
            WeightUpdate u = ask(client, 1, 0).getUpdate();
            assertEquals(PLANNED, u.getLayersPlanned());
            assertEquals(3, u.getIterations(), "3.5 s ceiling: three whole seconds");
            assertTrue(u.getEarlyStop());
        }
    }

    @Test
    void updatesSayHowManyLayersRanAndAReportWithNoTimeForOneIsStale() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).encodeMarginNs(0).limits(ceiling(20_000)).build();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(hello()));
            assertTrue(client.read().hasHelloAck());

            WeightUpdate full = ask(client, 1, 0).getUpdate();
            assertEquals(PLANNED, full.getLayersPlanned());
            assertEquals(PLANNED, full.getIterations(), "no deadline: every layer");
            assertFalse(full.getEarlyStop());

            ControllerMessage m = ask(client, 2, 5_500_000_000L); // 5.5 s: 5 whole seconds left when it solves
            assertTrue(m.hasUpdate(), m.toString());
            WeightUpdate early = m.getUpdate();
            assertEquals(PLANNED, early.getLayersPlanned());
            assertTrue(early.getIterations() >= 4 && early.getIterations() <= 5, "layers run: " + early.getIterations());
            assertTrue(early.getEarlyStop());

            ControllerMessage stale = ask(client, 3, 900_000_000L); // 0.9 s: not one layer
            assertTrue(stale.hasReject(), stale.toString());
            assertEquals(Reject.Reason.STALE, stale.getReject().getReason());
            assertTrue(stale.getReject().getDetail().contains("not even one layer"), stale.getReject().getDetail());

            MetricsSnapshot s = TestData.settled(c);
            assertEquals(1, s.earlyStops(), s.summary());
            assertEquals(Long.valueOf(1), s.earlyStopsBySolver().get(ANYTIME), s.summary());
            assertEquals(2, s.layersRunSamples(), "answered anytime solves: " + s.summary());
            assertTrue(s.layersRunMin() >= 4 && s.layersRunMin() <= 5, s.summary());
            assertEquals(1, s.stale());
            assertTrue(s.balanced(), s.summary());
            assertTrue(s.summary().contains("early_stops=1"), s.summary());
        }
    }

    @Test
    void theMarginIsValidated() {
        ControllerConfig.builder().encodeMarginNs(ControllerConfig.AUTO_ENCODE_MARGIN).build();
        ControllerConfig.builder().encodeMarginNs(0).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ControllerConfig.builder().encodeMarginNs(-5).build());
        assertTrue(e.getMessage().contains("encodeMarginNs"), e.getMessage());
    }
}
