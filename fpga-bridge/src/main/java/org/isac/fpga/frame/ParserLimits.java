package org.isac.fpga.frame;

/**
 * Upper bounds the parser enforces before touching a payload ({@link RejectReason#OVERSIZED}).
 *
 * @param maxN          largest N (antennas)
 * @param maxM          largest M (RF chains)
 * @param maxK          largest K (streams)
 * @param maxFrameBytes largest whole frame (header + payload + trailer)
 * @param maxSubbands   largest S of a version 2 frame (2..{@value FrameFormat#MAX_SUBBANDS})
 */
public record ParserLimits(int maxN, int maxM, int maxK, int maxFrameBytes, int maxSubbands) {
    /** Defaults: N <= 1024, M <= 256, K <= 256, frame <= 4 MiB, S <= 1024. */
    public static final ParserLimits DEFAULT = new ParserLimits(1024, 256, 256, 4 << 20, FrameFormat.MAX_SUBBANDS);

    /** With S up to {@value FrameFormat#MAX_SUBBANDS}. */
    public ParserLimits(int maxN, int maxM, int maxK, int maxFrameBytes) {
        this(maxN, maxM, maxK, maxFrameBytes, FrameFormat.MAX_SUBBANDS);
    }

    public ParserLimits {
        if (maxN < 1 || maxN > FrameFormat.MAX_DIM || maxM < 1 || maxM > FrameFormat.MAX_DIM
                || maxK < 1 || maxK > FrameFormat.MAX_DIM) {
            throw new IllegalArgumentException("parser limits N, M, K must be 1.." + FrameFormat.MAX_DIM);
        }
        if (maxSubbands < 1 || maxSubbands > FrameFormat.MAX_SUBBANDS) {
            throw new IllegalArgumentException("parser limit maxSubbands must be 1.." + FrameFormat.MAX_SUBBANDS);
        }
        if (maxFrameBytes < FrameFormat.HEADER_BYTES + FrameFormat.TRAILER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least "
                    + (FrameFormat.HEADER_BYTES + FrameFormat.TRAILER_BYTES));
        }
    }
}
