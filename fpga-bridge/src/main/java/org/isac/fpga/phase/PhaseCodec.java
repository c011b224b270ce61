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

    /**
     * {@code code(Math.atan2(im, re) - offsetRad)}, the same code for every input, about four
     * times faster: the angle comes from {@link #atan2Approx} (within 1e-7 rad), which decides
     * the code whenever it is more than {@value #BOUNDARY_MARGIN} of a step away from a rounding
     * boundary, where the 1e-7 rad cannot move it across; nearer a boundary (about 2·10⁻⁴ of all
     * angles), and for non-finite or zero inputs, {@code Math.atan2} decides, as before.
     */
    public int codeOf(double im, double re, double offsetRad) {
        double q = (atan2Approx(im, re) - offsetRad) / step;
        double frac = q - Math.floor(q);
        if (Math.abs(frac - 0.5) > BOUNDARY_MARGIN) { // NaN fails the test and falls through
            return (int) Math.floorMod(Math.round(q), (long) levels);
        }
        return code(Math.atan2(im, re) - offsetRad);
    }

    /** Distance from a rounding boundary, in steps, below which {@link #codeOf} asks {@code Math.atan2}. */
    static final double BOUNDARY_MARGIN = 1e-4;
    private static final double SQRT3 = Math.sqrt(3);
    private static final double TAN_PI_12 = 2 - Math.sqrt(3);

    /**
     * atan2(y, x) within 1e-7 rad: octant reduction to t in [0, 1], then t > tan(π/12) shifted by
     * π/6 (atan t = π/6 + atan((√3·t − 1)/(√3 + t))), and the odd Taylor series to t⁹ on
     * |t| ≤ tan(π/12) = 0.268 (remainder ≤ 0.268¹¹/11 < 4·10⁻⁸). Signs and quadrants as
     * {@code Math.atan2}, except that (±0, ±0) gives 0 (callers treat zero and non-finite inputs
     * apart). Package-private for its test.
     */
    static double atan2Approx(double y, double x) {
        double ax = Math.abs(x), ay = Math.abs(y);
        boolean swap = ay > ax;
        double t = swap ? ax / ay : ay / ax;
        double a;
        if (t > TAN_PI_12) {
            a = Math.PI / 6 + atanSmall((t * SQRT3 - 1) / (SQRT3 + t));
        } else {
            a = atanSmall(t);
        }
        if (swap) {
            a = Math.PI / 2 - a;
        }
        if (x < 0) {
            a = Math.PI - a;
        }
        return y < 0 ? -a : a;
    }

    private static double atanSmall(double t) {
        double t2 = t * t;
        return t * (1 + t2 * (-1.0 / 3 + t2 * (1.0 / 5 + t2 * (-1.0 / 7 + t2 * (1.0 / 9)))));
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
