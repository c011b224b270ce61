package org.isac.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.Test;

/** The one-buffer outbound framer against Netty's prepender + encoder pair it replaced. */
class VarintFrameEncoderTest {

    private static byte[] drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = ch.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        byte[] b = ByteBufUtil.getBytes(all);
        all.release();
        return b;
    }

    @Test
    void messagesAndBuildersGetTheSameBytesAsNettysPair() {
        for (int detail : new int[] {0, 1, 100, 127, 128, 20_000}) { // prefixes of one, two and three bytes
            ControllerMessage m = ControllerMessage.newBuilder().setReject(Reject.newBuilder().setSequence(detail + 1)
                    .setReason(Reject.Reason.STALE).setDetail("y".repeat(detail))).build();
            EmbeddedChannel old = new EmbeddedChannel(new ProtobufVarint32LengthFieldPrepender(), new ProtobufEncoder());
            old.writeOutbound(m);
            EmbeddedChannel ours = new EmbeddedChannel(new VarintFrameEncoder());
            ours.writeOutbound(m);
            ours.writeOutbound(m.toBuilder());
            byte[] expected = drain(old);
            byte[] got = drain(ours);
            assertEquals(2 * expected.length, got.length);
            assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(got, 0, expected.length), "message, detail " + detail);
            assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(got, expected.length, expected.length), "builder");
        }
    }

    @Test
    void aBufferIsAWholeFrameAndPassesUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameEncoder());
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {3, 1, 2, 3});
        ch.writeOutbound(frame);
        ByteBuf out = ch.readOutbound();
        assertSame(frame, out, "no prefix added, no copy");
        assertEquals(4, out.readableBytes());
        out.release();
        assertNull(ch.readOutbound());
    }
}
