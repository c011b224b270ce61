package org.isac.controller.pipeline;

/**
 * What a {@link WeightEncoder} adds to an update, held without building a message: the
 * {@code fpga_frame} bytes (the encoder's own buffer, not copied; valid until its next encode)
 * and {@code predicted} entries. One instance per encoding thread, cleared before each update;
 * allocation-free after its arrays grew to the largest use.
 */
public final class HardwareForm {
    private byte[] frame;
    private int frameLength;
    /** The predicted entries: the solvers' small allocation-free map, in the order first set. */
    private final org.isac.solver.Params predicted = new org.isac.solver.Params();

    /** Forgets the frame and the entries. */
    public void clear() {
        frame = null;
        frameLength = 0;
        predicted.clear();
    }

    /** The frame is {@code bytes[0, length)}; the array is read when the update is written, not copied here. */
    public void frame(byte[] bytes, int length) {
        if (length < 0 || length > (bytes == null ? 0 : bytes.length)) {
            throw new IllegalArgumentException("frame length " + length + " outside the array");
        }
        frame = bytes;
        frameLength = length;
    }

    /** Sets predicted metric {@code key}, replacing an earlier value (as {@code putPredicted} does). */
    public void predict(String key, double value) {
        predicted.put(java.util.Objects.requireNonNull(key, "key"), value);
    }

    public byte[] frameArray() {
        return frame;
    }

    /** Length of the frame; 0 for none. */
    public int frameLength() {
        return frameLength;
    }

    /** Predicted entries, in the order first set. */
    public int predictedCount() {
        return predicted.size();
    }

    public String key(int i) {
        return predicted.key(i);
    }

    public double value(int i) {
        return predicted.value(i);
    }
}
