package org.isac.fpga.frame;

/** Why {@link WeightFrameParser} (or a strict decoder) refused a frame. */
public enum RejectReason {
    /** Fewer bytes than the header, trailer or the payload length announces. */
    TRUNCATED,
    /** More bytes than header + payload length + trailer. */
    TRAILING_BYTES,
    /** Frame or dimensions larger than the parser's configured limits. */
    OVERSIZED,
    /** First four bytes are not the frame magic. */
    BAD_MAGIC,
    /** Version byte is not one this parser understands. */
    BAD_VERSION,
    /** CRC32C trailer does not match the bytes before it. */
    BAD_CRC,
    /** Mode byte is neither digital nor hybrid. */
    BAD_MODE,
    /** Codec id is unknown. */
    BAD_CODEC,
    /** Phase, gain or baseband bit widths out of range for the mode and codec. */
    BAD_BITS,
    /** A reserved field or reserved bits are not zero. */
    BAD_RESERVED,
    /** N, M or K zero, or present where the mode forbids it. */
    BAD_DIMENSIONS,
    /** Payload length disagrees with the length implied by N, M, K and bit widths. */
    LENGTH_MISMATCH,
    /** Padding bits after a bit-packed section are not zero. */
    BAD_PADDING,
    /** A value field is out of its legal range (scale not finite or negative, word out of range). */
    BAD_VALUE
}
