package org.isac.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.Test;

class VarintFrameDecoderProtobufTest {

    private static ControllerMessage reject(long seq) {
        return ControllerMessage.newBuilder()
                .setReject(Reject.newBuilder().setSequence(seq).setReason(Reject.Reason.STALE).setDetail("x".repeat(200)))
                .build();
    }

    /** The bytes Netty's prepender + encoder put on the wire for {@code m}. */
    private static ByteBuf wire(ControllerMessage m) {
        EmbeddedChannel out = new EmbeddedChannel(new ProtobufVarint32LengthFieldPrepender(), new ProtobufEncoder());
        out.writeOutbound(m);
        ByteBuf b = Unpooled.buffer();
        for (ByteBuf part; (part = out.readOutbound()) != null; ) {
            b.writeBytes(part);
            part.release();
        }
        return b;
    }

    private static EmbeddedChannel decoder(int max) {
        return new EmbeddedChannel(new VarintFrameDecoder(max),
                new ProtobufDecoder(ControllerMessage.getDefaultInstance()));
    }

    @Test
    void reassemblesFragmentedFramesAndSplitsCoalescedOnes() {
        ByteBuf both = Unpooled.buffer().writeBytes(wire(reject(1))).writeBytes(wire(reject(2)));
        EmbeddedChannel ch = decoder(1024);
        // one byte at a time: the two-byte length prefix itself arrives in pieces
        while (both.isReadable()) {
            ch.writeInbound(both.readRetainedSlice(1));
        }
        assertEquals(reject(1), ch.readInbound());
        assertEquals(reject(2), ch.readInbound());
        assertNull(ch.readInbound());
        both.release();

        ByteBuf coalesced = Unpooled.buffer().writeBytes(wire(reject(3))).writeBytes(wire(reject(4)));
        ch.writeInbound(coalesced);
        assertEquals(reject(3), ch.readInbound());
        assertEquals(reject(4), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsFramesAboveTheMaximumBeforeBufferingThem() {
        ByteBuf frame = wire(reject(1));
        int body = frame.readableBytes() - 2; // 2-byte varint prefix for a ~210-byte body
        EmbeddedChannel ch = decoder(body - 1);
        // only the prefix has arrived: the decoder must refuse already
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(frame.readRetainedSlice(2)));
        assertEquals(TooLongFrameException.class, e.getClass());
        frame.release();

        EmbeddedChannel ok = decoder(body);
        ok.writeInbound(wire(reject(1)));
        assertEquals(reject(1), ok.readInbound());
    }

    @Test
    void rejectsGarbagePrefixes() {
        EmbeddedChannel ch = decoder(1 << 20);
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(garbage));

        // a well-framed body that is not a ControllerMessage fails in the protobuf decoder
        EmbeddedChannel ch2 = decoder(1 << 20);
        ByteBuf bad = Unpooled.wrappedBuffer(new byte[] {3, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertThrows(DecoderException.class, () -> ch2.writeInbound(bad));
    }

    @Test
    void rejectsNonPositiveMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new VarintFrameDecoder(0));
    }
}
