package org.isac.fpga;

import org.isac.fpga.guard.GuardOutcome;
import org.isac.fpga.guard.Replacement;

/**
 * Reusable result of one {@link WeightFrameEncoder#encode} call (overwritten by the next call
 * on the same encoder).
 */
public final class EncodeResult {
    GuardOutcome outcome = GuardOutcome.ACCEPTED;
    Replacement replacement = Replacement.NONE;
    int frameLength;
    int crc32c;
    double requestedPowerW = Double.NaN;
    double sentPowerW;
    double sentMaxRowPowerW;
    double scaleFactor = 1;

    /** The guard's decision about the requested weights. */
    public GuardOutcome outcome() { return outcome; }
    /** Which frame went out ({@link Replacement#NONE} when the requested weights did). */
    public Replacement replacement() { return replacement; }
    /** Bytes of the frame written. */
    public int frameLength() { return frameLength; }
    /** CRC32C trailer of the frame written. */
    public int crc32c() { return crc32c; }
    /** {@code ||F W||_F^2} of the unquantized request (NaN when not measured: bad budget or non-finite input). */
    public double requestedPowerW() { return requestedPowerW; }
    /** {@code ||X||_F^2} of the quantized weights in the frame written (0 for the safe default). */
    public double sentPowerW() { return sentPowerW; }
    /** Largest row power of the quantized X in the frame written. */
    public double sentMaxRowPowerW() { return sentMaxRowPowerW; }
    /** Factor applied to the baseband to pull the quantized result under budget (1 when none). */
    public double scaleFactor() { return scaleFactor; }
}
