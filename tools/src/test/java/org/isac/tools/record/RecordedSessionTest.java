package org.isac.tools.record;

import org.isac.controller.UpdateMath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestClient;
import org.isac.controller.TestData;
import org.isac.proto.record.RecordFormat;
import org.isac.proto.record.Recorder;
import org.isac.proto.record.RecordingReader;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A controller recording two radios: every message on the wire is in the recording, byte for byte, and the summary balances. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordedSessionTest {
    @TempDir
    Path tmp;

    /**
     * Records a controller serving radios rec-a and rec-b, 20 reports each (rec-a's 7th and 14th
     * with a NaN budget, rejected); fills what rec-a sent and received.
     */
    static void recordTwoRadios(Path dir, List<FrontEndMessage> sentA, List<ControllerMessage> seenA) throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).build();
        try (Controller c = new Controller(cfg).record(Recorder.open(dir, Recorder.Options.defaults(), cfg.clock())).start();
             TestClient a = new TestClient(c.port());
             TestClient b = new TestClient(c.port())) {
            FrontEndMessage helloA = TestData.wrap(TestData.hello("rec-a", 8));
            a.send(helloA);
            sentA.add(helloA);
            seenA.add(a.read());
            b.send(TestData.wrap(TestData.hello("rec-b", 8)));
            b.read();
            for (long s = 1; s <= 20; s++) {
                FrontEndMessage r = TestData.wrap(TestData.report("rec-a", s, 8, 2).build());
                if (s % 7 == 0) {
                    r = TestData.wrap(TestData.report("rec-a", s, 8, 2).setPowerBudgetW(Double.NaN).build()); // rejected
                }
                a.send(r);
                sentA.add(r);
                seenA.add(a.read());
                b.send(TestData.wrap(TestData.report("rec-b", s, 8, 2).build()));
                b.read();
            }
        }
    }

    @Test
    void everyEnvelopeOfEverySessionIsRecordedAsSent() throws Exception {
        Path dir = tmp.resolve("rec");
        List<ControllerMessage> seenA = new ArrayList<>();
        List<FrontEndMessage> sentA = new ArrayList<>();
        recordTwoRadios(dir, sentA, seenA);
        RecordingSummary s = RecordingSummary.of(dir);
        assertTrue(s.outcome.clean(), s.outcome.toString());
        assertEquals(0, s.dropped);
        assertEquals(2, s.connections.size(), s.format());
        for (RecordingSummary.Connection c : s.connections.values()) {
            assertEquals(1, c.hellos);
            assertEquals(1, c.helloAcks);
            assertEquals(20, c.reports);
            assertEquals(20, c.updates + c.rejects, s.format());
            assertEquals(0, c.unanswered, s.format());
            assertEquals(0, c.answeredTwice, s.format());
            assertTrue(c.closed);
        }
        RecordingSummary.Connection ca = s.connections.values().stream().filter(c -> c.radioId.equals("rec-a")).findFirst().orElseThrow();
        assertEquals(2, ca.rejects, s.format());
        // radio a's envelopes, both ways, are exactly what crossed the wire, in order
        List<FrontEndMessage> in = new ArrayList<>();
        List<ControllerMessage> out = new ArrayList<>();
        RecordingReader.read(dir, e -> {
            try {
                if (e.connection() == ca.number && e.kind() == RecordFormat.Kind.IN) {
                    in.add(FrontEndMessage.parseFrom(e.payload()));
                } else if (e.connection() == ca.number && e.kind() == RecordFormat.Kind.OUT) {
                    out.add(ControllerMessage.parseFrom(e.payload()));
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        });
        assertEquals(sentA, in);
        // the clients close first; a controller closing before it saw that says goodbye as well
        if (!out.isEmpty() && out.get(out.size() - 1).hasGoodbye()) {
            out.remove(out.size() - 1);
        }
        assertEquals(seenA, out);
    }

    /** The export's tables hold what the recording holds, and the README's queries run on them. */
    @Test
    void theExportIsReadableWithPlainSql() throws Exception {
        Path dir = tmp.resolve("rec");
        List<ControllerMessage> seenA = new ArrayList<>();
        List<FrontEndMessage> sentA = new ArrayList<>();
        recordTwoRadios(dir, sentA, seenA);
        Path out = tmp.resolve("export");
        RecordingExport.Result r = RecordingExport.export(dir, out);
        assertTrue(r.outcome().clean());
        assertEquals(40L, r.rows().get("reports"));
        assertEquals(38L, r.rows().get("updates"));
        assertEquals(2L, r.rows().get("rejects"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + r.database());
             java.sql.Statement st = c.createStatement()) {
            // the Parquet files hold the same rows as the database
            for (String t : List.of("reports", "updates", "rejects", "applied")) {
                long db = one(st, "SELECT count(*) FROM " + t);
                long pq = one(st, "SELECT count(*) FROM read_parquet('" + out.resolve(t + ".parquet") + "')");
                assertEquals(r.rows().get(t), db, t);
                assertEquals(db, pq, t + ".parquet");
            }
            // the README's query: per-solver p99 latency and mean predicted sum rate
            try (java.sql.ResultSet q = st.executeQuery(RecordingExport.EXAMPLE_QUERY)) {
                assertTrue(q.next());
                assertEquals("rzf", q.getString("solver"));
                assertEquals(38, q.getLong("updates"));
                assertTrue(q.getDouble("p99_latency_us") > 0);
                assertTrue(q.getDouble("mean_sum_rate_bits") > 0);
            }
            // every update's latency is known (its report was recorded) and positive
            assertEquals(0, one(st, "SELECT count(*) FROM updates WHERE latency_ns IS NULL OR latency_ns <= 0"));
            // the stage times order themselves between receipt and send: received <= solve start <= solve end <= encoded <= sent
            assertEquals(0, one(st, "SELECT count(*) FROM updates u JOIN reports r USING (connection, sequence) WHERE NOT (r.received_ns"
                    + " <= u.solve_start_ns AND u.solve_start_ns <= u.solve_end_ns AND u.solve_end_ns <= u.encoded_ns AND u.encoded_ns <= u.sent_ns)"));
            assertEquals(2, one(st, "SELECT count(*) FROM rejects WHERE radio_id = 'rec-a' AND reason = 'NON_FINITE'"));
            // channels come back as the floats that were sent
            org.isac.proto.v1.CsiReport third = sentA.get(3).getCsi();
            try (java.sql.ResultSet q = st.executeQuery("SELECT channel_re, antennas, users FROM reports WHERE radio_id = 'rec-a' AND sequence = 3")) {
                assertTrue(q.next());
                Object[] re = (Object[]) q.getArray(1).getArray();
                assertEquals(third.getChannel().getReCount(), re.length);
                for (int i = 0; i < re.length; i++) {
                    assertEquals(third.getChannel().getRe(i), ((Number) re[i]).floatValue());
                }
                assertEquals(8, q.getInt(2));
                assertEquals(2, q.getInt(3));
            }
            // weights: the update's baseband as sent
            org.isac.proto.v1.WeightUpdate u = seenA.get(1).getUpdate();
            try (java.sql.ResultSet q = st.executeQuery("SELECT baseband_im, baseband_rows, baseband_cols FROM updates WHERE radio_id = 'rec-a' AND sequence = " + u.getSequence())) {
                assertTrue(q.next());
                Object[] im = (Object[]) q.getArray(1).getArray();
                for (int i = 0; i < im.length; i++) {
                    assertEquals(u.getBaseband().getIm(i), ((Number) im[i]).floatValue());
                }
                assertEquals(u.getBaseband().getRows(), q.getInt(2));
            }
            // the computed sum rate is the update's float weights on its own report's channel and noise
            org.isac.solver.linalg.CMatrix h = org.isac.controller.CsiMapping.fromComplexMatrix(
                    sentA.get((int) u.getSequence()).getCsi().getChannel(), new org.isac.solver.linalg.CMatrix());
            org.isac.solver.linalg.CMatrix x = org.isac.controller.CsiMapping.fromComplexMatrix(u.getBaseband(), new org.isac.solver.linalg.CMatrix());
            double want = org.isac.solver.metric.Metrics.sumRateBits(h, x, new double[] {0.1, 0.1}, new double[8]);
            try (java.sql.ResultSet q = st.executeQuery("SELECT sum_rate_bits FROM updates WHERE radio_id = 'rec-a' AND sequence = " + u.getSequence())) {
                assertTrue(q.next());
                assertEquals(want, q.getDouble(1), 1e-12);
                assertTrue(want > 0.1);
            }
        }
    }

    /**
     * Replayed with the solvers that answered it, a recording of a deterministic solver comes back
     * with bit-identical weights and the same rejects; replayed with another solver, every weight differs.
     */
    @Test
    void aReplayAnswersAsTheRecordingDidOrSaysHowItDiffers() throws Exception {
        Path dir = tmp.resolve("rec");
        recordTwoRadios(dir, new ArrayList<>(), new ArrayList<>());
        ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver("mrt").build();
        Replay.Result same = Replay.run(dir, new Replay.Options(false, null, java.util.Map.of(), cfg), tmp.resolve("same"));
        assertEquals(40, same.rows().size());
        assertEquals(38, same.bothUpdated());
        assertEquals(38, same.identical(), Replay.summary(same));
        for (Replay.Row r : same.rows()) {
            assertEquals(r.oldKind(), r.newKind(), r.toString());
            if (r.newKind().equals("UPDATE")) {
                assertEquals("rzf", r.newSolver());
                assertEquals(0.0, r.weightDifference());
                assertEquals(r.oldSumRate(), r.newSumRate());
                assertTrue(r.newLatencyNs() > 0);
            } else {
                assertEquals("NON_FINITE", r.newKind());
            }
        }
        Replay.Result other = Replay.run(dir, new Replay.Options(false, "mrt", java.util.Map.of(), cfg), tmp.resolve("other"));
        assertEquals(38, other.bothUpdated());
        assertEquals(0, other.identical());
        for (Replay.Row r : other.rows()) {
            if (r.newKind().equals("UPDATE")) {
                assertEquals("mrt", r.newSolver());
                assertTrue(r.weightDifference() > 1e-3, r.toString());
                assertTrue(r.newSumRate() < r.oldSumRate() + 1e-9 || r.newSumRate() > 0, r.toString());
            }
        }
        String summary = Replay.summary(other);
        assertTrue(summary.contains("| rzf → mrt | 38 | 38 / 38 |"), summary);
        Path csv = Replay.writeCsv(other, tmp.resolve("other"));
        assertEquals(41, java.nio.file.Files.readAllLines(csv).size());
    }

    /** {@code solve --batch DIR} solves a recording's reports offline with each session's hello: the live weights, bit for bit. */
    @Test
    void solveBatchReadsARecording() throws Exception {
        Path dir = tmp.resolve("rec");
        List<ControllerMessage> seenA = new ArrayList<>();
        recordTwoRadios(dir, new ArrayList<>(), seenA);
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        picocli.CommandLine cl = org.isac.tools.cli.Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        assertEquals(1, cl.execute("solve", "--batch", dir.toString()), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(40, lines.size());
        assertTrue(err.toString().contains("2 report(s) rejected"), err.toString());
        List<ControllerMessage> offlineA = new ArrayList<>();
        for (String l : lines) {
            ControllerMessage.Builder b = ControllerMessage.newBuilder();
            com.google.protobuf.util.JsonFormat.parser().merge(l, b);
            String radio = b.hasUpdate() ? b.getUpdate().getRadioId() : b.getReject().getDetail().isEmpty() ? "" : "rec-a";
            if (b.hasUpdate() ? radio.equals("rec-a") : true) {
                offlineA.add(b.build());
            }
        }
        // rec-a's 18 updates: the same weights and frame as the live controller sent
        int compared = 0;
        for (ControllerMessage live : seenA.subList(1, seenA.size())) {
            if (!live.hasUpdate()) {
                continue;
            }
            ControllerMessage off = offlineA.stream().filter(m -> m.hasUpdate() && m.getUpdate().getSequence() == live.getUpdate().getSequence())
                    .findFirst().orElseThrow();
            assertTrue(UpdateMath.identicalWeights(live.getUpdate(), off.getUpdate()), "sequence " + live.getUpdate().getSequence());
            compared++;
        }
        assertEquals(18, compared);
    }

    /** A simulated radio records its own side of the wire; the readers take the directions from the segments' role. */
    @Test
    void aRadioRecordsItsSideAndTheSummaryBalances() throws Exception {
        Path dir = tmp.resolve("radio-side");
        org.isac.sim.Scenario sc = org.isac.sim.Scenario.builder().radioId("fe-rec").antennas(8).users(2).solver("rzf")
                .set("reportLimit", "50").set("genieEvery", "0").build();
        Recorder rec = Recorder.open(dir, Recorder.Options.defaults(), System::nanoTime, RecordFormat.Role.FRONT_END);
        try (Controller c = new Controller(ControllerConfig.builder().port(0).build()).start();
             org.isac.sim.SimRadio radio = new org.isac.sim.SimRadio(sc, "127.0.0.1", c.port()).record(rec)) {
            org.isac.sim.SimReport r = radio.run(java.time.Duration.ofSeconds(5));
            assertEquals(50, r.reportsSent());
        } finally {
            rec.close(); // after the radio closed: its connection's CLOSE record is the last it writes
        }
        assertEquals(0, rec.dropped());
        RecordingSummary s = RecordingSummary.of(dir);
        assertTrue(s.outcome.clean(), s.outcome.toString());
        assertEquals(RecordFormat.Role.FRONT_END, s.outcome.segments().get(0).role());
        RecordingSummary.Connection c = s.connections.values().iterator().next();
        assertEquals("fe-rec", c.radioId);
        assertEquals(50, c.reports);
        assertEquals(50, c.updates + c.rejects, s.format());
        assertEquals(0, c.unanswered, s.format());
        assertEquals(c.updates, c.applied, "the radio acks every update it applies");
        assertEquals(50, RecordedSessions.read(dir).sessions().get(0).reports().size());
    }

    private static long one(java.sql.Statement st, String sql) throws java.sql.SQLException {
        try (java.sql.ResultSet q = st.executeQuery(sql)) {
            assertTrue(q.next());
            return q.getLong(1);
        }

    }
}
