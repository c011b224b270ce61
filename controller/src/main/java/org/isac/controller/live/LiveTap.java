package org.isac.controller.live;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * The live view's tap on one connection. Sits right after the varint frame decoder, like the
 * recorder: inbound it sees one {@code FrontEndMessage} envelope per buffer, outbound the
 * length-prefixed {@code ControllerMessage} envelopes. It copies the latest hello, CSI report
 * and weight update into the connection's {@link LiveSlot}s (a memcpy into a buffer that only
 * grows), and reads the few varints an ack's latency needs (an update's sequence, capture time
 * and solve end; an ack's sequence and apply time) and a reject's reason by skipping over the
 * other fields. It parses
 * no message and allocates nothing after warm-up; everything else happens on the web side.
 * Never consumes or changes what passes.
 */
final class LiveTap extends ChannelDuplexHandler {
    /** Envelope tags: field number << 3 | length-delimited. */
    private static final int HELLO = 1 << 3 | 2, CSI = 2 << 3 | 2, APPLIED = 3 << 3 | 2, UPDATE = 2 << 3 | 2, REJECT = 3 << 3 | 2;

    private final LiveTaps taps;
    private LiveConnection connection;
    /** Read position of the field scanner. */
    private int pos;
    /** Set by {@link #varint} when a varint runs past its end or is too long. */
    private boolean bad;

    LiveTap(LiveTaps taps) {
        this.taps = taps;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = taps.open(String.valueOf(ctx.channel().remoteAddress()));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        taps.close(connection);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        taps.close(connection);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            inbound(b, b.readerIndex(), b.writerIndex());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
            outbound(b, b.readerIndex(), b.writerIndex());
        }
        ctx.write(msg, promise);
    }

    /** One inbound envelope {@code b[from, end)}. */
    void inbound(ByteBuf b, int from, int end) {
        if (from >= end) {
            return;
        }
        bad = false;
        int tag = b.getByte(from);
        if (tag == CSI) {
            connection.putReport(b, from, end - from);
        } else if (tag == HELLO) {
            connection.hello.put(b, from, end - from);
        } else if (tag == APPLIED) {
            pos = from + 1;
            long len = length(b, end);
            if (len < 0 || pos + len > end) {
                return;
            }
            long sequence = 0, applyNs = 0;
            int stop = pos + (int) len;
            while (pos < stop) {
                long key = length(b, stop);
                if (key < 0) {
                    return;
                }
                int field = (int) (key >>> 3), wire = (int) (key & 7);
                if (wire == 0 && (field == 2 || field == 3)) {
                    long v = varint(b, stop);
                    if (field == 2) {
                        sequence = v;
                    } else {
                        applyNs = v;
                    }
                } else if (!skip(b, wire, stop)) {
                    return;
                }
            }
            if (!bad) {
                connection.noteApplied(sequence, applyNs);
            }
        }
    }

    /** Length-prefixed envelopes {@code b[from, end)} on their way out. */
    void outbound(ByteBuf b, int from, int end) {
        int i = from;
        while (i < end) {
            bad = false;
            pos = i;
            long len = length(b, end);
            if (len < 0 || pos + len > end) {
                return; // not a whole frame
            }
            int at = pos, next = pos + (int) len;
            if (len > 0 && b.getByte(at) == UPDATE) {
                connection.update.put(b, at, (int) len);
                scanUpdate(b, at + 1, next);
            } else if (len > 0 && b.getByte(at) == REJECT) {
                scanReject(b, at + 1, next);
            }
            i = next;
        }
    }

    /** Reads an update's sequence (2), capture_ns (10) and stages.solve_end_ns (11.3) and notes them. */
    private void scanUpdate(ByteBuf b, int from, int end) {
        pos = from;
        long len = length(b, end);
        if (len < 0 || pos + len > end) {
            return;
        }
        int stop = pos + (int) len;
        long sequence = 0, captureNs = 0, solveEndNs = 0;
        while (pos < stop) {
            long key = length(b, stop);
            if (key < 0) {
                return;
            }
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            if (wire == 0 && (field == 2 || field == 10)) {
                long v = varint(b, stop);
                if (field == 2) {
                    sequence = v;
                } else {
                    captureNs = v;
                }
            } else if (wire == 2 && field == 11) {
                long n = length(b, stop);
                if (n < 0 || pos + n > stop) {
                    return;
                }
                int stagesEnd = pos + (int) n;
                while (pos < stagesEnd) {
                    long k = length(b, stagesEnd);
                    if (k < 0) {
                        return;
                    }
                    if ((k & 7) == 0 && (k >>> 3) == 3) {
                        solveEndNs = varint(b, stagesEnd);
                    } else if (!skip(b, (int) (k & 7), stagesEnd)) {
                        return;
                    }
                }
            } else if (!skip(b, wire, stop)) {
                return;
            }
        }
        if (!bad) {
            connection.noteSent(sequence, captureNs, solveEndNs);
        }
    }

    /** Counts a Reject by its reason (field 2). */
    private void scanReject(ByteBuf b, int from, int end) {
        pos = from;
        long len = length(b, end);
        if (len < 0 || pos + len > end) {
            return;
        }
        int stop = pos + (int) len;
        long reason = 0;
        while (pos < stop) {
            long key = length(b, stop);
            if (key < 0) {
                return;
            }
            if (key == (2 << 3)) {
                reason = varint(b, stop);
            } else if (!skip(b, (int) (key & 7), stop)) {
                return;
            }
        }
        if (!bad) {
            connection.noteReject(reason);
        }
    }

    /** A base-128 varint at {@code pos} (advanced past it); sets {@link #bad} when it runs past {@code end} or is too long. */
    private long varint(ByteBuf b, int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                bad = true;
                return 0;
            }
            byte x = b.getByte(pos++);
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        bad = true;
        return 0;
    }

    /** A length or key varint: non-negative and within {@code end}, else −1. */
    private long length(ByteBuf b, int end) {
        long v = varint(b, end);
        return bad || v < 0 || v > Integer.MAX_VALUE ? -1 : v;
    }

    /** Skips one field's value of wire type {@code wire}; false on a type this schema never sends or a truncation. */
    private boolean skip(ByteBuf b, int wire, int end) {
        switch (wire) {
            case 0 -> varint(b, end);
            case 1 -> pos += 8;
            case 2 -> {
                long n = length(b, end);
                if (n < 0 || n > end - pos) {
                    return false;
                }
                pos += (int) n;
            }
            case 5 -> pos += 4;
            default -> {
                return false;
            }
        }
        return !bad && pos <= end;
    }
}
