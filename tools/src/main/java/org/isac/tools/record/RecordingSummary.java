package org.isac.tools.record;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.isac.proto.record.RecordFormat;
import org.isac.proto.record.RecordingReader;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndMessage;

/**
 * What a recording holds, per connection: the radio (from its hello), messages of each type,
 * rejects by reason, and whether every report got exactly one answer; plus the recording's
 * span, segments, records the writer dropped, and any torn tail or corruption.
 */
public final class RecordingSummary {
    /** One connection's counts. */
    public static final class Connection {
        public final long number;
        public String peer = "";
        public String radioId = "";
        public long hellos, reports, applied, goodbyesIn, helloAcks, updates, earlyStops, rejects, goodbyesOut, unreadable;
        public final Map<String, Long> rejectReasons = new TreeMap<>();
        /** Report sequences without an answer yet / answered more than once. */
        final Set<Long> open = new HashSet<>();
        public long unanswered, answeredTwice;
        public boolean closed;

        Connection(long number) {
            this.number = number;
        }
    }

    public final Map<Long, Connection> connections = new TreeMap<>();
    public long records, dropped;
    public long firstWallNs = Long.MAX_VALUE, lastWallNs = Long.MIN_VALUE;
    public RecordingReader.Outcome outcome;

    /** Reads the recording in {@code dir}. */
    public static RecordingSummary of(Path dir) throws IOException {
        RecordingSummary s = new RecordingSummary();
        s.outcome = RecordingReader.read(dir, s::add);
        for (Connection c : s.connections.values()) {
            c.unanswered = c.open.size();
        }
        return s;
    }

    private Connection conn(long n) {
        return connections.computeIfAbsent(n, Connection::new);
    }

    private void add(RecordingReader.Entry e) {
        records++;
        firstWallNs = Math.min(firstWallNs, e.wallNs());
        lastWallNs = Math.max(lastWallNs, e.wallNs());
        switch (e.kind()) {
            case OPEN -> conn(e.connection()).peer = new String(e.payload(), java.nio.charset.StandardCharsets.UTF_8);
            case CLOSE -> conn(e.connection()).closed = true;
            case DROPPED -> dropped += ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong();
            case IN, OUT -> {
                if (e.fromFrontEnd()) {
                    inbound(conn(e.connection()), e.payload());
                } else {
                    outbound(conn(e.connection()), e.payload());
                }
            }
        }
    }

    private static void inbound(Connection c, byte[] payload) {
        FrontEndMessage m;
        try {
            m = FrontEndMessage.parseFrom(payload);
        } catch (InvalidProtocolBufferException ex) {
            c.unreadable++; // recorded as received: a peer's garbage is part of the record
            return;
        }
        switch (m.getBodyCase()) {
            case HELLO -> {
                c.hellos++;
                c.radioId = m.getHello().getRadioId();
            }
            case CSI -> {
                c.reports++;
                c.open.add(m.getCsi().getSequence());
            }
            case APPLIED -> c.applied++;
            case GOODBYE -> c.goodbyesIn++;
            default -> c.unreadable++;
        }
    }

    private static void outbound(Connection c, byte[] payload) {
        ControllerMessage m;
        try {
            m = ControllerMessage.parseFrom(payload);
        } catch (InvalidProtocolBufferException ex) {
            c.unreadable++;
            return;
        }
        switch (m.getBodyCase()) {
            case HELLO_ACK -> c.helloAcks++;
            case UPDATE -> {
                c.updates++;
                c.earlyStops += m.getUpdate().getEarlyStop() ? 1 : 0;
                answer(c, m.getUpdate().getSequence());
            }
            case REJECT -> {
                c.rejects++;
                c.rejectReasons.merge(m.getReject().getReason().name(), 1L, Long::sum);
                if (m.getReject().getSequence() != 0) {
                    answer(c, m.getReject().getSequence());
                }
            }
            case GOODBYE -> c.goodbyesOut++;
            default -> c.unreadable++;
        }
    }

    private static void answer(Connection c, long sequence) {
        if (!c.open.remove(sequence)) {
            c.answeredTwice++; // or answers a sequence never reported (a hello's reject carries none)
        }
    }

    /** Human-readable summary. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        double span = records == 0 ? 0 : (lastWallNs - firstWallNs) / 1e9;
        sb.append(String.format(Locale.ROOT, "%d records in %d segment(s), %.3f s from %s; %d dropped by the recorder%n", records,
                outcome.segments().size(), span, records == 0 ? "-" : java.time.Instant.ofEpochSecond(0, firstWallNs), dropped));
        if (outcome.tornTail() != null) {
            sb.append("torn tail (the recorder stopped mid-write; not read): ").append(outcome.tornTail()).append('\n');
        }
        for (String c : outcome.corruption()) {
            sb.append("CORRUPT: ").append(c).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%-5s %-16s %-22s %8s %8s %8s %8s %8s %10s %8s  %s%n", "conn", "radio", "peer",
                "reports", "updates", "early", "rejects", "applied", "unanswered", "twice", "reject reasons"));
        for (Connection c : connections.values()) {
            sb.append(String.format(Locale.ROOT, "%-5d %-16s %-22s %8d %8d %8d %8d %8d %10d %8d  %s%s%n", c.number,
                    c.radioId.isEmpty() ? "(no hello)" : c.radioId, c.peer, c.reports, c.updates, c.earlyStops, c.rejects,
                    c.applied, c.unanswered, c.answeredTwice, c.rejectReasons.isEmpty() ? "-" : c.rejectReasons.toString(),
                    c.unreadable > 0 ? " unreadable=" + c.unreadable : ""));
        }
        return sb.toString();
    }
}
