package org.isac.sim;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Subband;
import org.isac.solver.linalg.CMatrix;

/**
 * A simulated radio's CSI reports in wire form, without building messages: the envelope
 * ({@code FrontEndMessage.csi}) of a report whose unchanging fields (radio id, power budget,
 * solver and its parameters, targets, the narrowband noise power or the carrier) were serialized
 * once from a template, followed by this report's sequence, capture time, deadline and channel —
 * or, wideband, its subbands (channel, noise power, frequency offset each). Protobuf reads
 * concatenated fields as one message, so the bytes parse to the message the builders would make
 * ({@code ReportWriterTest}). Building it with the builders cost ≈ 18 KB of garbage per report
 * at N = 64, K = 4 (JFR: the float lists of the matrix grown value by value, their copies, the
 * serialized array); this writes into one reused array.
 */
final class ReportWriter {
    private static final int CSI_TAG = FrontEndMessage.CSI_FIELD_NUMBER << 3 | 2;

    private final byte[] template;
    private final int n;
    private final int k;
    private final double noiseW;
    private final double[] offsetHz;
    private byte[] out = new byte[0];

    /**
     * @param template the report's unchanging fields; must not set sequence, capture, deadline,
     *                 channel or subbands
     * @param noiseW   each subband's noise power (wideband only)
     * @param offsetHz each subband's frequency offset; its length is S (1: narrowband)
     */
    ReportWriter(CsiReport template, int n, int k, double noiseW, double[] offsetHz) {
        if (template.getSequence() != 0 || template.getCaptureNs() != 0 || template.getDeadlineNs() != 0
                || template.hasChannel() || template.getSubbandsCount() > 0) {
            throw new IllegalArgumentException("the template sets a per-report field");
        }
        this.template = template.toByteArray();
        this.n = n;
        this.k = k;
        this.noiseW = noiseW;
        this.offsetHz = offsetHz.clone();
    }

    /** The bytes of the last {@link #write}, from 0. */
    byte[] array() {
        return out;
    }

    /**
     * Writes the envelope of one report; returns its length in {@link #array()}. The channels are
     * sent as floats; {@code copy}, when not null, receives subband 0's as sent (what the
     * controller sees).
     */
    int write(long sequence, long captureNs, long deadlineNs, CMatrix[] channels, CMatrix copy) {
        int entries = n * k;
        int packed = 4 * entries;
        int matrix = CodedOutputStream.computeUInt32Size(ComplexMatrix.ROWS_FIELD_NUMBER, n)
                + CodedOutputStream.computeUInt32Size(ComplexMatrix.COLS_FIELD_NUMBER, k)
                + (entries == 0 ? 0 : 2 * (1 + CodedOutputStream.computeUInt32SizeNoTag(packed) + packed));
        int csi = template.length
                + (sequence == 0 ? 0 : CodedOutputStream.computeUInt64Size(CsiReport.SEQUENCE_FIELD_NUMBER, sequence))
                + (captureNs == 0 ? 0 : CodedOutputStream.computeInt64Size(CsiReport.CAPTURE_NS_FIELD_NUMBER, captureNs))
                + (deadlineNs == 0 ? 0 : CodedOutputStream.computeInt64Size(CsiReport.DEADLINE_NS_FIELD_NUMBER, deadlineNs));
        int subband = 0;
        if (offsetHz.length == 1) {
            csi += 1 + CodedOutputStream.computeUInt32SizeNoTag(matrix) + matrix;
        } else {
            for (double f : offsetHz) {
                int s = subbandSize(matrix, f);
                csi += 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
            }
        }
        int total = 1 + CodedOutputStream.computeUInt32SizeNoTag(csi) + csi;
        if (out.length < total) {
            out = new byte[Math.max(total, 2 * out.length)];
        }
        CodedOutputStream o = CodedOutputStream.newInstance(out, 0, total);
        try {
            o.writeUInt32NoTag(CSI_TAG);
            o.writeUInt32NoTag(csi);
            o.writeRawBytes(template);
            if (sequence != 0) {
                o.writeUInt64(CsiReport.SEQUENCE_FIELD_NUMBER, sequence);
            }
            if (captureNs != 0) {
                o.writeInt64(CsiReport.CAPTURE_NS_FIELD_NUMBER, captureNs);
            }
            if (deadlineNs != 0) {
                o.writeInt64(CsiReport.DEADLINE_NS_FIELD_NUMBER, deadlineNs);
            }
            if (offsetHz.length == 1) {
                o.writeTag(CsiReport.CHANNEL_FIELD_NUMBER, 2);
                o.writeUInt32NoTag(matrix);
                matrix(o, channels[0], packed, copy);
            } else {
                for (int b = 0; b < offsetHz.length; b++) {
                    o.writeTag(CsiReport.SUBBANDS_FIELD_NUMBER, 2);
                    o.writeUInt32NoTag(subbandSize(matrix, offsetHz[b]));
                    o.writeTag(Subband.CHANNEL_FIELD_NUMBER, 2);
                    o.writeUInt32NoTag(matrix);
                    matrix(o, channels[b], packed, b == 0 ? copy : null);
                    o.writeTag(Subband.NOISE_POWER_W_FIELD_NUMBER, 2);
                    o.writeUInt32NoTag(8);
                    o.writeDoubleNoTag(noiseW);
                    if (Double.doubleToRawLongBits(offsetHz[b]) != 0) {
                        o.writeDouble(Subband.FREQUENCY_OFFSET_HZ_FIELD_NUMBER, offsetHz[b]);
                    }
                }
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("report longer than computed", e);
        }
        return total;
    }

    private static int subbandSize(int matrix, double offsetHz) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(matrix) + matrix
                + 1 + 1 + 8 // noise_power_w, packed: one double
                + (Double.doubleToRawLongBits(offsetHz) != 0 ? 1 + 8 : 0);
    }

    /** A ComplexMatrix's fields: rows, cols, then the packed real and imaginary parts as floats. */
    private void matrix(CodedOutputStream o, CMatrix m, int packed, CMatrix copy) throws IOException {
        o.writeUInt32(ComplexMatrix.ROWS_FIELD_NUMBER, n);
        o.writeUInt32(ComplexMatrix.COLS_FIELD_NUMBER, k);
        if (packed == 0) {
            return;
        }
        floats(o, ComplexMatrix.RE_FIELD_NUMBER, m.re, packed, copy == null ? null : copy.re);
        floats(o, ComplexMatrix.IM_FIELD_NUMBER, m.im, packed, copy == null ? null : copy.im);
    }

    /** One packed float field of {@code packed / 4} values; also into {@code copy} (the float values, as doubles) when not null. */
    private static void floats(CodedOutputStream o, int field, double[] values, int packed, double[] copy) throws IOException {
        o.writeTag(field, 2);
        o.writeUInt32NoTag(packed);
        for (int i = 0, count = packed / 4; i < count; i++) {
            float v = (float) values[i];
            o.writeFloatNoTag(v);
            if (copy != null) {
                copy[i] = v;
            }
        }
    }
}
