package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.isac.controller.metrics.ControllerMetrics.Counter;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.WeightApplied;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A radio's ack names the frame it applied by the frame's CRC-32C trailer: the echo of the sent
 * frame's trailer counts as applied; the CRC-32C of the whole frame (the same residue for every
 * intact frame) or another frame's trailer is a mismatch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AckCrcTest {
    private static int trailer(ByteString frame) {
        return frame.substring(frame.size() - 4).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static void ack(TestClient c, long seq, int crc) throws Exception {
        c.send(FrontEndMessage.newBuilder().setApplied(WeightApplied.newBuilder().setRadioId("ack-1").setSequence(seq)
                .setFrameCrc32C(crc)).build());
    }

    @Test
    void theAckEchoesTheFramesTrailer() throws Exception {
        try (Controller c = new Controller(ControllerConfig.builder().port(0).build()).start();
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(TestData.hello("ack-1", 8)));
            assertTrue(client.read().hasHelloAck());
            ByteString[] frames = new ByteString[4];
            for (int s = 1; s <= 3; s++) {
                client.send(TestData.wrap(TestData.report("ack-1", s, 8, 2).build()));
                ControllerMessage m = client.read();
                assertTrue(m.hasUpdate(), m.toString());
                frames[s] = m.getUpdate().getFpgaFrame();
                assertTrue(frames[s].size() > 40);
            }
            CRC32C whole = new CRC32C();
            whole.update(frames[2].asReadOnlyByteBuffer());
            CRC32C body = new CRC32C();
            body.update(frames[1].substring(0, frames[1].size() - 4).asReadOnlyByteBuffer());
            assertEquals((int) body.getValue(), trailer(frames[1]), "the trailer is the CRC-32C of the bytes before it");
            ack(client, 1, trailer(frames[1]));          // right
            ack(client, 2, (int) whole.getValue());      // the whole frame's residue: names no frame
            ack(client, 3, trailer(frames[1]));          // another frame's trailer
            long until = System.nanoTime() + 10_000_000_000L;
            while (c.count(Counter.APPLIED) < 3 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(3, c.count(Counter.APPLIED));
            assertEquals(2, c.count(Counter.ACK_CRC_MISMATCH));
        }
    }
}
