package org.isac.fpga.frame;

import org.isac.fpga.baseband.BasebandCodec;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.phase.AnalogCodec;
import org.isac.fpga.phase.Calibration;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;

/**
 * Reusable holder for a parsed frame (radio side). Arrays grow only, so parsing frames of a
 * recurring size allocates nothing. Raw fields are what the FPGA loads; {@link #analog} and
 * {@link #baseband} give the quantized weights as split complex arrays.
 *
 * <p>Not thread-safe; fields are valid until the next parse into the same holder.
 */
public final class DecodedFrame {
    int version;
    boolean hybrid;
    CodecId codec;
    int phaseBits;
    int basebandBits;
    int gainBits;
    int gainStepCentiDb;
    int radioIdHash;
    long sequence;
    int n;
    int m;
    int k;
    int payloadLength;
    int frameLength;
    int crc32c;
    float scale;
    /** Baseband sets S (1 for a version 1 frame). */
    int subbands = 1;
    float[] scales = new float[1];
    int[] phaseCodes = new int[0];
    int[] gainCodes = new int[0];
    int[] iq = new int[0];
    int[] exponents = new int[0];
    double[] wRe = new double[0];
    double[] wIm = new double[0];
    /** One subband's words and exponents as the codec decodes them. */
    int[] iqScratch = new int[0];
    int[] expScratch = new int[0];

    /** Grows the arrays for S sets of {@code entries} baseband entries (subband b's at offset b·entries). */
    void ensure(int shifters, int entries, int cols, int subbandCount) {
        if (phaseCodes.length < shifters) {
            phaseCodes = new int[shifters];
            gainCodes = new int[shifters];
        }
        long all = (long) entries * subbandCount;
        if (iq.length < 2 * all) {
            iq = new int[(int) (2 * all)];
            wRe = new double[(int) all];
            wIm = new double[(int) all];
        }
        if (iqScratch.length < 2 * entries) {
            iqScratch = new int[2 * entries];
        }
        if (exponents.length < cols * subbandCount) {
            exponents = new int[cols * subbandCount];
        }
        if (expScratch.length < cols) {
            expScratch = new int[cols];
        }
        if (scales.length < subbandCount) {
            scales = new float[subbandCount];
        }
    }

    public int version() { return version; }
    /** True for hybrid (F and W), false for digital (W only). */
    public boolean hybrid() { return hybrid; }
    public CodecId codec() { return codec; }
    /** Phase-shifter bits (0 for digital). */
    public int phaseBits() { return phaseBits; }
    public int basebandBits() { return basebandBits; }
    /** Attenuator bits (0 = none). */
    public int gainBits() { return gainBits; }
    public int gainStepCentiDb() { return gainStepCentiDb; }
    public int radioIdHash() { return radioIdHash; }
    /** Whether the header's hash matches {@code radioId}. */
    public boolean isFor(CharSequence radioId) { return RadioIdHash.fnv1a(radioId) == radioIdHash; }
    public long sequence() { return sequence; }
    public int n() { return n; }
    /** RF chains (0 for digital). */
    public int m() { return m; }
    public int k() { return k; }
    /** Rows of W: M for hybrid, N for digital. */
    public int basebandRows() { return hybrid ? m : n; }
    public int payloadLength() { return payloadLength; }
    public int frameLength() { return frameLength; }
    /** The frame's CRC32C trailer (what {@code WeightApplied.frame_crc32c} echoes). */
    public int crc32c() { return crc32c; }
    /** Baseband frame scale {@code s} (subband 0's). */
    public float scale() { return scale; }
    /** Baseband sets S: 1 for a version 1 frame, 2.. for version 2 (one per subband, behind the one F). */
    public int subbands() { return subbands; }
    /** Frame scale of subband {@code b}'s baseband section. */
    public float scale(int b) { return scales[checkSubband(b)]; }
    /** Raw I word of subband {@code b}'s W entry {@code e}. */
    public int iWord(int b, int e) { return iq[2 * (checkSubband(b) * basebandRows() * k + e)]; }
    /** Raw Q word of subband {@code b}'s W entry {@code e}. */
    public int qWord(int b, int e) { return iq[2 * (checkSubband(b) * basebandRows() * k + e) + 1]; }
    /** Exponent of subband {@code b}'s column {@code col}. */
    public int exponent(int b, int col) { return exponents[checkSubband(b) * k + col]; }
    /** Real part of subband {@code b}'s quantized W entry {@code e}. */
    public double basebandRe(int b, int e) { return wRe[checkSubband(b) * basebandRows() * k + e]; }
    /** Imaginary part of subband {@code b}'s quantized W entry {@code e}. */
    public double basebandIm(int b, int e) { return wIm[checkSubband(b) * basebandRows() * k + e]; }

    private int checkSubband(int b) {
        if (b < 0 || b >= subbands) {
            throw new IndexOutOfBoundsException("subband " + b + " of " + subbands);
        }
        return b;
    }

    /** Phase code of shifter {@code i = n*M + m} (hybrid only). */
    public int phaseCode(int i) { return phaseCodes[i]; }
    /** Attenuator code of shifter {@code i} (when gainBits > 0). */
    public int gainCode(int i) { return gainCodes[i]; }
    /** Raw I word of W entry {@code e = r*K + k}. */
    public int iWord(int e) { return iq[2 * e]; }
    /** Raw Q word of W entry {@code e}. */
    public int qWord(int e) { return iq[2 * e + 1]; }
    /** Exponent of column {@code k} (0 for fixed-point). */
    public int exponent(int col) { return exponents[col]; }

    /**
     * Quantized F ({@code N x M}, row-major) as the hardware realizes it (see
     * {@link AnalogCodec#realize(int, int[], int, int[], Calibration, int, int, double[], double[])});
     * {@code calibration} null for ideal elements. Hybrid only; arrays need {@code N*M} entries.
     */
    public void analog(double[] re, double[] im, Calibration calibration) {
        if (!hybrid) {
            throw new IllegalStateException("digital frame has no analog precoder");
        }
        AnalogCodec.realize(phaseBits, phaseCodes, gainStepCentiDb, gainBits > 0 ? gainCodes : null, calibration, n, m, re, im);
    }

    /** Quantized W ({@code basebandRows() x K}, row-major) copied into the arrays (subband 0's). */
    public void baseband(double[] re, double[] im) {
        baseband(0, re, im);
    }

    /** Subband {@code b}'s quantized W_b ({@code basebandRows() x K}, row-major) copied into the arrays. */
    public void baseband(int b, double[] re, double[] im) {
        int e = basebandRows() * k;
        System.arraycopy(wRe, checkSubband(b) * e, re, 0, e);
        System.arraycopy(wIm, b * e, im, 0, e);
    }

    /** Subband {@code b}'s quantized W_b into {@code out} (reshaped to {@code basebandRows() x K}). */
    public CMatrix baseband(int b, CMatrix out) {
        out.reshape(basebandRows(), k);
        baseband(b, out.re, out.im);
        return out;
    }

    /** Quantized F as realized by the hardware into {@code out} (reshaped to N x M); hybrid only. */
    public CMatrix analog(CMatrix out, Calibration calibration) {
        if (!hybrid) {
            throw new IllegalStateException("digital frame has no analog precoder");
        }
        out.reshape(n, m);
        analog(out.re, out.im, calibration);
        return out;
    }

    /** Quantized W into {@code out} (reshaped to {@code basebandRows() x K}). */
    public CMatrix baseband(CMatrix out) {
        out.reshape(basebandRows(), k);
        baseband(out.re, out.im);
        return out;
    }

    /**
     * The weights this frame makes the front end apply, as a solver-shaped precoder: analog F
     * (N x M, empty for digital) and baseband W, one set per subband ({@code out.subbands()} = S);
     * {@code out.effective(s, x)} then gives X_s = F W_s.
     * Sets nothing else ({@code predicted} cleared). Allocation-free once {@code out} has grown.
     *
     * @param calibration the front end's calibration (null for ideal elements)
     */
    public Precoder toPrecoder(Precoder out, Calibration calibration) {
        out.reset();
        if (hybrid) {
            analog(out.analog, calibration);
        }
        out.setSubbands(subbands);
        for (int b = 0; b < subbands; b++) {
            baseband(b, out.baseband(b));
        }
        return out;
    }

    void expandBaseband() {
        int rows = basebandRows();
        int e = rows * k;
        // toComplex indexes from 0: expand each subband at the front and move it into place, the
        // last subband first, so subband 0 ends where it belongs
        for (int b = subbands - 1; b >= 0; b--) {
            System.arraycopy(iq, 2 * b * e, iqScratch, 0, 2 * e);
            System.arraycopy(exponents, b * k, expScratch, 0, k);
            BasebandCodec.toComplex(scales[b], iqScratch, expScratch, rows, k, wRe, wIm);
            if (b > 0) {
                System.arraycopy(wRe, 0, wRe, b * e, e);
                System.arraycopy(wIm, 0, wIm, b * e, e);
            }
        }
    }

    /** Real part of quantized W entry {@code r*K + k} without copying. */
    public double basebandRe(int e) { return wRe[e]; }
    /** Imaginary part of quantized W entry {@code r*K + k}. */
    public double basebandIm(int e) { return wIm[e]; }
}
