package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The encode stage's reused frame buffers and the pooled holder that carries one to the channel. */
class FrameBuffersTest {

    @Test
    void aBufferIsReusedOnlyOnceTheChannelReleasedIt() {
        FrameBuffers pool = new FrameBuffers();
        ByteBuf a = pool.take(100);
        assertEquals(2, a.refCnt(), "the pool's reference and the caller's");
        a.writeBytes(new byte[100]);
        ByteBuf b = pool.take(100);
        assertNotSame(a, b, "a buffer in flight is not handed out again");
        assertEquals(2, pool.inFlight());
        a.release(); // the channel wrote it
        ByteBuf c = pool.take(10_000);
        assertSame(a, c, "the released buffer is reused");
        assertEquals(0, c.readableBytes(), "cleared");
        assertTrue(c.capacity() >= 10_000, "grown to the frame");
        assertEquals(2, pool.size());
        b.release();
        c.release();
        assertEquals(0, pool.inFlight());
    }

    @Test
    void theHolderPassesItsReferenceOnOrReleasesIt() {
        FrameBuffers pool = new FrameBuffers();
        ByteBuf f = pool.take(8);
        EncodedUpdate u = EncodedUpdate.of(f, 42, 43);
        assertEquals(42, u.receivedNs());
        assertEquals(43, u.encodedNs());
        assertSame(f, u.takeContent());
        assertEquals(2, f.refCnt(), "taking the content moves the holder's reference, it adds none");
        f.release();

        // a channel without the write timer queues the holder itself; it retains and releases it as a message
        ByteBuf g = pool.take(8).writeLong(7);
        assertSame(f, g, "the frame the holder gave back is free again");
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.writeOutbound(EncodedUpdate.of(g, 1, 2));
        Object out = ch.readOutbound();
        assertTrue(out instanceof EncodedUpdate, String.valueOf(out));
        EncodedUpdate queued = (EncodedUpdate) out;
        assertSame(g, queued.content(), "the holder stays whole while a reference to it is held");
        assertEquals(2, g.refCnt());
        queued.release();
        assertEquals(1, g.refCnt(), "the holder's last release gives the frame back to the pool");
        assertNull(ch.readOutbound());
        assertEquals(0, pool.inFlight(), "free again");
        assertEquals(1, pool.size(), "one buffer served both");
    }

    /** A primer's reserve makes the buffers the first updates then take without allocating; a reserve again adds none. */
    @Test
    void reservedBuffersServeTheFirstTakes() {
        FrameBuffers pool = new FrameBuffers();
        pool.reserve(4, 0);
        assertEquals(4, pool.size());
        assertEquals(0, pool.inFlight());
        ByteBuf[] taken = new ByteBuf[4];
        for (int i = 0; i < 4; i++) {
            taken[i] = pool.take(3000);
        }
        assertEquals(4, pool.size(), "four takes in flight at once, none allocated");
        assertEquals(4, pool.inFlight());
        pool.reserve(4, 0);
        assertEquals(4, pool.size(), "held ones count, in flight or not");
        for (ByteBuf b : taken) {
            b.release();
        }
        pool.reserve(2, 10_000);
        ByteBuf big = pool.take(10_000);
        assertEquals(4, pool.size(), "free buffers were grown to the reserved capacity");
        assertTrue(big.capacity() >= 10_000);
        big.release();
    }
}
