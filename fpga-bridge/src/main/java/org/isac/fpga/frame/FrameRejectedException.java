package org.isac.fpga.frame;

/**
 * Thrown when a weight frame is refused; carries a machine-readable {@link RejectReason}
 * and a message naming the offending field. This is the only exception the parser throws
 * for bad input bytes (argument errors such as a null buffer are programming errors and
 * raise the usual runtime exceptions).
 */
public final class FrameRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    public FrameRejectedException(RejectReason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    /** The reason for the rejection. */
    public RejectReason reason() {
        return reason;
    }
}
