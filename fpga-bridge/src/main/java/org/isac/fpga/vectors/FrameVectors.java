package org.isac.fpga.vectors;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;

/**
 * Cross-language test vectors for the weight frame ({@code fpga-bridge/FRAME.md}): the Java
 * encoder writes frames for a grid of shapes, phase bits 1..8, baseband bits 4..16, both codecs
 * and with and without attenuators, and a grid of wideband (version 2) frames with S = 2, 3, 5
 * baseband sets; the Java parser's reading of each (every raw code and
 * word, and every quantized weight as IEEE-754 bits) goes beside it; corrupted copies carry the
 * parser's reject reason. The Python and C kits under {@code clients/} parse the same file and
 * must agree exactly.
 *
 * <p>Text, one record per line, fields separated by one space; integers decimal, bytes and
 * doubles hex (a double as the 16 hex digits of its bits):
 * <pre>
 * frame &lt;id&gt; &lt;frame bytes as hex&gt;
 * reject &lt;RejectReason name&gt;
 *   or
 * accept &lt;hybrid 0/1&gt; &lt;codec&gt; &lt;phaseBits&gt; &lt;basebandBits&gt; &lt;gainBits&gt; &lt;gainStepCentiDb&gt;
 *        &lt;radioIdHash as unsigned&gt; &lt;sequence&gt; &lt;N&gt; &lt;M&gt; &lt;K&gt; &lt;crc32c as unsigned&gt; &lt;scale float bits hex&gt;
 * subbands &lt;S&gt; &lt;scale float bits hex of subbands 1..S-1&gt;   (version 2 only; the accept line has subband 0's scale)
 * phase &lt;codes&gt;      (hybrid)     gain &lt;codes&gt;  (hybrid with attenuators)
 * exp &lt;K exponents&gt;   iq &lt;I Q per entry&gt;   w &lt;re im per entry&gt;   f &lt;re im per shifter&gt; (hybrid, ideal elements)
 *   (exp, iq and w list every subband's values, subband 0's first)
 * end
 * </pre>
 * Deterministic: the same seed writes the same file.
 */
public final class FrameVectors {
    private FrameVectors() {
    }

    /** Shapes {N, M, K}: M is used by hybrid frames, digital frames use N x K. */
    static final int[][] SHAPES = {{1, 1, 1}, {2, 1, 1}, {4, 2, 2}, {8, 3, 2}, {16, 4, 4}};

    /** Writes the vectors to {@code args[0]} (default {@code frame-vectors.txt}); prints the counts. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "frame-vectors.txt");
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
            int[] counts = write(new PrintWriter(w), 20261206L);
            System.out.println("frame vectors: " + counts[0] + " accepted, " + counts[1] + " rejected -> " + out);
        }
    }

    /** Writes every vector; returns {accepted, rejected}. */
    public static int[] write(PrintWriter out, long seed) {
        Random rnd = new Random(seed);
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame f = new DecodedFrame();
        FrameBuffer buf = new FrameBuffer();
        int[] counts = new int[2];
        int id = 0;
        for (int[] s : SHAPES) {
            for (CodecId codec : CodecId.values()) {
                for (int bb = 4; bb <= 16; bb++) {
                    for (int pb = 0; pb <= 8; pb++) { // 0: digital
                        int gainBits = pb > 0 && (pb + bb) % 3 == 0 ? 1 + (pb + bb) % 4 : 0;
                        int step = gainBits > 0 ? 50 * (1 + bb % 4) : 0;
                        EncoderConfig cfg = new EncoderConfig(pb == 0 ? 6 : pb, gainBits, step, codec, bb, false, 1e-6, null);
                        WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
                        int n = s[0], m = s[1], k = s[2];
                        String radio = "fe-" + (id % 7);
                        long seq = 1 + (id * 7919L) % 100000;
                        int rows = pb == 0 ? n : m;
                        double[] wRe = new double[rows * k], wIm = new double[rows * k];
                        for (int i = 0; i < wRe.length; i++) {
                            double col = Math.pow(2, -(i % k)); // columns of different size exercise the BFP exponents
                            wRe[i] = rnd.nextGaussian() * 0.1 * col;
                            wIm[i] = rnd.nextGaussian() * 0.1 * col;
                        }
                        int len;
                        if (pb == 0) {
                            len = enc.encodeDigital(radio, seq, wRe, wIm, n, k, 1e6, buf);
                        } else {
                            double[] fRe = new double[n * m], fIm = new double[n * m];
                            for (int i = 0; i < fRe.length; i++) {
                                double a = gainBits > 0 ? 0.3 + 0.7 * rnd.nextDouble() : 1;
                                double th = rnd.nextDouble() * 2 * Math.PI;
                                fRe[i] = a * Math.cos(th);
                                fIm[i] = a * Math.sin(th);
                            }
                            len = enc.encodeHybrid(radio, seq, fRe, fIm, wRe, wIm, n, m, k, 1e6, buf);
                        }
                        byte[] frame = java.util.Arrays.copyOf(buf.array(), len);
                        counts[record(out, parser, f, "v" + id, frame)]++;
                        // corrupted copies: the parser's first failing check is the expected reason
                        for (int c = 0; c < 3; c++) {
                            byte[] bad = corrupt(frame, rnd, c);
                            counts[record(out, parser, f, "v" + id + "c" + c, bad)]++;
                        }
                        id++;
                    }
                }
            }
        }
        id = writeWideband(out, rnd, parser, f, buf, counts, id);
        out.flush();
        return counts;
    }

    /** Version 2 frames: S = 2, 3, 5 sets over the shapes, both codecs and modes; corrupted copies, also of S. */
    private static int writeWideband(PrintWriter out, Random rnd, WeightFrameParser parser, DecodedFrame f, FrameBuffer buf,
                                     int[] counts, int id) {
        int[] subbandCounts = {2, 3, 5};
        for (int[] s : SHAPES) {
            for (CodecId codec : CodecId.values()) {
                for (int bb : new int[] {4, 9, 12, 16}) {
                    for (int pb : new int[] {0, 6}) { // 0: digital
                        for (int subbands : subbandCounts) {
                            int gainBits = pb > 0 && bb % 2 == 0 ? 2 : 0;
                            int step = gainBits > 0 ? 100 : 0;
                            EncoderConfig cfg = new EncoderConfig(pb == 0 ? 6 : pb, gainBits, step, codec, bb, false, 1e-6, null);
                            WeightFrameEncoder enc = new WeightFrameEncoder(cfg);
                            int n = s[0], m = s[1], k = s[2];
                            int rows = pb == 0 ? n : m;
                            org.isac.solver.Precoder p = new org.isac.solver.Precoder();
                            if (pb > 0) {
                                p.analog.reshape(n, m);
                                for (int i = 0; i < n * m; i++) {
                                    double a = gainBits > 0 ? 0.3 + 0.7 * rnd.nextDouble() : 1;
                                    double th = rnd.nextDouble() * 2 * Math.PI;
                                    p.analog.re[i] = a * Math.cos(th);
                                    p.analog.im[i] = a * Math.sin(th);
                                }
                            }
                            p.setSubbands(subbands);
                            for (int b = 0; b < subbands; b++) {
                                org.isac.solver.linalg.CMatrix w = p.baseband(b);
                                w.reshape(rows, k);
                                for (int i = 0; i < rows * k; i++) {
                                    double col = Math.pow(2, -((i + b) % k));
                                    w.re[i] = rnd.nextGaussian() * 0.1 * col;
                                    w.im[i] = rnd.nextGaussian() * 0.1 * col;
                                }
                            }
                            int len = enc.encode("fe-" + (id % 7), 1 + (id * 7919L) % 100000, p, 1e6, buf);
                            byte[] frame = java.util.Arrays.copyOf(buf.array(), len);
                            counts[record(out, parser, f, "v" + id, frame)]++;
                            for (int c = 0; c < 4; c++) {
                                byte[] bad = c < 3 ? corrupt(frame, rnd, c) : corruptSubbands(frame, rnd);
                                counts[record(out, parser, f, "v" + id + "c" + c, bad)]++;
                            }
                            id++;
                        }
                    }
                }
            }
        }
        return id;
    }

    /** A version 2 frame with another S (0, 1, one more or less, or above the limit), re-signed. */
    static byte[] corruptSubbands(byte[] frame, Random rnd) {
        byte[] bad = frame.clone();
        int s = (bad[30] & 0xFF) | (bad[31] & 0xFF) << 8;
        int[] choices = {0, 1, s - 1, s + 1, 1025, 65535};
        int v = choices[rnd.nextInt(choices.length)];
        bad[30] = (byte) v;
        bad[31] = (byte) (v >>> 8);
        int body = bad.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bad, 0, body);
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            bad[body + i] = (byte) (c >>> (8 * i));
        }
        return bad;
    }

    /** One corruption: 0 flips a random byte (CRC left stale), 1 flips a random byte and re-signs, 2 truncates or extends. */
    static byte[] corrupt(byte[] frame, Random rnd, int kind) {
        if (kind == 2) {
            int len = rnd.nextBoolean() ? rnd.nextInt(frame.length) : frame.length + 1 + rnd.nextInt(4);
            return java.util.Arrays.copyOf(frame, len);
        }
        byte[] bad = frame.clone();
        int body = bad.length - 4;
        int at = rnd.nextInt(kind == 0 ? bad.length : body);
        bad[at] ^= (byte) (1 << rnd.nextInt(8));
        if (kind == 1) {
            CRC32C crc = new CRC32C();
            crc.update(bad, 0, body);
            int v = (int) crc.getValue();
            for (int i = 0; i < 4; i++) {
                bad[body + i] = (byte) (v >>> (8 * i));
            }
        }
        return bad;
    }

    /** Writes one frame and the Java parser's verdict; returns 0 when accepted, 1 when rejected. */
    static int record(PrintWriter out, WeightFrameParser parser, DecodedFrame f, String id, byte[] frame) {
        out.print("frame " + id + " ");
        out.println(java.util.HexFormat.of().formatHex(frame));
        try {
            parser.parse(frame, 0, frame.length, f);
        } catch (FrameRejectedException e) {
            out.println("reject " + e.reason().name());
            return 1;
        }
        int shifters = f.hybrid() ? f.n() * f.m() : 0;
        int entries = f.basebandRows() * f.k();
        out.println("accept " + (f.hybrid() ? 1 : 0) + " " + f.codec().wire() + " " + f.phaseBits() + " " + f.basebandBits()
                + " " + f.gainBits() + " " + f.gainStepCentiDb() + " " + Integer.toUnsignedString(f.radioIdHash()) + " "
                + Long.toUnsignedString(f.sequence()) + " " + f.n() + " " + f.m() + " " + f.k() + " "
                + Integer.toUnsignedString(f.crc32c()) + " " + String.format("%08x", Float.floatToRawIntBits(f.scale())));
        if (f.subbands() > 1) {
            StringBuilder sb = new StringBuilder("subbands ").append(f.subbands());
            for (int b = 1; b < f.subbands(); b++) {
                sb.append(' ').append(String.format("%08x", Float.floatToRawIntBits(f.scale(b))));
            }
            out.println(sb);
        }
        if (f.hybrid()) {
            StringBuilder p = new StringBuilder("phase");
            for (int i = 0; i < shifters; i++) {
                p.append(' ').append(f.phaseCode(i));
            }
            out.println(p);
            if (f.gainBits() > 0) {
                StringBuilder g = new StringBuilder("gain");
                for (int i = 0; i < shifters; i++) {
                    g.append(' ').append(f.gainCode(i));
                }
                out.println(g);
            }
        }
        StringBuilder e = new StringBuilder("exp");
        StringBuilder iq = new StringBuilder("iq");
        StringBuilder w = new StringBuilder("w");
        for (int b = 0; b < f.subbands(); b++) {
            for (int c = 0; c < f.k(); c++) {
                e.append(' ').append(f.exponent(b, c));
            }
            for (int i = 0; i < entries; i++) {
                iq.append(' ').append(f.iWord(b, i)).append(' ').append(f.qWord(b, i));
                w.append(' ').append(hex(f.basebandRe(b, i))).append(' ').append(hex(f.basebandIm(b, i)));
            }
        }
        out.println(e);
        out.println(iq);
        out.println(w);
        if (f.hybrid()) {
            double[] re = new double[shifters], im = new double[shifters];
            f.analog(re, im, null);
            StringBuilder a = new StringBuilder("f");
            for (int i = 0; i < shifters; i++) {
                a.append(' ').append(hex(re[i])).append(' ').append(hex(im[i]));
            }
            out.println(a);
        }
        out.println("end");
        return 0;
    }

    private static String hex(double v) {
        return String.format("%016x", Double.doubleToRawLongBits(v));
    }
}
