package org.isac.fpga.frame;

import org.isac.fpga.baseband.CodecId;

/**
 * Byte layout of a weight frame, versions 1 and 2. All multi-byte fields little-endian; see
 * {@code fpga-bridge/FRAME.md} for the full description. Version 2 (wideband) is version 1
 * with the reserved u16 at offset 30 holding S, the number of baseband sets (2..
 * {@value #MAX_SUBBANDS}), and the payload's baseband section repeated S times in subband
 * order (phase and gain codes once: F is shared); version 1 means S = 1 (reserved 0).
 *
 * <pre>
 * off size field
 *   0   4  magic            bytes "ISWF" (u32 0x46575349)
 *   4   1  version          1 (S = 1) or 2 (wideband, S >= 2)
 *   5   1  mode             0 = digital (X = W, W is N x K), 1 = hybrid (X = F W, F N x M, W M x K)
 *   6   1  codec            1 = fixed-point IQ, 2 = block floating point
 *   7   1  phaseBits        hybrid 1..8, digital 0
 *   8   1  basebandBits     fixed 2..16, BFP 1..16
 *   9   1  gainBits         hybrid 0..8 (0 = no attenuators), digital 0
 *  10   2  gainStepCentiDb  attenuator step in 0.01 dB; 0 iff gainBits = 0
 *  12   4  radioIdHash      FNV-1a-32 of the radio id's UTF-8 bytes ({@link RadioIdHash})
 *  16   8  sequence         u64
 *  24   2  N                antennas, >= 1
 *  26   2  M                RF chains (hybrid >= 1; digital 0)
 *  28   2  K                streams, >= 1
 *  30   2  reserved / S     v1: 0; v2: S, baseband sets (subbands), 2..1024
 *  32   4  payloadLength    P, bytes of payload
 *  36   P  payload          [hybrid: phase codes (N*M fields of phaseBits, LSB-first, padded to a byte),
 *                            then gain codes (N*M fields of gainBits, padded) when gainBits > 0]
 *                           baseband section of the codec (rows = M hybrid, N digital; cols = K),
 *                           S times in subband order (v2), each with its own scale / exponents
 * 36+P  4  crc32c           CRC32C (java.util.zip.CRC32C) of bytes [0, 36+P)
 * </pre>
 */
public final class FrameFormat {
    private FrameFormat() {
    }

    /** "ISWF" read as a little-endian u32. */
    public static final int MAGIC = 0x46575349;
    /** Version of a narrowband frame (one baseband set). */
    public static final int VERSION = 1;
    /** Version of a wideband frame (S >= 2 baseband sets behind one F). */
    public static final int VERSION_WIDEBAND = 2;
    /** Most baseband sets a version 2 frame may carry. */
    public static final int MAX_SUBBANDS = 1024;
    public static final int HEADER_BYTES = 36;
    public static final int TRAILER_BYTES = 4;
    public static final int MODE_DIGITAL = 0;
    public static final int MODE_HYBRID = 1;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 4;
    public static final int OFF_MODE = 5;
    public static final int OFF_CODEC = 6;
    public static final int OFF_PHASE_BITS = 7;
    public static final int OFF_BASEBAND_BITS = 8;
    public static final int OFF_GAIN_BITS = 9;
    public static final int OFF_GAIN_STEP = 10;
    public static final int OFF_RADIO_HASH = 12;
    public static final int OFF_SEQUENCE = 16;
    public static final int OFF_N = 24;
    public static final int OFF_M = 26;
    public static final int OFF_K = 28;
    public static final int OFF_RESERVED = 30;
    /** Version 2: S, the number of baseband sets (the reserved field of version 1). */
    public static final int OFF_SUBBANDS = 30;
    public static final int OFF_PAYLOAD_LENGTH = 32;

    /** Largest dimension a u16 field can hold. */
    public static final int MAX_DIM = 65535;

    /** Bytes of the baseband section for a codec, width and {@code rows x cols} matrix. */
    public static long basebandBytes(CodecId codec, int bits, int rows, int cols) {
        return switch (codec) {
            case FIXED -> 4 + 4L * rows * cols;
            case BFP -> 4 + (long) cols * (1 + Bits.packedBytes(2L * rows, bits));
        };
    }

    /** Bytes of the phase-code section (0 for digital). */
    public static long phaseBytes(boolean hybrid, int n, int m, int phaseBits) {
        return hybrid ? Bits.packedBytes((long) n * m, phaseBits) : 0;
    }

    /** Bytes of the gain-code section (0 when no attenuators). */
    public static long gainBytes(boolean hybrid, int n, int m, int gainBits) {
        return hybrid && gainBits > 0 ? Bits.packedBytes((long) n * m, gainBits) : 0;
    }

    /** Payload bytes implied by the header fields of a version 1 frame (S = 1). */
    public static long payloadBytes(boolean hybrid, int n, int m, int k, int phaseBits, int gainBits, CodecId codec, int basebandBits) {
        return payloadBytes(hybrid, n, m, k, phaseBits, gainBits, codec, basebandBits, 1);
    }

    /** Payload bytes implied by the header fields with S baseband sets. */
    public static long payloadBytes(boolean hybrid, int n, int m, int k, int phaseBits, int gainBits, CodecId codec, int basebandBits,
                                    int subbands) {
        return phaseBytes(hybrid, n, m, phaseBits) + gainBytes(hybrid, n, m, gainBits)
                + subbands * basebandBytes(codec, basebandBits, hybrid ? m : n, k);
    }

    /** The version a frame with S baseband sets is written as: 1 for S = 1, else 2. */
    public static int versionFor(int subbands) {
        return subbands == 1 ? VERSION : VERSION_WIDEBAND;
    }
}
