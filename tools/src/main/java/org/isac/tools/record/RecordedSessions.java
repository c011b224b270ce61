package org.isac.tools.record;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.isac.proto.record.RecordingReader;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;

/** A recording read back as sessions: each connection's hello, its reports in order, and the answer each got. */
public final class RecordedSessions {
    private RecordedSessions() {
    }

    /** One report as received, and its answer (an update or a reject; null when none was recorded). */
    public record Report(CsiReport report, long receivedNs, long openOffsetNs, ControllerMessage answer, long answerNs) {
        /** received → sent on the controller's clock; −1 without an answer. */
        public long latencyNs() {
            return answer == null ? -1 : answerNs - receivedNs;
        }
    }

    /** One connection: its hello (null when it never said one), reports in order, and when it opened. */
    public record Session(long connection, FrontEndHello hello, long openNs, List<Report> reports) {
    }

    /** The sessions of the recording in {@code dir}, in order of opening; the reading outcome beside. */
    public record Read(List<Session> sessions, RecordingReader.Outcome outcome) {
    }

    public static Read read(Path dir) throws IOException {
        Map<Long, long[]> open = new HashMap<>();
        Map<Long, FrontEndHello> hellos = new HashMap<>();
        Map<Long, List<Report>> reports = new LinkedHashMap<>();
        Map<Long, Map<Long, Integer>> bySeq = new HashMap<>();
        long[] first = {Long.MIN_VALUE};
        RecordingReader.Outcome o = RecordingReader.read(dir, e -> {
            if (first[0] == Long.MIN_VALUE) {
                first[0] = e.timeNs();
            }
            long c = e.connection();
            try {
                switch (e.kind()) {
                    case OPEN -> {
                        open.put(c, new long[] {e.timeNs()});
                        reports.put(c, new ArrayList<>());
                    }
                    case IN, OUT -> {
                        if (e.fromController()) {
                            answer(e, c, reports, bySeq);
                            return;
                        }
                        FrontEndMessage m = FrontEndMessage.parseFrom(e.payload());
                        if (m.hasHello() && !hellos.containsKey(c)) {
                            hellos.put(c, m.getHello());
                        } else if (m.hasCsi()) {
                            List<Report> l = reports.computeIfAbsent(c, k -> new ArrayList<>());
                            long opened = open.getOrDefault(c, new long[] {first[0]})[0];
                            bySeq.computeIfAbsent(c, k -> new HashMap<>()).put(m.getCsi().getSequence(), l.size());
                            l.add(new Report(m.getCsi(), e.timeNs(), e.timeNs() - opened, null, 0));
                        }
                    }
                    default -> {
                    }
                }
            } catch (InvalidProtocolBufferException garbage) {
                // unreadable bytes from a peer: not a session message
            }
        });
        List<Session> sessions = new ArrayList<>();
        for (Map.Entry<Long, List<Report>> s : reports.entrySet()) {
            long c = s.getKey();
            sessions.add(new Session(c, hellos.get(c), open.getOrDefault(c, new long[] {first[0]})[0] - first[0], List.copyOf(s.getValue())));
        }
        return new Read(List.copyOf(sessions), o);
    }

    private static void answer(RecordingReader.Entry e, long c, Map<Long, List<Report>> reports, Map<Long, Map<Long, Integer>> bySeq)
            throws InvalidProtocolBufferException {
        ControllerMessage m = ControllerMessage.parseFrom(e.payload());
        long seq = m.hasUpdate() ? m.getUpdate().getSequence() : m.hasReject() ? m.getReject().getSequence() : 0;
        Integer i = seq == 0 ? null : bySeq.getOrDefault(c, Map.of()).get(seq);
        List<Report> l = reports.get(c);
        if (i != null && l.get(i).answer() == null) {
            Report r = l.get(i);
            l.set(i, new Report(r.report(), r.receivedNs(), r.openOffsetNs(), m, e.timeNs()));
        }
    }
}
