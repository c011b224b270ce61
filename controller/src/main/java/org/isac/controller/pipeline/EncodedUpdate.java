package org.isac.controller.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.Recycler;

/**
 * A written weight update on its way to the socket: the complete downstream frame (varint
 * length and {@code ControllerMessage}, as {@link UpdateWriter} wrote it) and the report's
 * receipt time for the write timer. Pooled: the encode stage takes one per update, the
 * connection's write timer hands the frame on and returns the holder
 * ({@link #takeContent()}); a holder released instead (the channel is gone, say) releases
 * its reference to the frame when its own count reaches zero.
 */
public final class EncodedUpdate extends AbstractReferenceCounted implements ByteBufHolder {
    private static final Recycler<EncodedUpdate> POOL = new Recycler<>() {
        @Override
        protected EncodedUpdate newObject(Handle<EncodedUpdate> handle) {
            return new EncodedUpdate(handle);
        }
    };

    private final Recycler.Handle<EncodedUpdate> handle;
    private ByteBuf content;
    private long receivedNs;
    private long encodedNs;

    private EncodedUpdate(Recycler.Handle<EncodedUpdate> handle) {
        this.handle = handle;
    }

    /**
     * A holder (reference count 1) of {@code frame}, whose reference passes to it, for a report
     * received at {@code receivedNs} whose update was built at {@code encodedNs}.
     */
    public static EncodedUpdate of(ByteBuf frame, long receivedNs, long encodedNs) {
        EncodedUpdate u = POOL.get();
        u.setRefCnt(1);
        u.content = frame;
        u.receivedNs = receivedNs;
        u.encodedNs = encodedNs;
        return u;
    }

    /** Controller-clock receipt time of the report this update answers. */
    public long receivedNs() {
        return receivedNs;
    }

    /** Controller-clock time the update was built (its {@code StageTimes.encoded_ns}). */
    public long encodedNs() {
        return encodedNs;
    }

    /**
     * The frame with a reference of the caller's own, in exchange for this holder's reference:
     * the holder is released (and, when that was its last reference, returned to its pool).
     */
    public ByteBuf takeContent() {
        ByteBuf c = content;
        if (refCnt() == 1) { // the usual case: the holder's reference to the frame passes on as is
            content = null;
            release();
            return c;
        }
        c.retain();
        release();
        return c;
    }

    /** The last reference is gone: the frame's reference (if not taken) is released, the holder pooled. */
    @Override
    protected void deallocate() {
        ByteBuf c = content;
        content = null;
        receivedNs = 0;
        if (c != null) {
            c.release();
        }
        handle.recycle(this);
    }

    @Override
    public ByteBuf content() {
        return content;
    }

    @Override
    public ByteBufHolder copy() {
        return new DefaultByteBufHolder(content.copy());
    }

    @Override
    public ByteBufHolder duplicate() {
        return new DefaultByteBufHolder(content.duplicate());
    }

    @Override
    public ByteBufHolder retainedDuplicate() {
        return new DefaultByteBufHolder(content.retainedDuplicate());
    }

    @Override
    public ByteBufHolder replace(ByteBuf c) {
        return new DefaultByteBufHolder(c);
    }

    @Override
    public EncodedUpdate retain() {
        super.retain();
        return this;
    }

    @Override
    public EncodedUpdate retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public EncodedUpdate touch() {
        super.touch();
        return this;
    }

    @Override
    public EncodedUpdate touch(Object hint) {
        if (content != null) {
            content.touch(hint);
        }
        return this;
    }
}
