package org.isac.fpga.frame;

/**
 * Upper bounds the parser enforces before touching a payload ({@link RejectReason#OVERSIZED}).
 *
 * @param maxN          largest N (antennas)
 * @param maxM          largest M (RF chains)
 * @param maxK          largest K (streams)
 * @param maxFrameBytes largest whole frame (header + payload + trailer)
 */
public record ParserLimits(int maxN, int maxM, int maxK, int maxFrameBytes) {
    /** Defaults: N <= 1024, M <= 256, K <= 256, frame <= 4 MiB. */
    public static final ParserLimits DEFAULT = new ParserLimits(1024, 256, 256, 4 << 20);

    public ParserLimits {
        if (maxN < 1 || maxN > FrameFormat.MAX_DIM || maxM < 1 || maxM > FrameFormat.MAX_DIM
                || maxK < 1 || maxK > FrameFormat.MAX_DIM) {
            throw new IllegalArgumentException("parser limits N, M, K must be 1.." + FrameFormat.MAX_DIM);
        }
        if (maxFrameBytes < FrameFormat.HEADER_BYTES + FrameFormat.TRAILER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least "
                    + (FrameFormat.HEADER_BYTES + FrameFormat.TRAILER_BYTES));
        }
    }
}
