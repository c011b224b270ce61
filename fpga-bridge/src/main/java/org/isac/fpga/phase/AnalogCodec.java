package org.isac.fpga.phase;

/**
 * Maps the analog precoder F ({@code N x M}, row-major split complex) to phase-shifter codes
 * (and attenuator codes) and back to the complex values the hardware realizes.
 *
 * <p>Forward, entry {@code f = |f| e^{j theta}} of shifter {@code i} (calibration offset
 * {@code o_i}, gain {@code g_i}; 0 and 1 without a table):
 * {@code phase code = round((theta - o_i)/D) mod 2^b}; with attenuators,
 * {@code gain code = GainCodec.code(|f| / g_i)}; without, the magnitude is ignored
 * (unit-modulus shifters).
 *
 * <p>Inverse (radio side, and what the power guard measures):
 * {@code F_q = g_i * A(gain code) * e^{j(code*D + o_i)}} with {@code A} the attenuator amplitude
 * (1 without attenuators). Without calibration and attenuators, {@code |F_q - e^{j theta}| <= 2 sin(D/4)}.
 */
public final class AnalogCodec {
    private final PhaseCodec phase;
    private final GainCodec gain; // null: no attenuators
    private final Calibration cal; // null: ideal elements

    public AnalogCodec(int phaseBits, GainCodec gain, Calibration calibration) {
        this.phase = PhaseCodec.of(phaseBits);
        this.gain = gain;
        this.cal = calibration;
    }

    public PhaseCodec phase() {
        return phase;
    }

    /** Attenuator codec, or null. */
    public GainCodec gain() {
        return gain;
    }

    /** Calibration table, or null. */
    public Calibration calibration() {
        return cal;
    }

    /**
     * Quantizes F. Writes {@code n*m} codes to {@code phaseCodes} and, when attenuators exist,
     * to {@code gainCodes} (else untouched, may be null). Inputs not modified. ~{@code 10 n m} flops
     * plus one angle ({@link PhaseCodec#codeOf}: the same codes as {@code Math.atan2}, faster) and,
     * with attenuators, one log10 per entry.
     */
    public void quantize(double[] re, double[] im, int n, int m, int[] phaseCodes, int[] gainCodes) {
        checkCalibration(cal, n, m);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                int e = r * m + c;
                double off = 0;
                double g = 1;
                if (cal != null) {
                    int i = cal.index(r, c, n, m);
                    off = cal.offsetRad(i);
                    g = cal.gain(i);
                }
                phaseCodes[e] = phase.codeOf(im[e], re[e], off);
                if (gain != null) {
                    gainCodes[e] = gain.code(Math.hypot(re[e], im[e]) / g);
                }
            }
        }
    }

    /** Realized F for codes with this codec's settings; see {@link #realize(int, int[], int, int[], Calibration, int, int, double[], double[])}. */
    public void realize(int[] phaseCodes, int[] gainCodes, int n, int m, double[] re, double[] im) {
        realize(phase.bits(), phaseCodes, gain == null ? 0 : gain.stepCentiDb(), gain == null ? null : gainCodes, cal, n, m, re, im);
    }

    /**
     * Realized F: {@code re + j im = g_i * 10^(-gainCode*step/20) * e^{j(code*2pi/2^b + o_i)}}.
     * {@code gainCodes} null means no attenuators; {@code calibration} null means ideal elements.
     * Allocation-free.
     */
    public static void realize(int phaseBits, int[] phaseCodes, int gainStepCentiDb, int[] gainCodes,
                               Calibration calibration, int n, int m, double[] re, double[] im) {
        checkCalibration(calibration, n, m);
        PhaseCodec p = PhaseCodec.of(phaseBits);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                int e = r * m + c;
                double a = gainCodes == null ? 1 : GainCodec.amplitudeOf(gainCodes[e], gainStepCentiDb);
                int code = phaseCodes[e];
                if (calibration == null) {
                    re[e] = a * p.cos(code);
                    im[e] = a * p.sin(code);
                } else {
                    int i = calibration.index(r, c, n, m);
                    double ph = p.phaseRad(code) + calibration.offsetRad(i);
                    a *= calibration.gain(i);
                    re[e] = a * Math.cos(ph);
                    im[e] = a * Math.sin(ph);
                }
            }
        }
    }

    private static void checkCalibration(Calibration cal, int n, int m) {
        if (cal != null && !cal.fits(n, m)) {
            throw new IllegalArgumentException("calibration table has " + cal.size() + " entries; an " + n + "x" + m
                    + " analog matrix needs " + (n * m) + " (per shifter) or " + n + " (per antenna)");
        }
    }
}
