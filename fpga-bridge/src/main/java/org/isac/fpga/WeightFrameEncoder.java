package org.isac.fpga;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.zip.CRC32C;

import org.isac.fpga.baseband.BasebandCodec;
import org.isac.fpga.frame.Bits;
import org.isac.fpga.frame.FrameFormat;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.RadioIdHash;
import org.isac.fpga.guard.GuardCounters;
import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.guard.PowerGuard;
import org.isac.fpga.guard.Replacement;
import org.isac.fpga.phase.AnalogCodec;
import org.isac.fpga.phase.GainCodec;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;

import static org.isac.fpga.frame.FrameFormat.*;

/**
 * Controller-side facade: quantizes a precoder, guards its power and writes a weight frame
 * ({@link FrameFormat}) for one radio.
 *
 * <h2>Steps of {@link #encode}</h2>
 * <ol>
 * <li>Budget must be finite and {@code >= 0}, else {@link GuardOutcome#INVALID_BUDGET}.</li>
 * <li>All inputs finite, else {@link GuardOutcome#NON_FINITE}.</li>
 * <li>Unquantized {@code X = F W}: {@code ||X||_F^2 <= budget(1+tol)}, else
 * {@link GuardOutcome#OVER_BUDGET}; per-antenna (if configured) each row {@code <= budget/N (1+tol)},
 * else {@link GuardOutcome#OVER_PER_ANTENNA}. Over-budget requests are refused, never scaled.</li>
 * <li>Quantize F to codes ({@link AnalogCodec}), W with the baseband codec; decode the baseband
 * bytes just written and realize F from its codes, giving the quantized {@code X_q}.</li>
 * <li>Quantization fit: if {@code X_q} exceeds the <em>strict</em> limits (tolerance 0), let
 * {@code r = max(||X_q||^2/budget, N max_n row_n/budget)}; the frame scale {@code s} is
 * replaced by the largest float {@code s' <= s/sqrt(r)} (so {@code (s'/s)^2 r <= 1}); the
 * integer words are unchanged, so W_q is multiplied exactly by {@code s'/s} and the power by
 * its square. Re-measured (up to 3 rounds); outcome {@link GuardOutcome#ACCEPTED_SCALED}.</li>
 * <li>Final guard on what is sent: quantized F and W finite and {@code X_q} within
 * {@code budget(1+tol)} (and per antenna), else {@link GuardOutcome#QUANTIZED_OUT_OF_BOUNDS}.</li>
 * </ol>
 * A rejected request is replaced by the radio's last accepted frame if that frame's recorded
 * quantized powers satisfy the <em>current</em> budget and per-antenna limit (its bytes re-stamped
 * with the current sequence number and a new CRC), otherwise by the safe default (same mode and
 * sizes, all-zero payload: phase codes 0, baseband scale 0, i.e. transmit nothing). Every call is
 * counted in {@link #counters()}. Thus no frame leaves with non-finite weights or over the limits.
 *
 * <p>Wideband ({@link Precoder#subbands()} = S &gt; 1): one F and S baseband sets W_s, written
 * as a version 2 frame (S in the header, S baseband sections). Every step runs per subband
 * (each set has its own frame scale, lowered on its own) and the budget and per-antenna limit
 * apply to each X_s = F W_s; any subband failing replaces the whole frame. A last good frame
 * replaces a request only when it has the same S. S = 1 is a version 1 frame, as always.
 *
 * <p>Argument errors (null W, array too short, sizes outside 1..65535, calibration of the wrong
 * size) throw {@link IllegalArgumentException} and write nothing.
 *
 * <p>Allocation: workspaces and the output buffer grow only; after one call per radio at a
 * given size, encoding allocates nothing. One encoder per thread (not thread-safe); the counters
 * may be shared and read from anywhere.
 */
public final class WeightFrameEncoder {
    private final EncoderConfig config;
    private final AnalogCodec analog;
    private final BasebandCodec baseband;
    private final GuardCounters counters;
    private final EncodeResult result = new EncodeResult();
    private final CRC32C crc = new CRC32C();
    private final HashMap<String, LastGood> lastGood = new HashMap<>();
    private final FrameBuffer internal = new FrameBuffer();

    private int[] phaseCodes = new int[0];
    private int[] gainCodes = new int[0];
    private int[] iq = new int[0];
    private int[] exps = new int[0];
    private double[] fqRe = new double[0];
    private double[] fqIm = new double[0];
    private double[] wqRe = new double[0];
    private double[] wqIm = new double[0];
    private double[] rowPower = new double[0];

    private static final class LastGood {
        final FrameBuffer frame = new FrameBuffer(0);
        double power;
        double maxRow;
        int n;
        int subbands = 1;
    }

    /** The baseband sets of the encode in progress (references only; cleared after). */
    private double[][] setRe = new double[1][];
    private double[][] setIm = new double[1][];

    private void ensureSets(int subbands) {
        if (setRe.length < subbands) {
            setRe = new double[subbands][];
            setIm = new double[subbands][];
        }
    }

    public WeightFrameEncoder(EncoderConfig config, GuardCounters counters) {
        this.config = config;
        this.counters = counters;
        this.analog = new AnalogCodec(config.phaseBits(),
                config.gainBits() > 0 ? new GainCodec(config.gainBits(), config.gainStepCentiDb()) : null,
                config.calibration());
        this.baseband = BasebandCodec.of(config.codec(), config.basebandBits());
    }

    public WeightFrameEncoder(EncoderConfig config) {
        this(config, new GuardCounters());
    }

    public EncoderConfig config() {
        return config;
    }

    /** Guard event counters (for metrics). */
    public GuardCounters counters() {
        return counters;
    }

    /** Result of the last {@link #encode} call (reused object). */
    public EncodeResult lastResult() {
        return result;
    }

    /** Drops the last good frame kept for a radio (e.g. when its session closes). */
    public void forget(String radioId) {
        lastGood.remove(radioId);
    }

    /** Hybrid convenience: {@code F} is {@code n x m}, {@code W} is {@code m x k}. */
    public int encodeHybrid(String radioId, long sequence, double[] fRe, double[] fIm, double[] wRe, double[] wIm,
                            int n, int m, int k, double budgetW, FrameBuffer out) {
        if (fRe == null || fIm == null) {
            throw new IllegalArgumentException("hybrid mode needs F");
        }
        return encode(radioId, sequence, fRe, fIm, n, m, wRe, wIm, k, budgetW, out);
    }

    /** Digital convenience: {@code W} is {@code n x k}. */
    public int encodeDigital(String radioId, long sequence, double[] wRe, double[] wIm, int n, int k,
                             double budgetW, FrameBuffer out) {
        return encode(radioId, sequence, null, null, n, 0, wRe, wIm, k, budgetW, out);
    }

    /**
     * Encodes a solver's output: hybrid (F = {@code precoder.analog}, N x M; W =
     * {@code precoder.baseband}, M x K) when the analog part is non-empty, else digital (W, N x K).
     * Same steps and result as {@link #encode(String, long, double[], double[], int, int, double[], double[], int, double, FrameBuffer)}.
     *
     * @throws IllegalArgumentException when the shapes do not chain (W rows != F columns) or are empty
     */
    public int encode(String radioId, long sequence, Precoder precoder, double budgetW, FrameBuffer out) {
        int subbands = precoder.subbands();
        if (subbands == 1) {
            return encode(radioId, sequence, precoder.isHybrid() ? precoder.analog : null, precoder.baseband, budgetW, out);
        }
        if (subbands > MAX_SUBBANDS) {
            throw new IllegalArgumentException(subbands + " baseband sets; a frame carries at most " + MAX_SUBBANDS);
        }
        CMatrix w0 = precoder.baseband;
        CMatrix f = precoder.isHybrid() ? precoder.analog : null;
        if (f != null && w0.rows() != f.cols()) {
            throw new IllegalArgumentException("F is " + f.rows() + "x" + f.cols() + " but W has "
                    + w0.rows() + " rows (must be M = " + f.cols() + ")");
        }
        ensureSets(subbands);
        for (int b = 0; b < subbands; b++) {
            CMatrix w = precoder.baseband(b);
            if (w.rows() != w0.rows() || w.cols() != w0.cols()) {
                throw new IllegalArgumentException("subband " + b + " W is " + w.rows() + "x" + w.cols()
                        + " but subband 0's is " + w0.rows() + "x" + w0.cols() + " (every set has one shape)");
            }
            setRe[b] = w.re;
            setIm[b] = w.im;
        }
        try {
            return f == null
                    ? encodeSets(radioId, sequence, null, null, w0.rows(), 0, subbands, w0.cols(), budgetW, out)
                    : encodeSets(radioId, sequence, f.re, f.im, f.rows(), f.cols(), subbands, w0.cols(), budgetW, out);
        } finally {
            java.util.Arrays.fill(setRe, 0, subbands, null);
            java.util.Arrays.fill(setIm, 0, subbands, null);
        }
    }

    /**
     * Encodes F (null or empty for digital) and W given as {@link CMatrix} (row-major split
     * complex, exactly the layout the frame quantizes).
     *
     * @throws IllegalArgumentException when the shapes do not chain (W rows != F columns) or are empty
     */
    public int encode(String radioId, long sequence, CMatrix analog, CMatrix baseband, double budgetW, FrameBuffer out) {
        if (baseband == null) {
            throw new IllegalArgumentException("baseband W must not be null");
        }
        if (analog == null || analog.isEmpty()) {
            return encode(radioId, sequence, null, null, baseband.rows(), 0, baseband.re, baseband.im, baseband.cols(), budgetW, out);
        }
        if (baseband.rows() != analog.cols()) {
            throw new IllegalArgumentException("F is " + analog.rows() + "x" + analog.cols() + " but W has "
                    + baseband.rows() + " rows (must be M = " + analog.cols() + ")");
        }
        return encode(radioId, sequence, analog.re, analog.im, analog.rows(), analog.cols(),
                baseband.re, baseband.im, baseband.cols(), budgetW, out);
    }

    /**
     * Encodes into an internal buffer and copies the frame into {@code out} (relative put).
     *
     * @throws java.nio.BufferOverflowException when {@code out} has too little room (nothing is counted twice:
     *         the guard outcome was already recorded)
     */
    public int encode(String radioId, long sequence, double[] fRe, double[] fIm, int n, int m,
                      double[] wRe, double[] wIm, int k, double budgetW, ByteBuffer out) {
        int len = encode(radioId, sequence, fRe, fIm, n, m, wRe, wIm, k, budgetW, internal);
        internal.writeTo(out);
        return len;
    }

    /**
     * Quantizes, guards and frames one precoder (see the class comment for the steps).
     *
     * @param radioId  radio identity (hashed into the header; keys the last good frame)
     * @param sequence sequence number written to the header
     * @param fRe      real parts of F ({@code n x m} row-major), or null for a digital precoder
     * @param fIm      imaginary parts of F, or null
     * @param n        antennas N
     * @param m        RF chains M (ignored when F is null)
     * @param wRe      real parts of W ({@code m x k} hybrid, {@code n x k} digital, row-major)
     * @param wIm      imaginary parts of W
     * @param k        streams K
     * @param budgetW  total transmit power budget in watts
     * @param out      receives the frame in {@code [0, length)}; grows when needed
     * @return frame length in bytes; outcome in {@link #lastResult()}
     */
    public int encode(String radioId, long sequence, double[] fRe, double[] fIm, int n, int m,
                      double[] wRe, double[] wIm, int k, double budgetW, FrameBuffer out) {
        ensureSets(1);
        setRe[0] = wRe;
        setIm[0] = wIm;
        try {
            return encodeSets(radioId, sequence, fRe, fIm, n, m, 1, k, budgetW, out);
        } finally {
            setRe[0] = null;
            setIm[0] = null;
        }
    }

    /**
     * The steps of the class comment for S baseband sets {@code setRe[b], setIm[b]} behind one F:
     * every check and the quantization fit run per subband (each set has its own frame scale),
     * the budget applies to each subband's X_b; one set is a version 1 frame, more a version 2.
     * The result's powers are the largest over subbands, its scale factor the smallest.
     */
    private int encodeSets(String radioId, long sequence, double[] fRe, double[] fIm, int n, int m, int subbands,
                           int k, double budgetW, FrameBuffer out) {
        boolean hybrid = fRe != null;
        for (int b = 0; b < subbands; b++) {
            checkArgs(radioId, hybrid, fRe, fIm, n, m, setRe[b], setIm[b], k);
        }
        if (!hybrid) {
            m = 0;
        }
        int rows = hybrid ? m : n;
        ensure(hybrid ? n * m : 0, rows * k, k, n);
        int hash = RadioIdHash.fnv1a(radioId);
        double tol = config.tolerance();
        boolean perAntenna = config.perAntenna();

        result.requestedPowerW = Double.NaN;
        result.scaleFactor = 1;
        GuardOutcome outcome = null;
        if (!(budgetW >= 0) || budgetW == Double.POSITIVE_INFINITY) {
            outcome = GuardOutcome.INVALID_BUDGET;
        } else if (hybrid && !(PowerGuard.allFinite(fRe, n * m) && PowerGuard.allFinite(fIm, n * m))) {
            outcome = GuardOutcome.NON_FINITE;
        } else {
            for (int b = 0; b < subbands && outcome == null; b++) {
                if (!PowerGuard.allFinite(setRe[b], rows * k) || !PowerGuard.allFinite(setIm[b], rows * k)) {
                    outcome = GuardOutcome.NON_FINITE;
                }
            }
        }
        if (outcome == null) {
            double worst = 0;
            for (int b = 0; b < subbands && outcome == null; b++) {
                double p = PowerGuard.measure(fRe, fIm, n, m, setRe[b], setIm[b], k, rowPower);
                double maxRow = PowerGuard.max(rowPower, n);
                worst = Math.max(worst, p);
                result.requestedPowerW = worst;
                if (!(p <= budgetW * (1 + tol))) {
                    outcome = GuardOutcome.OVER_BUDGET;
                    result.requestedPowerW = p;
                } else if (perAntenna && !(maxRow <= budgetW / n * (1 + tol))) {
                    outcome = GuardOutcome.OVER_PER_ANTENNA;
                }
            }
            if (outcome == null) {
                outcome = encodeChecked(hash, sequence, hybrid, fRe, fIm, n, m, subbands, k, budgetW, out);
            }
        }

        Replacement replacement = Replacement.NONE;
        if (outcome.replaced()) {
            LastGood lg = outcome == GuardOutcome.INVALID_BUDGET ? null : lastGood.get(radioId);
            if (lg != null && lg.subbands == subbands && PowerGuard.within(lg.power, lg.maxRow, lg.n, budgetW, tol, perAntenna)) {
                replacement = Replacement.LAST_GOOD;
                int len = lg.frame.length();
                byte[] b = out.ensureCapacity(len);
                System.arraycopy(lg.frame.array(), 0, b, 0, len);
                Bits.putI64(b, OFF_SEQUENCE, sequence);
                result.crc32c = writeCrc(b, len - TRAILER_BYTES);
                out.setLength(len);
                result.sentPowerW = lg.power;
                result.sentMaxRowPowerW = lg.maxRow;
            } else {
                replacement = Replacement.SAFE_DEFAULT;
                writeSafeDefault(hash, sequence, hybrid, n, m, k, subbands, out);
                result.sentPowerW = 0;
                result.sentMaxRowPowerW = 0;
            }
        } else {
            LastGood lg = lastGood.get(radioId);
            if (lg == null) {
                lg = new LastGood();
                lastGood.put(radioId, lg);
            }
            int len = out.length();
            byte[] dst = lg.frame.ensureCapacity(len);
            System.arraycopy(out.array(), 0, dst, 0, len);
            lg.frame.setLength(len);
            lg.power = result.sentPowerW;
            lg.maxRow = result.sentMaxRowPowerW;
            lg.n = n;
            lg.subbands = subbands;
        }
        result.outcome = outcome;
        result.replacement = replacement;
        result.frameLength = out.length();
        counters.record(outcome, replacement);
        return out.length();
    }

    private GuardOutcome encodeChecked(int hash, long sequence, boolean hybrid, double[] fRe, double[] fIm, int n, int m,
                                       int subbands, int k, double budgetW, FrameBuffer out) {
        int rows = hybrid ? m : n;
        int shifters = hybrid ? n * m : 0;
        long payload = FrameFormat.payloadBytes(hybrid, n, m, k, config.phaseBits(), hybrid ? config.gainBits() : 0,
                config.codec(), config.basebandBits(), subbands);
        int total = checkedTotal(payload);
        byte[] b = out.ensureCapacity(total);
        writeHeader(b, hash, sequence, hybrid, n, m, k, subbands, (int) payload);
        int pos = HEADER_BYTES;
        if (hybrid) {
            analog.quantize(fRe, fIm, n, m, phaseCodes, gainCodes);
            pos = Bits.pack(phaseCodes, 0, 1, shifters, config.phaseBits(), b, pos);
            if (config.gainBits() > 0) {
                pos = Bits.pack(gainCodes, 0, 1, shifters, config.gainBits(), b, pos);
            }
            analog.realize(phaseCodes, gainCodes, n, m, fqRe, fqIm);
        }
        int section = (int) FrameFormat.basebandBytes(config.codec(), config.basebandBits(), rows, k);
        double sentPower = 0;
        double sentMaxRow = 0;
        double factor = 1;
        boolean scaled = false; // some subband's scale was lowered by the quantization fit
        boolean perAntenna = config.perAntenna();
        for (int sb = 0; sb < subbands; sb++) {
            int bbOff = pos + sb * section;
            baseband.encode(setRe[sb], setIm[sb], rows, k, b, bbOff);
            float scale;
            try {
                scale = baseband.decodeRaw(b, bbOff, rows, k, iq, exps);
            } catch (FrameRejectedException e) { // scale overflowed float (huge weights with a huge budget)
                return GuardOutcome.QUANTIZED_OUT_OF_BOUNDS;
            }
            double[] qRe = hybrid ? fqRe : null;
            double[] qIm = hybrid ? fqIm : null;
            BasebandCodec.toComplex(scale, iq, exps, rows, k, wqRe, wqIm);
            double p = PowerGuard.measure(qRe, qIm, n, m, wqRe, wqIm, k, rowPower);
            double maxRow = PowerGuard.max(rowPower, n);
            float s = scale;
            for (int round = 0; round < 3 && Double.isFinite(p) && !PowerGuard.within(p, maxRow, n, budgetW, 0, perAntenna); round++) {
                double r = Math.max(p / budgetW, perAntenna ? maxRow * n / budgetW : 0);
                float s2 = (float) (s / Math.sqrt(r));
                while (s2 > 0 && (double) s2 * s2 * r > (double) s * s) {
                    s2 = Math.nextDown(s2);
                }
                if (round > 0 && s2 >= s) {
                    s2 = Math.nextDown(s);
                }
                s = s2 > 0 ? s2 : 0f; // also maps NaN to 0
                BasebandCodec.rewriteScale(b, bbOff, s);
                BasebandCodec.toComplex(s, iq, exps, rows, k, wqRe, wqIm);
                p = PowerGuard.measure(qRe, qIm, n, m, wqRe, wqIm, k, rowPower);
                maxRow = PowerGuard.max(rowPower, n);
                scaled = true;
            }
            boolean finite = PowerGuard.allFinite(wqRe, rows * k) && PowerGuard.allFinite(wqIm, rows * k)
                    && (!hybrid || PowerGuard.allFinite(fqRe, shifters) && PowerGuard.allFinite(fqIm, shifters));
            if (!finite || !PowerGuard.within(p, maxRow, n, budgetW, config.tolerance(), perAntenna)) {
                return GuardOutcome.QUANTIZED_OUT_OF_BOUNDS;
            }
            factor = Math.min(factor, scale == 0 ? 1 : (double) s / scale);
            sentPower = Math.max(sentPower, p);
            sentMaxRow = Math.max(sentMaxRow, maxRow);
        }
        GuardOutcome outcome = scaled ? GuardOutcome.ACCEPTED_SCALED : GuardOutcome.ACCEPTED;
        result.scaleFactor = factor;
        result.sentPowerW = sentPower;
        result.sentMaxRowPowerW = sentMaxRow;
        result.crc32c = writeCrc(b, total - TRAILER_BYTES);
        out.setLength(total);
        return outcome;
    }

    private void writeSafeDefault(int hash, long sequence, boolean hybrid, int n, int m, int k, int subbands, FrameBuffer out) {
        long payload = FrameFormat.payloadBytes(hybrid, n, m, k, config.phaseBits(), hybrid ? config.gainBits() : 0,
                config.codec(), config.basebandBits(), subbands);
        int total = checkedTotal(payload);
        byte[] b = out.ensureCapacity(total);
        writeHeader(b, hash, sequence, hybrid, n, m, k, subbands, (int) payload);
        java.util.Arrays.fill(b, HEADER_BYTES, HEADER_BYTES + (int) payload, (byte) 0);
        result.crc32c = writeCrc(b, total - TRAILER_BYTES);
        out.setLength(total);
    }

    private void writeHeader(byte[] b, int hash, long sequence, boolean hybrid, int n, int m, int k, int subbands, int payload) {
        Bits.putI32(b, OFF_MAGIC, MAGIC);
        b[OFF_VERSION] = (byte) FrameFormat.versionFor(subbands);
        b[OFF_MODE] = (byte) (hybrid ? MODE_HYBRID : MODE_DIGITAL);
        b[OFF_CODEC] = (byte) config.codec().wire();
        b[OFF_PHASE_BITS] = (byte) (hybrid ? config.phaseBits() : 0);
        b[OFF_BASEBAND_BITS] = (byte) config.basebandBits();
        b[OFF_GAIN_BITS] = (byte) (hybrid ? config.gainBits() : 0);
        Bits.putU16(b, OFF_GAIN_STEP, hybrid ? config.gainStepCentiDb() : 0);
        Bits.putI32(b, OFF_RADIO_HASH, hash);
        Bits.putI64(b, OFF_SEQUENCE, sequence);
        Bits.putU16(b, OFF_N, n);
        Bits.putU16(b, OFF_M, m);
        Bits.putU16(b, OFF_K, k);
        Bits.putU16(b, OFF_SUBBANDS, subbands == 1 ? 0 : subbands); // v1: reserved 0
        Bits.putI32(b, OFF_PAYLOAD_LENGTH, payload);
    }

    private int writeCrc(byte[] b, int body) {
        crc.reset();
        crc.update(b, 0, body);
        int c = (int) crc.getValue();
        Bits.putI32(b, body, c);
        return c;
    }

    private static int checkedTotal(long payload) {
        long total = HEADER_BYTES + payload + TRAILER_BYTES;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("frame of " + total + " bytes is too large");
        }
        return (int) total;
    }

    private void checkArgs(String radioId, boolean hybrid, double[] fRe, double[] fIm, int n, int m,
                           double[] wRe, double[] wIm, int k) {
        if (radioId == null) {
            throw new IllegalArgumentException("radioId must not be null");
        }
        if (n < 1 || n > MAX_DIM || k < 1 || k > MAX_DIM) {
            throw new IllegalArgumentException("N and K must be 1.." + MAX_DIM + ", were " + n + ", " + k);
        }
        if (hybrid) {
            if (m < 1 || m > MAX_DIM) {
                throw new IllegalArgumentException("M must be 1.." + MAX_DIM + ", was " + m);
            }
            if (fIm == null || fRe.length < n * m || fIm.length < n * m) {
                throw new IllegalArgumentException("F needs re and im arrays of at least N*M = " + (n * m));
            }
            if (config.calibration() != null && !config.calibration().fits(n, m)) {
                throw new IllegalArgumentException("calibration has " + config.calibration().size()
                        + " entries, need " + (n * m) + " or " + n);
            }
        }
        int rows = hybrid ? m : n;
        if (wRe == null || wIm == null || wRe.length < rows * k || wIm.length < rows * k) {
            throw new IllegalArgumentException("W needs re and im arrays of at least " + rows + "*" + k);
        }
    }

    private void ensure(int shifters, int entries, int cols, int n) {
        if (phaseCodes.length < shifters) {
            phaseCodes = new int[shifters];
            gainCodes = new int[shifters];
            fqRe = new double[shifters];
            fqIm = new double[shifters];
        }
        if (wqRe.length < entries) {
            wqRe = new double[entries];
            wqIm = new double[entries];
            iq = new int[2 * entries];
        }
        if (exps.length < cols) {
            exps = new int[cols];
        }
        if (rowPower.length < n) {
            rowPower = new double[n];
        }
    }
}
