package org.isac.fpga.frame;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.isac.fpga.baseband.BasebandCodec;
import org.isac.fpga.baseband.CodecId;

import static org.isac.fpga.frame.FrameFormat.*;

/**
 * Strict weight-frame parser (layout in {@link FrameFormat}), versions 1 and 2 (S baseband
 * sets). Checks, in order: minimum length, magic, version, payload length against limits and the bytes given (truncated / trailing),
 * CRC32C, then header fields (mode, codec, bit widths, reserved (v1), dimensions, S &gt;= 2 (v2) and
 * limits), payload
 * length against the length the header implies, and finally every payload field (padding bits
 * zero, reserved nibbles zero, scale finite and non-negative, words in range). The first failure
 * throws {@link FrameRejectedException} with its {@link RejectReason}; nothing else is thrown
 * for bad bytes and nothing outside {@code [off, off+len)} is read.
 *
 * <p>Decodes into a reusable {@link DecodedFrame}; allocation-free once the holder has grown
 * (rejections allocate their exception). Not thread-safe (owns a CRC32C and a scratch buffer).
 */
public final class WeightFrameParser {
    private final ParserLimits limits;
    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[0];

    public WeightFrameParser(ParserLimits limits) {
        this.limits = limits;
    }

    public WeightFrameParser() {
        this(ParserLimits.DEFAULT);
    }

    public ParserLimits limits() {
        return limits;
    }

    /** Parses the remaining bytes of {@code buf} into a new holder (allocates; see {@link #parse(ByteBuffer, DecodedFrame)}). */
    public DecodedFrame parse(ByteBuffer buf) throws FrameRejectedException {
        return parse(buf, new DecodedFrame());
    }

    /** Parses the remaining bytes of {@code buf} (position and limit unchanged). */
    public DecodedFrame parse(ByteBuffer buf, DecodedFrame out) throws FrameRejectedException {
        int len = buf.remaining();
        if (buf.hasArray()) {
            return parse(buf.array(), buf.arrayOffset() + buf.position(), len, out);
        }
        if (len > limits.maxFrameBytes()) {
            throw new FrameRejectedException(RejectReason.OVERSIZED, len + " bytes exceed the limit of " + limits.maxFrameBytes());
        }
        if (scratch.length < len) {
            scratch = new byte[len];
        }
        buf.get(buf.position(), scratch, 0, len);
        return parse(scratch, 0, len, out);
    }

    /** Parses exactly {@code len} bytes at {@code buf[off]} into {@code out} and returns it. */
    public DecodedFrame parse(byte[] buf, int off, int len, DecodedFrame out) throws FrameRejectedException {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("off " + off + " len " + len + " outside array of " + buf.length);
        }
        if (len < HEADER_BYTES + TRAILER_BYTES) {
            throw new FrameRejectedException(RejectReason.TRUNCATED,
                    len + " bytes is shorter than header + trailer (" + (HEADER_BYTES + TRAILER_BYTES) + ")");
        }
        int magic = Bits.i32(buf, off + OFF_MAGIC);
        if (magic != MAGIC) {
            throw new FrameRejectedException(RejectReason.BAD_MAGIC, "magic 0x" + Integer.toHexString(magic));
        }
        int version = Bits.u8(buf, off + OFF_VERSION);
        if (version != VERSION && version != VERSION_WIDEBAND) {
            throw new FrameRejectedException(RejectReason.BAD_VERSION, "version " + version + ", expected " + VERSION
                    + " or " + VERSION_WIDEBAND);
        }
        long payload = Bits.u32(buf, off + OFF_PAYLOAD_LENGTH);
        long total = HEADER_BYTES + payload + TRAILER_BYTES;
        if (total > limits.maxFrameBytes()) {
            throw new FrameRejectedException(RejectReason.OVERSIZED,
                    "payload length " + payload + " gives a " + total + "-byte frame, limit " + limits.maxFrameBytes());
        }
        if (len < total) {
            throw new FrameRejectedException(RejectReason.TRUNCATED, len + " bytes, header announces " + total);
        }
        if (len > total) {
            throw new FrameRejectedException(RejectReason.TRAILING_BYTES, len + " bytes, header announces " + total);
        }
        int body = (int) (HEADER_BYTES + payload);
        crc.reset();
        crc.update(buf, off, body);
        int computed = (int) crc.getValue();
        int stored = Bits.i32(buf, off + body);
        if (computed != stored) {
            throw new FrameRejectedException(RejectReason.BAD_CRC,
                    "CRC32C 0x" + Integer.toHexString(stored) + " but bytes give 0x" + Integer.toHexString(computed));
        }

        int mode = Bits.u8(buf, off + OFF_MODE);
        if (mode != MODE_DIGITAL && mode != MODE_HYBRID) {
            throw new FrameRejectedException(RejectReason.BAD_MODE, "mode " + mode);
        }
        boolean hybrid = mode == MODE_HYBRID;
        int codecByte = Bits.u8(buf, off + OFF_CODEC);
        CodecId codec = CodecId.fromWire(codecByte);
        if (codec == null) {
            throw new FrameRejectedException(RejectReason.BAD_CODEC, "codec " + codecByte);
        }
        int phaseBits = Bits.u8(buf, off + OFF_PHASE_BITS);
        int bbBits = Bits.u8(buf, off + OFF_BASEBAND_BITS);
        int gainBits = Bits.u8(buf, off + OFF_GAIN_BITS);
        int gainStep = Bits.u16(buf, off + OFF_GAIN_STEP);
        if (hybrid ? phaseBits < 1 || phaseBits > 8 : phaseBits != 0) {
            throw new FrameRejectedException(RejectReason.BAD_BITS,
                    "phase bits " + phaseBits + (hybrid ? " not in 1..8" : " in a digital frame (must be 0)"));
        }
        int bbMin = codec == CodecId.FIXED ? 2 : 1;
        if (bbBits < bbMin || bbBits > 16) {
            throw new FrameRejectedException(RejectReason.BAD_BITS, "baseband bits " + bbBits + " not in " + bbMin + "..16 for " + codec);
        }
        if (hybrid ? gainBits > 8 : gainBits != 0) {
            throw new FrameRejectedException(RejectReason.BAD_BITS,
                    "gain bits " + gainBits + (hybrid ? " not in 0..8" : " in a digital frame (must be 0)"));
        }
        if ((gainBits == 0) != (gainStep == 0)) {
            throw new FrameRejectedException(RejectReason.BAD_BITS,
                    "gain step " + gainStep + " centi-dB inconsistent with " + gainBits + " gain bits");
        }
        boolean wide = version == VERSION_WIDEBAND;
        int reserved = Bits.u16(buf, off + OFF_RESERVED);
        if (!wide && reserved != 0) {
            throw new FrameRejectedException(RejectReason.BAD_RESERVED, "reserved header field 0x" + Integer.toHexString(reserved));
        }
        int subbands = wide ? reserved : 1;
        int n = Bits.u16(buf, off + OFF_N);
        int m = Bits.u16(buf, off + OFF_M);
        int k = Bits.u16(buf, off + OFF_K);
        if (n < 1 || k < 1 || (hybrid ? m < 1 : m != 0)) {
            throw new FrameRejectedException(RejectReason.BAD_DIMENSIONS, "N=" + n + " M=" + m + " K=" + k
                    + (hybrid ? " (hybrid needs all >= 1)" : " (digital needs N, K >= 1 and M = 0)"));
        }
        if (wide && subbands < 2) {
            throw new FrameRejectedException(RejectReason.BAD_DIMENSIONS, "version 2 frame with S=" + subbands
                    + " baseband sets (needs S >= 2; one set is a version 1 frame)");
        }
        if (n > limits.maxN() || m > limits.maxM() || k > limits.maxK()) {
            throw new FrameRejectedException(RejectReason.OVERSIZED, "N=" + n + " M=" + m + " K=" + k + " exceed limits "
                    + limits.maxN() + "/" + limits.maxM() + "/" + limits.maxK());
        }
        if (subbands > limits.maxSubbands()) {
            throw new FrameRejectedException(RejectReason.OVERSIZED, "S=" + subbands + " baseband sets exceed the limit "
                    + limits.maxSubbands());
        }
        long expected = payloadBytes(hybrid, n, m, k, phaseBits, gainBits, codec, bbBits, subbands);
        if (expected != payload) {
            throw new FrameRejectedException(RejectReason.LENGTH_MISMATCH,
                    "payload length " + payload + " but header fields imply " + expected
                            + (wide ? " (S=" + subbands + " baseband sets)" : ""));
        }

        int rows = hybrid ? m : n;
        int shifters = hybrid ? n * m : 0;
        int entries = rows * k;
        out.ensure(shifters, entries, k, subbands);
        int pos = off + HEADER_BYTES;
        if (hybrid) {
            pos = Bits.unpack(buf, pos, shifters, phaseBits, false, out.phaseCodes, 0, 1);
            if (pos < 0) {
                throw new FrameRejectedException(RejectReason.BAD_PADDING, "phase-code section has non-zero padding bits");
            }
            if (gainBits > 0) {
                pos = Bits.unpack(buf, pos, shifters, gainBits, false, out.gainCodes, 0, 1);
                if (pos < 0) {
                    throw new FrameRejectedException(RejectReason.BAD_PADDING, "gain-code section has non-zero padding bits");
                }
            }
        }
        BasebandCodec bb = codec == CodecId.FIXED ? fixed(bbBits) : bfp(bbBits);
        int section = (int) basebandBytes(codec, bbBits, rows, k);
        for (int b = 0; b < subbands; b++) {
            out.scales[b] = bb.decodeRaw(buf, pos, rows, k, out.iqScratch, out.expScratch);
            System.arraycopy(out.iqScratch, 0, out.iq, 2 * b * entries, 2 * entries);
            System.arraycopy(out.expScratch, 0, out.exponents, b * k, k);
            pos += section;
        }
        float scale = out.scales[0];

        out.version = version;
        out.hybrid = hybrid;
        out.codec = codec;
        out.phaseBits = phaseBits;
        out.basebandBits = bbBits;
        out.gainBits = gainBits;
        out.gainStepCentiDb = gainStep;
        out.radioIdHash = Bits.i32(buf, off + OFF_RADIO_HASH);
        out.sequence = Bits.i64(buf, off + OFF_SEQUENCE);
        out.n = n;
        out.m = m;
        out.k = k;
        out.payloadLength = (int) payload;
        out.frameLength = (int) total;
        out.crc32c = stored;
        out.scale = scale;
        out.subbands = subbands;
        out.expandBaseband();
        return out;
    }

    private static final BasebandCodec[] FIXED = new BasebandCodec[17];
    private static final BasebandCodec[] BFP = new BasebandCodec[17];

    static {
        for (int b = 1; b <= 16; b++) {
            if (b >= 2) {
                FIXED[b] = BasebandCodec.of(CodecId.FIXED, b);
            }
            BFP[b] = BasebandCodec.of(CodecId.BFP, b);
        }
    }

    private static BasebandCodec fixed(int bits) {
        return FIXED[bits];
    }

    private static BasebandCodec bfp(int bits) {
        return BFP[bits];
    }
}
