package org.isac.fpga.phase;

/**
 * Attenuator codes for front ends whose phase-shifter elements carry a step attenuator.
 *
 * <p>{@code bits} in 1..8 give codes {@code 0..2^bits-1}; code {@code c} is an attenuation of
 * {@code c * step} dB, i.e. linear amplitude {@code 10^(-c*step/20)} (code 0 = full gain).
 * The step is held in hundredths of a dB ({@code stepCentiDb}, 1..65535) so that the value in
 * the frame header is exact. Encoding a wanted amplitude {@code a} (relative to the element's
 * full gain) picks {@code c = clamp(round(-20 log10(a) / step), 0, 2^bits-1)}; {@code a <= 0} or
 * NaN gives the largest attenuation, {@code a >= 1} gives 0 (the element cannot amplify).
 * Within range the amplitude error is at most a factor {@code 10^(step/40)}.
 */
public final class GainCodec {
    private final int bits;
    private final int stepCentiDb;
    private final double stepDb;
    private final double[] amplitude;

    public GainCodec(int bits, int stepCentiDb) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("attenuator bits must be 1..8, was " + bits);
        }
        if (stepCentiDb < 1 || stepCentiDb > 65535) {
            throw new IllegalArgumentException("attenuator step must be 0.01..655.35 dB (1..65535 centi-dB), was " + stepCentiDb);
        }
        this.bits = bits;
        this.stepCentiDb = stepCentiDb;
        this.stepDb = stepCentiDb / 100.0;
        this.amplitude = new double[1 << bits];
        for (int c = 0; c < amplitude.length; c++) {
            amplitude[c] = amplitudeOf(c, stepCentiDb);
        }
    }

    /** Linear amplitude of code {@code c} for a step in centi-dB: {@code 10^(-c*step/20)}. */
    public static double amplitudeOf(int code, int stepCentiDb) {
        return Math.pow(10, -code * (stepCentiDb / 100.0) / 20.0);
    }

    public int bits() {
        return bits;
    }

    public int stepCentiDb() {
        return stepCentiDb;
    }

    public double stepDb() {
        return stepDb;
    }

    /** Largest code {@code 2^bits - 1}. */
    public int maxCode() {
        return amplitude.length - 1;
    }

    /** Nearest attenuation code for a relative amplitude. */
    public int code(double amplitude) {
        if (!(amplitude > 0)) {
            return maxCode();
        }
        if (amplitude >= 1) {
            return 0;
        }
        double c = Math.rint(-20 * Math.log10(amplitude) / stepDb);
        return c > maxCode() ? maxCode() : (int) c;
    }

    /** Linear amplitude of a code. */
    public double amplitude(int code) {
        return amplitude[code];
    }
}
