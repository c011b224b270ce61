package org.isac.proto.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.isac.proto.VarintFrameDecoder;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording handler in a session's pipeline: whole envelopes in and out, whatever the fragmentation. */
class RecordingHandlerTest {
    @TempDir
    Path tmp;

    private static FrontEndMessage report(long seq) {
        return FrontEndMessage.newBuilder().setCsi(CsiReport.newBuilder().setRadioId("r-1").setSequence(seq)).build();
    }

    private static ControllerMessage reject(long seq) {
        return ControllerMessage.newBuilder().setReject(Reject.newBuilder().setSequence(seq).setReason(Reject.Reason.STALE)).build();
    }

    @Test
    void recordsEveryEnvelopeWholeWithoutTouchingTheTraffic() throws Exception {
        Path dir = tmp.resolve("rec");
        AtomicLong clock = new AtomicLong(100);
        List<Object> passed = new ArrayList<>();
        try (Recorder recorder = Recorder.open(dir, Recorder.Options.defaults(), clock::incrementAndGet)) {
            EmbeddedChannel ch = new EmbeddedChannel(new VarintFrameDecoder(1 << 20), new RecordingHandler(recorder),
                    new ProtobufDecoder(FrontEndMessage.getDefaultInstance()), new ProtobufVarint32LengthFieldPrepender(), new ProtobufEncoder());
            // three reports arrive as one stream cut into 3-byte pieces
            ByteBuf stream = Unpooled.buffer();
            for (long s = 1; s <= 3; s++) {
                byte[] body = report(s).toByteArray();
                stream.writeByte(body.length).writeBytes(body);
            }
            while (stream.isReadable()) {
                ch.writeInbound(stream.readRetainedSlice(Math.min(3, stream.readableBytes())));
            }
            stream.release();
            for (Object m; (m = ch.readInbound()) != null; ) {
                passed.add(m);
            }
            ch.writeOutbound(reject(1));
            ch.writeOutbound(reject(2));
            ByteBuf out = Unpooled.buffer();
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                out.writeBytes(b);
                b.release();
            }
            ch.close();
            recorder.close();
            assertEquals(0, recorder.dropped());
            // the traffic is untouched: three decoded reports, two length-prefixed rejects
            assertEquals(List.of(report(1), report(2), report(3)), passed);
            ByteBuf want = Unpooled.buffer();
            for (long s = 1; s <= 2; s++) {
                byte[] body = reject(s).toByteArray();
                want.writeByte(body.length).writeBytes(body);
            }
            assertEquals(want, out);
        }
        List<RecordingReader.Entry> got = new ArrayList<>();
        RecordingReader.Outcome o = RecordingReader.read(dir, got::add);
        assertTrue(o.clean(), o.toString());
        List<RecordFormat.Kind> kinds = got.stream().map(RecordingReader.Entry::kind).toList();
        assertEquals(List.of(RecordFormat.Kind.OPEN, RecordFormat.Kind.IN, RecordFormat.Kind.IN, RecordFormat.Kind.IN,
                RecordFormat.Kind.OUT, RecordFormat.Kind.OUT, RecordFormat.Kind.CLOSE), kinds);
        for (int i = 0; i < 3; i++) {
            assertEquals(report(i + 1), FrontEndMessage.parseFrom(got.get(1 + i).payload()));
        }
        assertEquals(reject(1), ControllerMessage.parseFrom(got.get(4).payload()));
        assertEquals(reject(2), ControllerMessage.parseFrom(got.get(5).payload()));
        assertTrue(got.stream().allMatch(e -> e.connection() == 1));
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).timeNs() >= got.get(i - 1).timeNs(), "times in order");
        }
    }
}
