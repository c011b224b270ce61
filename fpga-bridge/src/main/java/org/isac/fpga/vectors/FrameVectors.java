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
 * and with and without attenuators, and the Java parser's reading of each (every raw code and
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
 * phase &lt;codes&gt;      (hybrid)     gain &lt;codes&gt;  (hybrid with attenuators)
 * exp &lt;K exponents&gt;   iq &lt;I Q per entry&gt;   w &lt;re im per entry&gt;   f &lt;re im per shifter&gt; (hybrid, ideal elements)
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
        out.flush();
        return counts;
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
        for (int c = 0; c < f.k(); c++) {
            e.append(' ').append(f.exponent(c));
        }
        out.println(e);
        StringBuilder iq = new StringBuilder("iq");
        StringBuilder w = new StringBuilder("w");
        for (int i = 0; i < entries; i++) {
            iq.append(' ').append(f.iWord(i)).append(' ').append(f.qWord(i));
            w.append(' ').append(hex(f.basebandRe(i))).append(' ').append(hex(f.basebandIm(i)));
        }
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
