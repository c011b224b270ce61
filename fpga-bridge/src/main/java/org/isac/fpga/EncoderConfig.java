package org.isac.fpga;

import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.phase.Calibration;
import org.isac.fpga.phase.PhaseCodec;
import org.isac.proto.v1.FrontEndHello;

/**
 * Settings of a {@link WeightFrameEncoder}, validated on construction.
 *
 * @param phaseBits       phase-shifter bits, 1..8 (default {@value PhaseCodec#DEFAULT_BITS})
 * @param gainBits        attenuator bits, 0..8 (0 = front end has none; default 0)
 * @param gainStepCentiDb attenuator step in 0.01 dB, 1..65535 when {@code gainBits > 0}, else 0
 * @param codec           baseband codec (default {@link CodecId#BFP})
 * @param basebandBits    IQ width: BFP 1..16 (default 9), fixed 2..16 (normally 16)
 * @param perAntenna      also enforce {@code budget/N} per antenna row of X
 * @param tolerance       relative power tolerance of the guard, {@code 0 <= tol < 1} (default 1e-6)
 * @param calibration     per-element calibration, or null for ideal elements
 */
public record EncoderConfig(int phaseBits, int gainBits, int gainStepCentiDb, CodecId codec, int basebandBits,
                            boolean perAntenna, double tolerance, Calibration calibration) {
    public static final int DEFAULT_BFP_BITS = 9;
    public static final double DEFAULT_TOLERANCE = 1e-6;

    public EncoderConfig {
        if (phaseBits < 1 || phaseBits > 8) {
            throw new IllegalArgumentException("phaseBits must be 1..8, was " + phaseBits);
        }
        if (gainBits < 0 || gainBits > 8) {
            throw new IllegalArgumentException("gainBits must be 0..8, was " + gainBits);
        }
        if (gainBits == 0 ? gainStepCentiDb != 0 : gainStepCentiDb < 1 || gainStepCentiDb > 65535) {
            throw new IllegalArgumentException("gainStepCentiDb must be 1..65535 with attenuators and 0 without, was "
                    + gainStepCentiDb + " with " + gainBits + " gain bits");
        }
        if (codec == null) {
            throw new IllegalArgumentException("codec must be set");
        }
        int min = codec == CodecId.FIXED ? 2 : 1;
        if (basebandBits < min || basebandBits > 16) {
            throw new IllegalArgumentException("basebandBits must be " + min + "..16 for " + codec + ", was " + basebandBits);
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), was " + tolerance);
        }
    }

    /** 6-bit phases, no attenuators, 9-bit BFP, total budget only, tol 1e-6, no calibration. */
    public static EncoderConfig defaults() {
        return new EncoderConfig(PhaseCodec.DEFAULT_BITS, 0, 0, CodecId.BFP, DEFAULT_BFP_BITS, false, DEFAULT_TOLERANCE, null);
    }

    /** Phase width used for a front end whose hello says {@code phase_bits = 0} (continuous shifters): the finest the frame carries. */
    public static final int CONTINUOUS_PHASE_BITS = 8;

    /** {@link #forHello(FrontEndHello, CodecId)} with block floating point. */
    public static EncoderConfig forHello(FrontEndHello hello) {
        return forHello(hello, CodecId.BFP);
    }

    /**
     * Settings for a front end from its hello.
     * <ul>
     * <li>{@code phase_bits} 1..8 as given; 0 (continuous) becomes {@value #CONTINUOUS_PHASE_BITS}.</li>
     * <li>{@code baseband_bits} 1..16 with {@code codec} (fixed point needs at least 2); 0 (float)
     * becomes 16-bit fixed point whatever {@code codec} says.</li>
     * <li>{@code per_antenna_power} as given; no attenuators, no calibration, default tolerance
     * (add them with the {@code with*} methods).</li>
     * </ul>
     *
     * @throws IllegalArgumentException when a width is beyond what the frame carries
     *         ({@code phase_bits > 8}, {@code baseband_bits > 16}, fixed point at 1 bit)
     */
    public static EncoderConfig forHello(FrontEndHello hello, CodecId codec) {
        int pb = hello.getPhaseBits();
        int bb = hello.getBasebandBits();
        if (pb > 8) {
            throw new IllegalArgumentException("hello phase_bits " + Integer.toUnsignedString(pb)
                    + ": weight frames carry at most 8-bit phase codes");
        }
        if (bb > 16 || bb < 0) {
            throw new IllegalArgumentException("hello baseband_bits " + Integer.toUnsignedString(bb)
                    + ": weight frames carry at most 16-bit IQ words");
        }
        CodecId c = bb == 0 ? CodecId.FIXED : codec;
        return new EncoderConfig(pb == 0 ? CONTINUOUS_PHASE_BITS : pb, 0, 0, c, bb == 0 ? 16 : bb,
                hello.getPerAntennaPower(), DEFAULT_TOLERANCE, null);
    }

    public EncoderConfig withPhaseBits(int bits) {
        return new EncoderConfig(bits, gainBits, gainStepCentiDb, codec, basebandBits, perAntenna, tolerance, calibration);
    }

    public EncoderConfig withGain(int bits, int stepCentiDb) {
        return new EncoderConfig(phaseBits, bits, stepCentiDb, codec, basebandBits, perAntenna, tolerance, calibration);
    }

    public EncoderConfig withBaseband(CodecId c, int bits) {
        return new EncoderConfig(phaseBits, gainBits, gainStepCentiDb, c, bits, perAntenna, tolerance, calibration);
    }

    public EncoderConfig withPerAntenna(boolean on) {
        return new EncoderConfig(phaseBits, gainBits, gainStepCentiDb, codec, basebandBits, on, tolerance, calibration);
    }

    public EncoderConfig withTolerance(double tol) {
        return new EncoderConfig(phaseBits, gainBits, gainStepCentiDb, codec, basebandBits, perAntenna, tol, calibration);
    }

    public EncoderConfig withCalibration(Calibration cal) {
        return new EncoderConfig(phaseBits, gainBits, gainStepCentiDb, codec, basebandBits, perAntenna, tolerance, cal);
    }
}
