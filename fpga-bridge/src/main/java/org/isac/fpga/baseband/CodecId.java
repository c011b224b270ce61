package org.isac.fpga.baseband;

/** Baseband codec identifiers as written in the frame header's codec byte. */
public enum CodecId {
    /** {@link FixedIqCodec}: per-frame float32 scale + signed 16-bit I/Q words. */
    FIXED(1),
    /** {@link BlockFloatCodec}: per-frame float32 scale + per-vector 4-bit exponent + packed mantissas. */
    BFP(2);

    private final int wire;

    CodecId(int wire) {
        this.wire = wire;
    }

    /** Value of the codec byte. */
    public int wire() {
        return wire;
    }

    /** The codec for a codec byte, or {@code null} when unknown. */
    public static CodecId fromWire(int wire) {
        return switch (wire) {
            case 1 -> FIXED;
            case 2 -> BFP;
            default -> null;
        };
    }
}
