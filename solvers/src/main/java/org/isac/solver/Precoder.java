package org.isac.solver;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * A solver's output, reusable across solves.
 *
 * <p>Digital: {@code baseband} is the N × K precoder X and {@code analog} is empty.
 * Hybrid: {@code analog} is the N × M phase-shifter matrix F and {@code baseband} the
 * M × K baseband W; the effective precoder is X = F·W. The transmitted signal is
 * x = X·s with E[ssᴴ] = I, so the radiated power is ‖X‖²_F.
 *
 * <p>ISAC solvers that also design the radar receive combiner write it to {@code receive}
 * (N_r × M, column m = f_m, the filter for target m); it stays empty otherwise.
 */
public final class Precoder {
    public final CMatrix analog = new CMatrix();
    public final CMatrix baseband = new CMatrix();
    /** Radar receive filters F (N_r × M), or empty when the solver designs none. */
    public final CMatrix receive = new CMatrix();
    /** Metrics the solver predicts for its own output (names carry units, e.g. sum_rate_bits). */
    public final Params predicted = new Params();
    /** Iterations or layers actually run. */
    public int iterations;
    /** Layers the solver planned (its full count) when it is an anytime layered solver; 0 otherwise. */
    public int layersPlanned;
    /** The solver stopped before its full iteration count (converged, or out of time). */
    public boolean earlyStop;
    /** It stopped because the next layer or iteration would not have fit the problem's {@link TimeBudget}. */
    public boolean deadlineStop;
    /**
     * An anytime solver found that not even one layer fits the problem's {@link TimeBudget}
     * (the report is stale); the output is then not an answer.
     */
    public boolean outOfTime;

    /*
     * Wideband: S ≥ 1 baseband sets, one per subband, all behind the one analog F (phase shifters
     * are frequency-flat). Subband 0's set is {@link #baseband}; a narrowband output (S = 1) is
     * exactly what it always was.
     */
    private int subbands = 1;
    private CMatrix[] moreBaseband = new CMatrix[0];

    /** Baseband sets S this output holds (1 unless a wideband problem was solved). */
    public int subbands() {
        return subbands;
    }

    /** Sets the number of baseband sets S ≥ 1 (grow-only storage; the solver fills each). */
    public void setSubbands(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("subbands must be >= 1, got " + s);
        }
        if (moreBaseband.length < s - 1) {
            CMatrix[] grown = java.util.Arrays.copyOf(moreBaseband, s - 1);
            for (int i = moreBaseband.length; i < s - 1; i++) {
                grown[i] = new CMatrix();
            }
            moreBaseband = grown;
        }
        subbands = s;
    }

    /** W_s: subband s's baseband (M × K hybrid, N × K digital); subband 0 is {@link #baseband}. */
    public CMatrix baseband(int s) {
        if (s < 0 || s >= subbands) {
            throw new IndexOutOfBoundsException("subband " + s + " of " + subbands);
        }
        return s == 0 ? baseband : moreBaseband[s - 1];
    }

    public boolean isHybrid() {
        return !analog.isEmpty();
    }

    /** Clears the output before a solve. */
    public void reset() {
        analog.reshape(0, 0);
        receive.reshape(0, 0);
        predicted.clear();
        iterations = 0;
        layersPlanned = 0;
        earlyStop = false;
        deadlineStop = false;
        outOfTime = false;
        subbands = 1;
    }

    /** Writes the effective N × K precoder X (F·W for hybrid, W for digital) into {@code out}. */
    public CMatrix effective(CMatrix out) {
        return effective(0, out);
    }

    /** Writes subband s's effective N × K precoder X_s (F·W_s hybrid, W_s digital) into {@code out}. */
    public CMatrix effective(int s, CMatrix out) {
        if (isHybrid()) {
            Kernels.mul(analog, baseband(s), out);
        } else {
            out.copyFrom(baseband(s));
        }
        return out;
    }

    /**
     * Adds F's and W's raw bits to {@code md} (little-endian doubles, real then imaginary part per
     * entry): a digest of the weights that is equal exactly when every bit is, for comparing
     * machines, vector widths and runs.
     */
    public void digestInto(java.security.MessageDigest md) {
        CMatrix[] parts = new CMatrix[1 + subbands];
        parts[0] = analog;
        for (int s = 0; s < subbands; s++) {
            parts[1 + s] = baseband(s);
        }
        for (CMatrix m : parts) {
            for (int e = 0, size = m.rows() * m.cols(); e < size; e++) {
                for (double v : new double[] {m.re[e], m.im[e]}) {
                    long bits = Double.doubleToRawLongBits(v);
                    for (int s = 0; s < 64; s += 8) {
                        md.update((byte) (bits >>> s));
                    }
                }
            }
        }
    }
}
