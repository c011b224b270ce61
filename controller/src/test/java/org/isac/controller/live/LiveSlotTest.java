package org.isac.controller.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveSlotTest {
    /** Envelope k: k in its first 4 bytes, then (byte) k, in all {@code length(k)} bytes; the lengths grow and shrink. */
    private static int length(int k) {
        return 4 + (k * 37) % 3000;
    }

    private static void fill(ByteBuf b, int k) {
        b.clear();
        b.writeInt(k);
        for (int i = 4; i < length(k); i++) {
            b.writeByte(k);
        }
    }

    @Test
    void readersNeverSeeATornEnvelopeWhileTheWriterNeverWaits() throws Exception {
        LiveSlot slot = new LiveSlot();
        assertNull(slot.copy());
        assertEquals(0, slot.version());
        int puts = 100_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                int last = -1;
                while (!done.get() && torn.get() == null) {
                    byte[] c = slot.copy();
                    if (c == null) {
                        continue;
                    }
                    reads.incrementAndGet();
                    int k = ByteBuffer.wrap(c).getInt();
                    if (c.length != length(k)) {
                        torn.set("envelope " + k + " copied with " + c.length + " bytes, not " + length(k));
                    }
                    for (int i = 4; i < c.length; i++) {
                        if (c[i] != (byte) k) {
                            torn.set("envelope " + k + " has byte " + c[i] + " at " + i);
                            break;
                        }
                    }
                    if (k < last) {
                        torn.set("envelope " + k + " read after " + last);
                    }
                    last = k;
                }
            });
            readers[r].start();
        }
        ByteBuf b = Unpooled.buffer(3004);
        for (int k = 0; k < puts && torn.get() == null; k++) {
            fill(b, k);
            slot.put(b, 0, b.readableBytes());
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertNull(torn.get(), torn.get());
        assertTrue(reads.get() > 0);
        assertEquals(puts, slot.version());
        byte[] last = slot.copy();
        assertEquals(puts - 1, ByteBuffer.wrap(last).getInt());
        assertEquals(length(puts - 1), last.length);
    }
}
