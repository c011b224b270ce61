package org.isac.fpga.phase;

import java.io.IOException;

/** A calibration file could not be used; the message names the source and line. */
public final class CalibrationFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public CalibrationFormatException(String source, int line, String message) {
        super(source + (line > 0 ? ":" + line : "") + ": " + message);
        this.line = line;
    }

    /** 1-based line number, or 0 when the problem is not tied to a line. */
    public int line() {
        return line;
    }
}
