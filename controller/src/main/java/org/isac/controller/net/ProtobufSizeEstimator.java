package org.isac.controller.net;

import com.google.protobuf.MessageLite;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * Sizes queued protobuf messages by their serialized length (plus a varint prefix), so a
 * connection's write buffer water marks count messages not yet encoded.
 */
public final class ProtobufSizeEstimator implements MessageSizeEstimator {
    public static final ProtobufSizeEstimator INSTANCE = new ProtobufSizeEstimator();

    private static final Handle HANDLE = new Handle() {
        private final Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();

        @Override
        public int size(Object msg) {
            if (msg instanceof MessageLite m) {
                return m.getSerializedSize() + 5;
            }
            return fallback.size(msg);
        }
    };

    private ProtobufSizeEstimator() {
    }

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
