package org.isac.controller.pipeline;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.linalg.CMatrix;

/**
 * Writes the downstream frame of a weight update, a varint length and a
 * {@code ControllerMessage{update}}, in protobuf wire form straight from the solution into a
 * reused array: no builder, message, {@code ByteString} or boxed value per update. Sizes are
 * computed first, so the array is grown (warm-up only) before anything is written.
 *
 * <p>The bytes are those of {@code ControllerMessage.newBuilder().setUpdate(b).build()} with
 * {@code writeDelimitedTo}, for {@code b} as {@link WeightUpdates#fill} and the live stage times
 * make it (fields in number order, proto3 defaults left out, packed floats, map entries in
 * insertion order with key and value always written); {@code UpdateWriterTest} holds the two
 * against each other. The float weights written are those the {@link WeightGuard} checked
 * ({@link WeightGuard#sent()}). One instance per encoding thread.
 */
public final class UpdateWriter {
    // field numbers of testbed.proto
    private static final int CONTROLLER_UPDATE = 2;
    private static final int RADIO_ID = 1;
    private static final int SEQUENCE = 2;
    private static final int SOLVER = 3;
    private static final int ANALOG = 4;
    private static final int BASEBAND = 5;
    private static final int FPGA_FRAME = 6;
    private static final int PREDICTED = 7;
    private static final int SOLVE_NS = 8;
    private static final int EARLY_STOP = 9;
    private static final int CAPTURE_NS = 10;
    private static final int STAGES = 11;
    private static final int ITERATIONS = 12;
    private static final int RECEIVE = 13;
    private static final int LAYERS_PLANNED = 14;
    private static final int SUBBAND_BASEBAND = 15;
    private static final int MATRIX_ROWS = 1;
    private static final int MATRIX_COLS = 2;
    private static final int MATRIX_RE = 3;
    private static final int MATRIX_IM = 4;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private final Sink sink = new Sink();
    private final CodedOutputStream out = CodedOutputStream.newInstance(sink, 4096);
    /** The predicted map as the builder would hold it: the solver's entries, then the encoder's. */
    private final Params predicted = new Params();
    private int frameOffset = -1;

    /** The stage times of the update ({@code StageTimes}, controller clock). */
    public static final class Stages {
        public long receivedNs;
        public long solveStartNs;
        public long solveEndNs;
        public long encodedNs;

        int size() {
            return int64Size(1, receivedNs) + int64Size(2, solveStartNs) + int64Size(3, solveEndNs) + int64Size(4, encodedNs);
        }
    }

    /**
     * Writes the frame of one update; {@link #array()} {@code [0, result)} holds it.
     *
     * @param sent     the float weights to send, as {@link WeightGuard#sent()} holds them (analog empty for
     *                 digital; subbands 1…S−1 of a wideband solution go to {@code subband_baseband})
     * @param solution the solution: receive filters, predicted metrics, iterations, early stop, layers planned
     * @param hardware the encoder's frame and predicted entries
     * @param stages   the stage times; null leaves {@code stages} out
     * @return the frame's length in bytes
     */
    public int write(String radioId, long sequence, String solver, Precoder sent, Precoder solution,
                     HardwareForm hardware, long captureNs, long solveNs, Stages stages) {
        predicted.clear();
        predicted.copyFrom(solution.predicted);
        for (int i = 0; i < hardware.predictedCount(); i++) {
            predicted.put(hardware.key(i), hardware.value(i));
        }
        boolean hybrid = !sent.analog.isEmpty();
        boolean receive = !solution.receive.isEmpty();
        int analogSize = hybrid ? matrixSize(sent.analog) : 0;
        int basebandSize = matrixSize(sent.baseband);
        int receiveSize = receive ? matrixSize(solution.receive) : 0;
        int frameLength = hardware.frameLength();
        int stagesSize = stages == null ? 0 : stages.size();

        int update = stringSize(RADIO_ID, radioId) + uint64Size(SEQUENCE, sequence) + stringSize(SOLVER, solver);
        if (hybrid) {
            update += delimitedSize(ANALOG, analogSize);
        }
        update += delimitedSize(BASEBAND, basebandSize);
        if (frameLength > 0) {
            update += delimitedSize(FPGA_FRAME, frameLength);
        }
        for (int i = 0; i < predicted.size(); i++) {
            update += delimitedSize(PREDICTED, entrySize(predicted.key(i)));
        }
        update += int64Size(SOLVE_NS, solveNs);
        if (solution.earlyStop) {
            update += CodedOutputStream.computeBoolSize(EARLY_STOP, true);
        }
        update += int64Size(CAPTURE_NS, captureNs);
        if (stages != null) {
            update += delimitedSize(STAGES, stagesSize);
        }
        update += uint32Size(ITERATIONS, solution.iterations);
        if (receive) {
            update += delimitedSize(RECEIVE, receiveSize);
        }
        update += uint32Size(LAYERS_PLANNED, solution.layersPlanned);
        for (int b = 1; b < sent.subbands(); b++) {
            update += delimitedSize(SUBBAND_BASEBAND, matrixSize(sent.baseband(b)));
        }
        int message = delimitedSize(CONTROLLER_UPDATE, update);
        int total = CodedOutputStream.computeUInt32SizeNoTag(message) + message;

        sink.reset(total);
        frameOffset = -1;
        try {
            out.writeUInt32NoTag(message);
            out.writeTag(CONTROLLER_UPDATE, 2);
            out.writeUInt32NoTag(update);
            if (!radioId.isEmpty()) {
                out.writeString(RADIO_ID, radioId);
            }
            if (sequence != 0) {
                out.writeUInt64(SEQUENCE, sequence);
            }
            if (!solver.isEmpty()) {
                out.writeString(SOLVER, solver);
            }
            if (hybrid) {
                writeMatrix(ANALOG, sent.analog, analogSize);
            }
            writeMatrix(BASEBAND, sent.baseband, basebandSize);
            if (frameLength > 0) {
                out.writeTag(FPGA_FRAME, 2);
                out.writeUInt32NoTag(frameLength);
                out.flush();
                frameOffset = sink.size;
                out.writeRawBytes(hardware.frameArray(), 0, frameLength);
            }
            for (int i = 0; i < predicted.size(); i++) {
                String key = predicted.key(i);
                out.writeTag(PREDICTED, 2);
                out.writeUInt32NoTag(entrySize(key));
                out.writeString(ENTRY_KEY, key);
                out.writeDouble(ENTRY_VALUE, predicted.value(i));
            }
            if (solveNs != 0) {
                out.writeInt64(SOLVE_NS, solveNs);
            }
            if (solution.earlyStop) {
                out.writeBool(EARLY_STOP, true);
            }
            if (captureNs != 0) {
                out.writeInt64(CAPTURE_NS, captureNs);
            }
            if (stages != null) {
                out.writeTag(STAGES, 2);
                out.writeUInt32NoTag(stagesSize);
                writeInt64(1, stages.receivedNs);
                writeInt64(2, stages.solveStartNs);
                writeInt64(3, stages.solveEndNs);
                writeInt64(4, stages.encodedNs);
            }
            if (solution.iterations != 0) {
                out.writeUInt32(ITERATIONS, solution.iterations);
            }
            if (receive) {
                writeMatrix(RECEIVE, solution.receive, receiveSize);
            }
            if (solution.layersPlanned != 0) {
                out.writeUInt32(LAYERS_PLANNED, solution.layersPlanned);
            }
            for (int b = 1; b < sent.subbands(); b++) {
                CMatrix w = sent.baseband(b);
                writeMatrix(SUBBAND_BASEBAND, w, matrixSize(w));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink is an array: unreachable
        }
        if (sink.size != total) {
            throw new IllegalStateException("update frame of " + sink.size + " bytes, sized " + total);
        }
        return total;
    }

    /** The array the last {@link #write} filled from index 0; reused by the next write. */
    public byte[] array() {
        return sink.buf;
    }

    /** Where in {@link #array()} the last update's {@code fpga_frame} bytes start; −1 without a frame. */
    public int frameOffset() {
        return frameOffset;
    }

    private void writeInt64(int field, long v) throws IOException {
        if (v != 0) {
            out.writeInt64(field, v);
        }
    }

    /** {@code m} as a {@code ComplexMatrix} field: each entry cast to float (exact for the guard's float weights). */
    private void writeMatrix(int field, CMatrix m, int size) throws IOException {
        out.writeTag(field, 2);
        out.writeUInt32NoTag(size);
        if (m.rows() != 0) {
            out.writeUInt32(MATRIX_ROWS, m.rows());
        }
        if (m.cols() != 0) {
            out.writeUInt32(MATRIX_COLS, m.cols());
        }
        int n = m.size();
        if (n > 0) {
            out.writeTag(MATRIX_RE, 2);
            out.writeUInt32NoTag(4 * n);
            for (int i = 0; i < n; i++) {
                out.writeFloatNoTag((float) m.re[i]);
            }
            out.writeTag(MATRIX_IM, 2);
            out.writeUInt32NoTag(4 * n);
            for (int i = 0; i < n; i++) {
                out.writeFloatNoTag((float) m.im[i]);
            }
        }
    }

    private static int matrixSize(CMatrix m) {
        int n = m.size();
        int s = uint32Size(MATRIX_ROWS, m.rows()) + uint32Size(MATRIX_COLS, m.cols());
        if (n > 0) {
            s += 2 * delimitedSize(MATRIX_RE, 4 * n);
        }
        return s;
    }

    private static int entrySize(String key) {
        return CodedOutputStream.computeStringSize(ENTRY_KEY, key) + CodedOutputStream.computeDoubleSize(ENTRY_VALUE, 0);
    }

    private static int delimitedSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private static int stringSize(int field, String s) {
        return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
    }

    private static int uint64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, v);
    }

    private static int uint32Size(int field, int v) {
        return v == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, v);
    }

    private static int int64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt64Size(field, v);
    }

    /** The array the coded stream flushes into; grown only when an update is larger than any before. */
    private static final class Sink extends OutputStream {
        byte[] buf = new byte[4096];
        int size;

        void reset(int capacity) {
            if (buf.length < capacity) {
                buf = new byte[Math.max(capacity, buf.length * 2)];
            }
            size = 0;
        }

        @Override
        public void write(int b) {
            if (size == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(size + len, buf.length * 2));
            }
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }
    }
}
