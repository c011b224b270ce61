package org.isac.fpga.phase;

/**
 * Uniform b-bit phase-shifter codes, b in 1..8 (default 6: 64 states, 5.625 degree steps).
 *
 * <p>Step {@code D = 2*pi / 2^b}; encoding {@code code = round(phase / D) mod 2^b} (round half
 * up, result in {@code [0, 2^b)}); decoding {@code phase = code * D}. The phase error is at most
 * {@code D/2}, so for a unit-modulus entry {@code |e^{j theta} - e^{j code D}| <= 2 sin(D/4)}
 * ({@link #maxUnitError()}).
 *
 * <p>Instances are immutable; {@link #of(int)} returns shared instances.
 */
public final class PhaseCodec {
    /** Default phase-shifter resolution. */
    public static final int DEFAULT_BITS = 6;
    private static final PhaseCodec[] SHARED = new PhaseCodec[9];

    static {
        for (int b = 1; b <= 8; b++) {
            SHARED[b] = new PhaseCodec(b);
        }
    }

    private final int bits;
    private final int levels;
    private final double step;
    private final double[] cos;
    private final double[] sin;

    private PhaseCodec(int bits) {
        this.bits = bits;
        this.levels = 1 << bits;
        this.step = 2 * Math.PI / levels;
        this.cos = new double[levels];
        this.sin = new double[levels];
        for (int c = 0; c < levels; c++) {
            cos[c] = Math.cos(c * step);
            sin[c] = Math.sin(c * step);
        }
    }

    /** Shared codec for {@code bits} in 1..8. */
    public static PhaseCodec of(int bits) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("phase-shifter bits must be 1..8, was " + bits);
        }
        return SHARED[bits];
    }

    public int bits() {
        return bits;
    }

    /** Number of phase states {@code 2^bits}. */
    public int levels() {
        return levels;
    }

    /** Phase step {@code 2*pi / 2^bits} in radians. */
    public double stepRad() {
        return step;
    }

    /** Nearest code for a phase in radians (any real; NaN gives 0). */
    public int code(double phaseRad) {
        return (int) Math.floorMod(Math.round(phaseRad / step), (long) levels);
    }

    /** Phase of a code in radians, {@code code * step}. */
    public double phaseRad(int code) {
        return (code & (levels - 1)) * step;
    }

    /** {@code cos(code * step)}. */
    public double cos(int code) {
        return cos[code & (levels - 1)];
    }

    /** {@code sin(code * step)}. */
    public double sin(int code) {
        return sin[code & (levels - 1)];
    }

    /** Worst-case distance between a unit phasor and its quantized phasor: {@code 2 sin(step/4)}. */
    public double maxUnitError() {
        return 2 * Math.sin(step / 4);
    }
}
