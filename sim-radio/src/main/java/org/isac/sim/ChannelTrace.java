package org.isac.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.isac.proto.record.RecordFormat;
import org.isac.proto.record.RecordingReader;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.solver.linalg.CMatrix;

/**
 * A recorded channel sequence: the channels one radio reported in a recording ({@code serve
 * --record}), with the times the controller received them. {@code channel=trace} plays it as the
 * simulated radio's true channel, sample and hold at the recorded rhythm, looping at the end, so
 * a captured run can be re-lived in loopback with the true channel known (the radio's CSI is then
 * that channel with the scenario's estimation error on top).
 */
public final class ChannelTrace {
    private final String radioId;
    private final long[] offsetNs;
    private final CMatrix[] channels;
    private final long periodNs;

    private ChannelTrace(String radioId, long[] offsetNs, CMatrix[] channels) {
        this.radioId = radioId;
        this.offsetNs = offsetNs;
        this.channels = channels;
        long last = offsetNs[offsetNs.length - 1];
        long step = offsetNs.length > 1 ? Math.max(1, last / (offsetNs.length - 1)) : 1_000_000L;
        this.periodNs = last + step; // the last sample holds for one mean interval before the loop
    }

    /**
     * The channels that radio {@code radioId} (empty: the first session with reports) reported in
     * the recording in {@code dir}, from its first session with reports, in order.
     *
     * @throws IOException when the recording cannot be read or holds no such channels
     */
    public static ChannelTrace load(Path dir, String radioId) throws IOException {
        Map<Long, String> radios = new HashMap<>();
        long[] chosen = {-1};
        int[] wideband = {0};
        List<Long> times = new ArrayList<>();
        List<CMatrix> hs = new ArrayList<>();
        RecordingReader.Outcome o = RecordingReader.read(dir, e -> {
            if (!(e.kind() == RecordFormat.Kind.IN || e.kind() == RecordFormat.Kind.OUT) || !e.fromFrontEnd()) {
                return;
            }
            FrontEndMessage m;
            try {
                m = FrontEndMessage.parseFrom(e.payload());
            } catch (InvalidProtocolBufferException garbage) {
                return;
            }
            if (m.hasHello()) {
                radios.putIfAbsent(e.connection(), m.getHello().getRadioId());
            } else if (m.hasCsi() && radios.containsKey(e.connection())) {
                String id = radios.get(e.connection());
                if (chosen[0] < 0 && (radioId.isEmpty() || radioId.equals(id))) {
                    chosen[0] = e.connection();
                }
                if (m.getCsi().getSubbandsCount() > 0 && chosen[0] == e.connection()) {
                    wideband[0] = m.getCsi().getSubbandsCount();
                }
                ComplexMatrix c = m.getCsi().getChannel();
                int n = c.getRows() * c.getCols();
                if (chosen[0] == e.connection() && n > 0 && c.getReCount() == n && c.getImCount() == n
                        && (hs.isEmpty() || (hs.get(0).rows() == c.getRows() && hs.get(0).cols() == c.getCols()))) {
                    CMatrix h = new CMatrix(c.getRows(), c.getCols());
                    for (int i = 0; i < n; i++) {
                        h.re[i] = c.getRe(i);
                        h.im[i] = c.getIm(i);
                    }
                    hs.add(h);
                    times.add(e.timeNs());
                }
            }
        });
        if (hs.isEmpty() && wideband[0] > 0) {
            throw new IOException("the recording " + dir + " holds wideband reports (" + wideband[0] + " subbands);"
                    + " channel=trace plays narrowband channels only");
        }
        if (hs.isEmpty()) {
            throw new IOException("the recording " + dir + " holds no reported channels"
                    + (radioId.isEmpty() ? "" : " of radio '" + radioId + "'; its radios: " + new java.util.TreeSet<>(radios.values()))
                    + (o.corruption().isEmpty() ? "" : " (corrupt: " + o.corruption() + ")"));
        }
        long[] off = new long[hs.size()];
        for (int i = 0; i < off.length; i++) {
            off[i] = times.get(i) - times.get(0);
        }
        return new ChannelTrace(radios.get(chosen[0]), off, hs.toArray(new CMatrix[0]));
    }

    /** The radio whose channels these are. */
    public String radioId() {
        return radioId;
    }

    public int size() {
        return channels.length;
    }

    public int antennas() {
        return channels[0].rows();
    }

    public int users() {
        return channels[0].cols();
    }

    /** The length of one pass, ns (the last sample holds for one mean interval). */
    public long periodNs() {
        return periodNs;
    }

    /** Index of the sample in force {@code elapsedNs} after the start (looping). */
    public int indexAt(long elapsedNs) {
        long t = Math.floorMod(elapsedNs, periodNs);
        int lo = 0, hi = offsetNs.length - 1;
        while (lo < hi) { // last offset <= t
            int mid = (lo + hi + 1) >>> 1;
            if (offsetNs[mid] <= t) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Sample {@code i} (do not modify). */
    public CMatrix channel(int i) {
        return channels[i];
    }
}
