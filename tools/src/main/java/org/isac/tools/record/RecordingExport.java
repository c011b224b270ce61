package org.isac.tools.record;

import org.isac.controller.UpdateMath;
import com.google.gson.stream.JsonWriter;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.isac.proto.record.RecordingReader;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightApplied;
import org.isac.proto.v1.WeightUpdate;

/**
 * Turns a recording into tables that need none of this project's code to read: one Parquet file
 * per table ({@code reports}, {@code updates}, {@code rejects}, {@code applied}) and a DuckDB
 * database file {@code recording.duckdb} with the same tables. Rows go through newline-delimited
 * JSON files that DuckDB loads with declared column types, then DuckDB writes the Parquet files.
 *
 * <p>Times: {@code *_ns} columns on the controller's monotonic clock (received / sent), the
 * matching {@code *_at} columns as wall-clock timestamps; {@code latency_ns} of an update or
 * reject is sent − received of its report; {@code capture_ns}, {@code deadline_ns} and
 * {@code apply_ns} are the front end's clock, as on the wire; an update's {@code solve_start_ns},
 * {@code solve_end_ns} and {@code encoded_ns} are the controller's stage times from the update. {@code sum_rate_bits} of an update
 * is computed here from its float weights on its report's channel and noise (the CSI the
 * controller solved on); {@code predicted} is what the solver itself predicted. Wideband rows:
 * {@code subbands} is S (1 for narrowband), a report's {@code channel_*} and {@code noise_power_w}
 * columns hold subband 0's, an update's {@code baseband_*} columns subband 0's W and its
 * {@code sum_rate_bits} the mean over the S subbands.
 */
public final class RecordingExport {
    private RecordingExport() {
    }

    /** Column types of each table (DuckDB SQL), in order. */
    static final Map<String, Map<String, String>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("reports", columns("connection BIGINT", "radio_id VARCHAR", "sequence UBIGINT", "received_ns BIGINT",
                "received_wall_ns BIGINT", "capture_ns BIGINT", "deadline_ns BIGINT", "solver VARCHAR", "subbands INTEGER",
                "antennas INTEGER", "users INTEGER", "power_budget_w DOUBLE", "noise_power_w DOUBLE[]", "targets INTEGER",
                "channel_re FLOAT[]", "channel_im FLOAT[]"));
        TABLES.put("updates", columns("connection BIGINT", "radio_id VARCHAR", "sequence UBIGINT", "sent_ns BIGINT",
                "sent_wall_ns BIGINT", "latency_ns BIGINT", "solver VARCHAR", "solve_ns BIGINT", "solve_start_ns BIGINT",
                "solve_end_ns BIGINT", "encoded_ns BIGINT", "early_stop BOOLEAN",
                "iterations INTEGER", "layers_planned INTEGER", "subbands INTEGER", "sum_rate_bits DOUBLE", "predicted MAP(VARCHAR, DOUBLE)",
                "analog_rows INTEGER", "analog_cols INTEGER", "analog_re FLOAT[]", "analog_im FLOAT[]",
                "baseband_rows INTEGER", "baseband_cols INTEGER", "baseband_re FLOAT[]", "baseband_im FLOAT[]",
                "frame_bytes INTEGER"));
        TABLES.put("rejects", columns("connection BIGINT", "radio_id VARCHAR", "sequence UBIGINT", "sent_ns BIGINT",
                "sent_wall_ns BIGINT", "latency_ns BIGINT", "reason VARCHAR", "detail VARCHAR"));
        TABLES.put("applied", columns("connection BIGINT", "radio_id VARCHAR", "sequence UBIGINT", "received_ns BIGINT",
                "received_wall_ns BIGINT", "apply_ns BIGINT", "frame_crc32c BIGINT"));
    }

    private static Map<String, String> columns(String... defs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String d : defs) {
            int sp = d.indexOf(' ');
            m.put(d.substring(0, sp), d.substring(sp + 1));
        }
        return m;
    }

    /** Per-solver p99 latency (received → sent) and mean predicted sum rate of a run (the README quotes it). */
    public static final String EXAMPLE_QUERY = """
            SELECT solver, count(*) AS updates,
                   quantile_cont(latency_ns, 0.99) / 1e3 AS p99_latency_us,
                   avg(sum_rate_bits) AS mean_sum_rate_bits,
                   avg(CASE WHEN early_stop THEN 1 ELSE 0 END) AS early_stop_share
            FROM updates GROUP BY solver ORDER BY solver""";

    /** Rows written per table, and what reading the recording found. */
    public record Result(Map<String, Long> rows, RecordingReader.Outcome outcome, Path database) {
    }

    /** Exports the recording in {@code recording} into {@code out} (created; existing export files are replaced). */
    public static Result export(Path recording, Path out) throws IOException, SQLException {
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory(out, ".export-");
        Map<String, BufferedWriter> writers = new HashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            for (String t : TABLES.keySet()) {
                writers.put(t, Files.newBufferedWriter(tmp.resolve(t + ".jsonl"), StandardCharsets.UTF_8));
                rows.put(t, 0L);
            }
            Rows r = new Rows(writers, rows);
            RecordingReader.Outcome outcome = RecordingReader.read(recording, e -> {
                try {
                    r.add(e);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            for (BufferedWriter w : writers.values()) {
                w.close();
            }
            Path db = out.resolve("recording.duckdb");
            Files.deleteIfExists(db);
            Files.deleteIfExists(out.resolve("recording.duckdb.wal"));
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
                for (Map.Entry<String, Map<String, String>> t : TABLES.entrySet()) {
                    StringBuilder cols = new StringBuilder();
                    for (Map.Entry<String, String> col : t.getValue().entrySet()) {
                        cols.append(cols.isEmpty() ? "" : ", ").append('\'').append(col.getKey()).append("': '").append(col.getValue()).append('\'');
                    }
                    String wallCol = t.getValue().containsKey("sent_wall_ns") ? "sent" : "received";
                    s.execute("CREATE TABLE " + t.getKey() + " AS SELECT *, make_timestamp(" + wallCol + "_wall_ns // 1000) AS "
                            + wallCol + "_at FROM read_json('" + sql(tmp.resolve(t.getKey() + ".jsonl")) + "', format = 'newline_delimited', columns = {"
                            + cols + "})");
                    Path parquet = out.resolve(t.getKey() + ".parquet");
                    Files.deleteIfExists(parquet);
                    s.execute("COPY " + t.getKey() + " TO '" + sql(parquet) + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
                }
            }
            return new Result(rows, outcome, db);
        } finally {
            for (BufferedWriter w : writers.values()) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
            try (var files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
        }
    }

    private static String sql(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }

    /** Builds the rows of every table from the records, in recording order. */
    private static final class Rows {
        private final Map<String, BufferedWriter> w;
        private final Map<String, Long> count;
        private final Map<Long, String> radio = new HashMap<>();
        /** (connection, sequence) → the report and its received time, until answered. */
        private final Map<Long, Map<Long, Pending>> received = new HashMap<>();

        private record Pending(long receivedNs, CsiReport report) {
        }

        Rows(Map<String, BufferedWriter> w, Map<String, Long> count) {
            this.w = w;
            this.count = count;
        }

        void add(RecordingReader.Entry e) throws IOException {
            try {
                switch (e.kind()) {
                    case IN, OUT -> {
                        if (e.fromFrontEnd()) {
                            in(e, FrontEndMessage.parseFrom(e.payload()));
                        } else {
                            out(e, ControllerMessage.parseFrom(e.payload()));
                        }
                    }
                    case CLOSE -> received.remove(e.connection());
                    default -> {
                    }
                }
            } catch (InvalidProtocolBufferException garbage) {
                // a peer's unreadable bytes are in the recording, not in the tables
            }
        }

        /** Starts a row of {@code table}: one JSON object on a line of its own. */
        private JsonWriter row(String table) throws IOException {
            count.merge(table, 1L, Long::sum);
            JsonWriter j = new JsonWriter(w.get(table));
            j.setSerializeNulls(true);
            current = table;
            return j.beginObject();
        }

        private String current;

        private void end(JsonWriter j) throws IOException {
            j.endObject(); // JsonWriter keeps no buffer of its own: the object is in the file's writer
            w.get(current).write('\n');
        }

        private void in(RecordingReader.Entry e, FrontEndMessage m) throws IOException {
            switch (m.getBodyCase()) {
                case HELLO -> radio.put(e.connection(), m.getHello().getRadioId());
                case CSI -> {
                    CsiReport r = m.getCsi();
                    received.computeIfAbsent(e.connection(), k -> new HashMap<>()).put(r.getSequence(), new Pending(e.timeNs(), r));
                    JsonWriter j = common(row("reports"), e, r.getSequence());
                    j.name("received_ns").value(e.timeNs()).name("received_wall_ns").value(e.wallNs());
                    j.name("capture_ns").value(r.getCaptureNs()).name("deadline_ns").value(r.getDeadlineNs());
                    j.name("solver").value(r.getSolver());
                    // a wideband report: S subbands; the channel and noise columns hold subband 0's
                    boolean wide = r.getSubbandsCount() > 0;
                    ComplexMatrix ch = wide ? r.getSubbands(0).getChannel() : r.getChannel();
                    j.name("subbands").value(Math.max(1, r.getSubbandsCount()));
                    j.name("antennas").value(ch.getRows()).name("users").value(ch.getCols());
                    j.name("power_budget_w");
                    number(j, r.getPowerBudgetW());
                    j.name("noise_power_w").beginArray();
                    for (double v : wide ? r.getSubbands(0).getNoisePowerWList() : r.getNoisePowerWList()) {
                        number(j, v);
                    }
                    j.endArray();
                    j.name("targets").value(r.getTargetsCount());
                    matrixArrays(j, "channel", ch, false);
                    end(j);
                }
                case APPLIED -> {
                    WeightApplied a = m.getApplied();
                    JsonWriter j = common(row("applied"), e, a.getSequence());
                    j.name("received_ns").value(e.timeNs()).name("received_wall_ns").value(e.wallNs());
                    j.name("apply_ns").value(a.getApplyNs()).name("frame_crc32c").value(Integer.toUnsignedLong(a.getFrameCrc32C()));
                    end(j);
                }
                default -> {
                }
            }
        }

        private void out(RecordingReader.Entry e, ControllerMessage m) throws IOException {
            switch (m.getBodyCase()) {
                case UPDATE -> {
                    WeightUpdate u = m.getUpdate();
                    Pending p = pending(e, u.getSequence());
                    JsonWriter j = sent(row("updates"), e, u.getSequence(), p);
                    j.name("solver").value(u.getSolver()).name("solve_ns").value(u.getSolveNs());
                    // the controller's stage times (its clock, as received_ns / sent_ns): where an update's time went
                    j.name("solve_start_ns").value(u.getStages().getSolveStartNs()).name("solve_end_ns").value(u.getStages().getSolveEndNs())
                            .name("encoded_ns").value(u.getStages().getEncodedNs());
                    j.name("early_stop").value(u.getEarlyStop()).name("iterations").value(u.getIterations());
                    j.name("layers_planned").value(u.getLayersPlanned()).name("subbands").value(1 + u.getSubbandBasebandCount());
                    j.name("sum_rate_bits");
                    number(j, p == null ? Double.NaN : UpdateMath.sumRateBits(p.report(), u));
                    j.name("predicted").beginObject();
                    for (Map.Entry<String, Double> kv : new java.util.TreeMap<>(u.getPredictedMap()).entrySet()) {
                        j.name(kv.getKey());
                        number(j, kv.getValue());
                    }
                    j.endObject();
                    matrixArrays(j, "analog", u.getAnalog(), true);
                    matrixArrays(j, "baseband", u.getBaseband(), true);
                    j.name("frame_bytes").value(u.getFpgaFrame().size());
                    end(j);
                }
                case REJECT -> {
                    Reject r = m.getReject();
                    JsonWriter j = sent(row("rejects"), e, r.getSequence(), r.getSequence() == 0 ? null : pending(e, r.getSequence()));
                    j.name("reason").value(r.getReason().name()).name("detail").value(r.getDetail());
                    end(j);
                }
                default -> {
                }
            }
        }

        private JsonWriter common(JsonWriter j, RecordingReader.Entry e, long sequence) throws IOException {
            return j.name("connection").value(e.connection()).name("radio_id").value(radio.getOrDefault(e.connection(), ""))
                    .name("sequence").value(Long.toUnsignedString(sequence));
        }

        /** The report {@code sequence} of {@code e}'s connection, now answered; null when not recorded. */
        private Pending pending(RecordingReader.Entry e, long sequence) {
            Map<Long, Pending> r = received.get(e.connection());
            return r == null ? null : r.remove(sequence);
        }

        private JsonWriter sent(JsonWriter j, RecordingReader.Entry e, long sequence, Pending p) throws IOException {
            common(j, e, sequence);
            j.name("sent_ns").value(e.timeNs()).name("sent_wall_ns").value(e.wallNs());
            j.name("latency_ns");
            if (p == null) {
                j.nullValue();
            } else {
                j.value(e.timeNs() - p.receivedNs());
            }
            return j;
        }

        private static void matrixArrays(JsonWriter j, String name, ComplexMatrix m, boolean shape) throws IOException {
            if (shape) {
                j.name(name + "_rows").value(m.getRows()).name(name + "_cols").value(m.getCols());
            }
            j.name(name + "_re").beginArray();
            for (int i = 0; i < m.getReCount(); i++) {
                number(j, m.getRe(i));
            }
            j.endArray().name(name + "_im").beginArray();
            for (int i = 0; i < m.getImCount(); i++) {
                number(j, m.getIm(i));
            }
            j.endArray();
        }

        /** JSON has no NaN or infinity: written as null (a peer's non-finite CSI stays visible as missing). */
        private static void number(JsonWriter j, double v) throws IOException {
            if (Double.isFinite(v)) {
                j.value(v);
            } else {
                j.nullValue();
            }
        }
    }
}
