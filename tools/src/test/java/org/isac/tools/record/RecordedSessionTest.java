package org.isac.tools.record;

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

    @Test
    void everyEnvelopeOfEverySessionIsRecordedAsSent() throws Exception {
        Path dir = tmp.resolve("rec");
        List<ControllerMessage> seenA = new ArrayList<>();
        List<FrontEndMessage> sentA = new ArrayList<>();
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
        assertEquals(seenA, out); // the clients left before the controller closed: no goodbye

    }
}
