package org.isac.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

class VarintFrameDecoderTest {

    private static byte[] frame(int length, int fill) {
        // varint prefix + body
        byte[] prefix = length < 128 ? new byte[] {(byte) length}
                : new byte[] {(byte) ((length & 0x7F) | 0x80), (byte) (length >>> 7)};
        byte[] out = new byte[prefix.length + length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < length; i++) {
            out[prefix.length + i] = (byte) (fill + i);
        }
        return out;
    }

    private static byte[] body(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void byteByByteFragmentsMakeWholeFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(1024));
        byte[] a = frame(200, 1); // two-byte prefix
        byte[] b = frame(3, 7);
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int i = 0; i < all.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {all[i]}));
            if (i < a.length - 1) {
                assertNull(ch.readInbound(), "no frame before byte " + i);
            }
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(a, 2, a.length), body(ch.readInbound()));
        assertArrayEquals(java.util.Arrays.copyOfRange(b, 1, b.length), body(ch.readInbound()));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void severalFramesInOneBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(64));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 9, 9, 0, 3, 5}));
        assertArrayEquals(new byte[] {9, 9}, body(ch.readInbound()));
        assertArrayEquals(new byte[0], body(ch.readInbound()));
        assertNull(ch.readInbound(), "the third frame is incomplete");
        ch.finishAndReleaseAll();
    }

    @Test
    void overLongLengthFailsWithoutWaitingForTheBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(100));
        TooLongFrameException e = assertThrows(TooLongFrameException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC8, 0x01, 1, 2})));
        assertEquals("frame of 200 bytes exceeds the maximum of 100 bytes", e.getMessage());
        // Later bytes are discarded: the stream cannot be re-synchronised.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 42}));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void frameAtTheLimitIsAccepted() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(100));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(100, 0)));
        assertEquals(100, body(ch.readInbound()).length);
        ch.finishAndReleaseAll();
    }

    @Test
    void sixBytePrefixIsCorrupt() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(100));
        byte f = (byte) 0x80;
        assertThrows(CorruptedFrameException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {f, f, f, f, f, 0})));
        ch.finishAndReleaseAll();
    }
}
