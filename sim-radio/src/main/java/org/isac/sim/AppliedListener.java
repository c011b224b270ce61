package org.isac.sim;

import org.isac.solver.linalg.CMatrix;

/**
 * Diagnostic hook called by {@link SimRadio} on its event loop for every applied update, so
 * tests can recompute rates offline. Not for the hot path: while a listener is set the
 * radio keeps a copy of every outstanding report's CSI.
 *
 * <p>The matrices are the radio's live workspaces (except {@code reportedCsi}): copy what
 * must outlive the call, and do not modify them.
 */
@FunctionalInterface
public interface AppliedListener {

    /**
     * @param sequence the report sequence the update answered
     * @param reportedCsi the N × K CSI exactly as reported (float32-rounded values)
     * @param trueChannel the N × K true channel at apply time
     * @param precoder the applied effective N × K precoder X (F·W for hybrid, else W)
     * @param noisePowerW per-user noise power σ², W
     * @param achievedSumRateBits Σ_k log2(1 + SINR_k) of X on the true channel, bit/s/Hz
     */
    void applied(long sequence, CMatrix reportedCsi, CMatrix trueChannel, CMatrix precoder, double noisePowerW,
            double achievedSumRateBits);
}
