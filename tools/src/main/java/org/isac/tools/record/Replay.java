package org.isac.tools.record;

import org.isac.controller.UpdateMath;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.proto.record.Recorder;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.WeightUpdate;

/**
 * Streams a recording's CSI into a controller as its front ends did, and sets the recorded answers
 * beside the new ones. Each recorded session says its hello again (with {@code shared_clock}
 * off, so every report keeps its recorded budget deadline − capture from receipt) and sends its
 * reports, each naming the solver that answered it in the recording unless {@code --solver}
 * names another; {@code --param} adds solver parameters. Lock-step (default) sends a report when
 * the previous one is answered, so every report is solved; {@code pace} keeps the recorded
 * inter-arrival times. The replay's own controller records too, so latency on both sides is the
 * same received → sent measure.
 */
public final class Replay {
    private Replay() {
    }

    /** How to replay. */
    public record Options(boolean recordedPace, String solver, Map<String, Double> params, ControllerConfig controller) {
    }

    /** One report's two answers. Kinds: UPDATE, the reject reason, or NONE. */
    public record Row(String radioId, long sequence, String oldKind, String newKind, String oldSolver, String newSolver,
            long oldLatencyNs, long newLatencyNs, boolean oldEarlyStop, boolean newEarlyStop, int oldLayers, int newLayers,
            double oldSumRate, double newSumRate, double oldTau, double newTau, double oldCrlb, double newCrlb,
            double weightDifference, boolean identical) {
    }

    /** The rows and where the replay's own recording went. */
    public record Result(List<Row> rows, Path replayRecording) {
        public long identical() {
            return rows.stream().filter(Row::identical).count();
        }

        public long bothUpdated() {
            return rows.stream().filter(r -> r.oldKind().equals("UPDATE") && r.newKind().equals("UPDATE")).count();
        }
    }

    /** Replays {@code recording}; the new controller records into {@code out/recording}. */
    public static Result run(Path recording, Options o, Path out) throws Exception {
        RecordedSessions.Read old = RecordedSessions.read(recording);
        Path newRec = out.resolve("recording");
        ControllerConfig cfg = o.controller();
        try (Controller c = new Controller(cfg).record(Recorder.open(newRec, Recorder.Options.defaults(), cfg.clock())).start()) {
            List<Thread> threads = new ArrayList<>();
            List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            for (RecordedSessions.Session s : old.sessions()) {
                if (s.hello() == null) {
                    continue; // never said hello: its reports were refused then and would be now
                }
                Runnable r = () -> {
                    try {
                        if (o.recordedPace()) {
                            sleepUntil(t0 + s.openNs());
                        }
                        replaySession(c.port(), s, o);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                };
                if (o.recordedPace()) {
                    Thread t = new Thread(r, "replay-" + s.connection());
                    t.start();
                    threads.add(t);
                } else {
                    r.run();
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }
        RecordedSessions.Read now = RecordedSessions.read(newRec);
        return new Result(compare(old, now), newRec);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            if (left > 2_000_000) {
                Thread.sleep((left - 1_000_000) / 1_000_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static void replaySession(int port, RecordedSessions.Session s, Options o) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            FrontEndHello hello = s.hello().toBuilder().setSharedClock(false).build();
            send(out, FrontEndMessage.newBuilder().setHello(hello).build());
            ControllerMessage ack = ControllerMessage.parseDelimitedFrom(in);
            if (ack == null || !ack.hasHelloAck()) {
                return; // refused now as then (or differently: the comparison shows NONE)
            }
            Map<Long, Boolean> answered = new ConcurrentHashMap<>();
            Thread reader = null;
            if (o.recordedPace()) {
                reader = new Thread(() -> {
                    try {
                        for (ControllerMessage m; answered.size() < s.reports().size() && (m = ControllerMessage.parseDelimitedFrom(in)) != null; ) {
                            long seq = m.hasUpdate() ? m.getUpdate().getSequence() : m.hasReject() ? m.getReject().getSequence() : 0;
                            if (seq != 0) {
                                answered.put(seq, true);
                            }
                        }
                    } catch (IOException closed) {
                        // the session ends
                    }
                }, "replay-reader-" + s.connection());
                reader.start();
            }
            long t0 = System.nanoTime(), first = s.reports().isEmpty() ? 0 : s.reports().get(0).receivedNs();
            for (RecordedSessions.Report r : s.reports()) {
                CsiReport.Builder b = r.report().toBuilder();
                String solver = o.solver() != null ? o.solver()
                        : r.answer() != null && r.answer().hasUpdate() ? r.answer().getUpdate().getSolver() : null;
                if (solver != null && !solver.isEmpty()) {
                    b.setSolver(solver);
                }
                if (o.params() != null) {
                    b.putAllParams(o.params());
                }
                if (o.recordedPace()) {
                    sleepUntil(t0 + (r.receivedNs() - first));
                }
                send(out, FrontEndMessage.newBuilder().setCsi(b).build());
                if (!o.recordedPace()) {
                    long seq = r.report().getSequence();
                    for (ControllerMessage m; (m = ControllerMessage.parseDelimitedFrom(in)) != null; ) {
                        if ((m.hasUpdate() && m.getUpdate().getSequence() == seq) || (m.hasReject() && m.getReject().getSequence() == seq)
                                || (m.hasReject() && m.getReject().getSequence() == 0)) {
                            break;
                        }
                    }
                }
            }
            if (reader != null) {
                long until = System.nanoTime() + 5_000_000_000L;
                while (answered.size() < s.reports().size() && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                socket.shutdownOutput();
                reader.join(5_000);
            }
        }
    }

    private static void send(OutputStream out, FrontEndMessage m) throws IOException {
        m.writeDelimitedTo(out);
        out.flush();
    }

    /** Pairs each recorded session with the replayed one of the same radio (the n-th of that radio with the n-th). */
    static List<Row> compare(RecordedSessions.Read old, RecordedSessions.Read now) {
        Map<String, List<RecordedSessions.Session>> replayed = new HashMap<>();
        for (RecordedSessions.Session s : now.sessions()) {
            if (s.hello() != null) {
                replayed.computeIfAbsent(s.hello().getRadioId(), k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Integer> taken = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (RecordedSessions.Session s : old.sessions()) {
            if (s.hello() == null) {
                continue;
            }
            String id = s.hello().getRadioId();
            int n = taken.merge(id, 1, Integer::sum) - 1;
            List<RecordedSessions.Session> l = replayed.getOrDefault(id, List.of());
            Map<Long, RecordedSessions.Report> bySeq = new HashMap<>();
            if (n < l.size()) {
                for (RecordedSessions.Report r : l.get(n).reports()) {
                    bySeq.put(r.report().getSequence(), r);
                }
            }
            for (RecordedSessions.Report a : s.reports()) {
                rows.add(row(id, a, bySeq.get(a.report().getSequence())));
            }
        }
        return rows;
    }

    private static Row row(String id, RecordedSessions.Report a, RecordedSessions.Report b) {
        ControllerMessage ma = a.answer(), mb = b == null ? null : b.answer();
        WeightUpdate ua = ma != null && ma.hasUpdate() ? ma.getUpdate() : null, ub = mb != null && mb.hasUpdate() ? mb.getUpdate() : null;
        return new Row(id, a.report().getSequence(), kind(ma), kind(mb), ua == null ? "" : ua.getSolver(), ub == null ? "" : ub.getSolver(),
                a.latencyNs(), b == null ? -1 : b.latencyNs(), ua != null && ua.getEarlyStop(), ub != null && ub.getEarlyStop(),
                ua == null ? 0 : ua.getIterations(), ub == null ? 0 : ub.getIterations(),
                ua == null ? Double.NaN : UpdateMath.sumRateBits(a.report(), ua), ub == null ? Double.NaN : UpdateMath.sumRateBits(a.report(), ub),
                predicted(ua, "tau"), predicted(ub, "tau"), predicted(ua, "crlb"), predicted(ub, "crlb"),
                ua == null || ub == null ? Double.NaN : UpdateMath.relativeDifference(ua, ub),
                ua != null && ub != null && UpdateMath.identicalWeights(ua, ub));
    }

    private static String kind(ControllerMessage m) {
        return m == null ? "NONE" : m.hasUpdate() ? "UPDATE" : m.getReject().getReason().name();
    }

    private static double predicted(WeightUpdate u, String key) {
        return u == null ? Double.NaN : u.getPredictedOrDefault(key, Double.NaN);
    }

    /** {@code replay.csv}: one row per recorded report. */
    public static Path writeCsv(Result r, Path out) throws IOException {
        StringBuilder sb = new StringBuilder("radio_id,sequence,old_answer,new_answer,old_solver,new_solver,old_latency_ns,new_latency_ns,"
                + "old_early_stop,new_early_stop,old_layers,new_layers,old_sum_rate_bits,new_sum_rate_bits,old_tau,new_tau,old_crlb,new_crlb,"
                + "weight_difference,identical\n");
        for (Row w : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%s,%d,%d,%b,%b,%d,%d,%s,%s,%s,%s,%s,%s,%s,%b%n", w.radioId(), w.sequence(),
                    w.oldKind(), w.newKind(), w.oldSolver(), w.newSolver(), w.oldLatencyNs(), w.newLatencyNs(), w.oldEarlyStop(),
                    w.newEarlyStop(), w.oldLayers(), w.newLayers(), num(w.oldSumRate()), num(w.newSumRate()), num(w.oldTau()),
                    num(w.newTau()), num(w.oldCrlb()), num(w.newCrlb()), num(w.weightDifference()), w.identical()));
        }
        Path f = out.resolve("replay.csv");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** The side-by-side summary, per (recorded solver → replayed solver). */
    public static String summary(Result r) {
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row w : r.rows()) {
            groups.computeIfAbsent((w.oldSolver().isEmpty() ? "-" : w.oldSolver()) + " → " + (w.newSolver().isEmpty() ? "-" : w.newSolver()),
                    k -> new ArrayList<>()).add(w);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d reports replayed; weights identical for %d of the %d answered with an update both times%n%n",
                r.rows().size(), r.identical(), r.bothUpdated()));
        sb.append("| recorded → replayed | reports | updates | early stops | p50 latency µs | p99 latency µs | mean sum rate bit/s/Hz | mean τ | max ‖ΔX‖/‖X‖ | identical |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
            List<Row> l = g.getValue();
            Histogram ho = new Histogram(3), hn = new Histogram(3);
            double rateO = 0, rateN = 0, tauO = 0, tauN = 0, maxDiff = 0;
            int nRateO = 0, nRateN = 0, nTauO = 0, nTauN = 0, updO = 0, updN = 0, earlyO = 0, earlyN = 0, same = 0;
            for (Row w : l) {
                if (w.oldLatencyNs() >= 0) {
                    ho.recordValue(w.oldLatencyNs());
                }
                if (w.newLatencyNs() >= 0) {
                    hn.recordValue(w.newLatencyNs());
                }
                updO += w.oldKind().equals("UPDATE") ? 1 : 0;
                updN += w.newKind().equals("UPDATE") ? 1 : 0;
                earlyO += w.oldEarlyStop() ? 1 : 0;
                earlyN += w.newEarlyStop() ? 1 : 0;
                same += w.identical() ? 1 : 0;
                if (!Double.isNaN(w.oldSumRate())) {
                    rateO += w.oldSumRate();
                    nRateO++;
                }
                if (!Double.isNaN(w.newSumRate())) {
                    rateN += w.newSumRate();
                    nRateN++;
                }
                if (!Double.isNaN(w.oldTau())) {
                    tauO += w.oldTau();
                    nTauO++;
                }
                if (!Double.isNaN(w.newTau())) {
                    tauN += w.newTau();
                    nTauN++;
                }
                if (!Double.isNaN(w.weightDifference())) {
                    maxDiff = Math.max(maxDiff, w.weightDifference());
                }
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d / %d | %d / %d | %.0f / %.0f | %.0f / %.0f | %s / %s | %s / %s | %.3g | %d |%n",
                    g.getKey(), l.size(), updO, updN, earlyO, earlyN, us(ho, 50), us(hn, 50), us(ho, 99), us(hn, 99),
                    mean(rateO, nRateO), mean(rateN, nRateN), mean(tauO, nTauO), mean(tauN, nTauN), maxDiff, same));
        }
        sb.append("\n(recorded / replayed; latency is received → sent on each controller's clock; sum rate from the float weights on the reported channel)\n");
        return sb.toString();
    }

    private static double us(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1e3;
    }

    private static String mean(double sum, int n) {
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.3f", sum / n);
    }
}
