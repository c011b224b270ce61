package org.isac.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.HdrHistogram.Histogram;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.metrics.ControllerMetrics.Stage;
import org.isac.controller.metrics.MetricsSnapshot;
import org.isac.controller.pipeline.EncodedUpdate;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.StageTimes;
import org.isac.proto.v1.WeightUpdate;
import org.junit.jupiter.api.Test;

class WriteTimerTest {

    private static void assertOne(MetricsSnapshot m, Stage stage, long ns) {
        Histogram h = m.histogram(stage);
        assertEquals(1, h.getTotalCount(), stage + " holds one sample");
        assertEquals(ns, h.getMaxValue(), ns * 1e-3, stage.name());
    }

    @Test
    void anEncodedUpdateIsTimedFromReceiptAndFromItsBuild() {
        ControllerMetrics metrics = new ControllerMetrics();
        EmbeddedChannel ch = new EmbeddedChannel(new WriteTimer(() -> 1_000_000L, metrics));
        ByteBuf frame = Unpooled.buffer(4).writeInt(7);
        ch.writeOutbound(EncodedUpdate.of(frame, 100_000L, 700_000L));
        ByteBuf out = ch.readOutbound();
        assertSame(frame, out, "the holder's frame goes on as a plain buffer");
        out.release();
        MetricsSnapshot m = metrics.snapshot();
        assertOne(m, Stage.RECEIVED_TO_WRITTEN, 900_000L);
        assertOne(m, Stage.HAND_OFF, 300_000L);
    }

    @Test
    void aProtobufUpdateIsTimedFromItsStageTimes() {
        ControllerMetrics metrics = new ControllerMetrics();
        EmbeddedChannel ch = new EmbeddedChannel(new WriteTimer(() -> 2_000_000L, metrics));
        ControllerMessage msg = ControllerMessage.newBuilder().setUpdate(WeightUpdate.newBuilder()
                .setStages(StageTimes.newBuilder().setReceivedNs(500_000L).setEncodedNs(1_800_000L))).build();
        ch.writeOutbound(msg);
        assertSame(msg, ch.readOutbound());
        MetricsSnapshot m = metrics.snapshot();
        assertOne(m, Stage.RECEIVED_TO_WRITTEN, 1_500_000L);
        assertOne(m, Stage.HAND_OFF, 200_000L);
    }
}
