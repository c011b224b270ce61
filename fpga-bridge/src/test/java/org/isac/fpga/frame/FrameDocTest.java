package org.isac.fpga.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.BlockFloatCodec;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.baseband.FixedIqCodec;
import org.isac.solver.Precoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code fpga-bridge/FRAME.md} agrees with the code: header table, bounds table, worked examples. */
class FrameDocTest {
    private static String doc;

    @BeforeAll
    static void read() throws Exception {
        Path p = Path.of("FRAME.md");
        if (!Files.exists(p)) {
            p = Path.of("fpga-bridge", "FRAME.md");
        }
        doc = Files.readString(p, StandardCharsets.UTF_8);
    }

    private static String section(String heading) {
        int i = doc.indexOf("\n## " + heading);
        assertTrue(i >= 0, "FRAME.md has a section " + heading);
        int j = doc.indexOf("\n## ", i + 1);
        return doc.substring(i, j < 0 ? doc.length() : j);
    }

    @Test
    void headerTableMatchesFrameFormat() {
        Map<String, int[]> expected = Map.ofEntries(
                Map.entry("magic", new int[] {FrameFormat.OFF_MAGIC, 4}),
                Map.entry("version", new int[] {FrameFormat.OFF_VERSION, 1}),
                Map.entry("mode", new int[] {FrameFormat.OFF_MODE, 1}),
                Map.entry("codec", new int[] {FrameFormat.OFF_CODEC, 1}),
                Map.entry("phaseBits", new int[] {FrameFormat.OFF_PHASE_BITS, 1}),
                Map.entry("basebandBits", new int[] {FrameFormat.OFF_BASEBAND_BITS, 1}),
                Map.entry("gainBits", new int[] {FrameFormat.OFF_GAIN_BITS, 1}),
                Map.entry("gainStepCentiDb", new int[] {FrameFormat.OFF_GAIN_STEP, 2}),
                Map.entry("radioIdHash", new int[] {FrameFormat.OFF_RADIO_HASH, 4}),
                Map.entry("sequence", new int[] {FrameFormat.OFF_SEQUENCE, 8}),
                Map.entry("N", new int[] {FrameFormat.OFF_N, 2}),
                Map.entry("M", new int[] {FrameFormat.OFF_M, 2}),
                Map.entry("K", new int[] {FrameFormat.OFF_K, 2}),
                Map.entry("subbands", new int[] {FrameFormat.OFF_SUBBANDS, 2}),
                Map.entry("payloadLength", new int[] {FrameFormat.OFF_PAYLOAD_LENGTH, 4}));
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| (\\d+) \\| (\\w+) \\|").matcher(section("Layout"));
        int next = 0;
        int rows = 0;
        while (m.find()) {
            int off = Integer.parseInt(m.group(1));
            int size = Integer.parseInt(m.group(2));
            String name = m.group(3);
            int[] e = expected.get(name);
            assertNotNull(e, "unknown header field in FRAME.md: " + name);
            assertEquals(e[0], off, name + " offset");
            assertEquals(e[1], size, name + " size");
            assertEquals(next, off, name + " follows the previous field without a gap");
            next = off + size;
            rows++;
        }
        assertEquals(expected.size(), rows, "every header field is documented once");
        assertEquals(FrameFormat.HEADER_BYTES, next);
        assertTrue(section("Layout").contains("| " + FrameFormat.HEADER_BYTES + " | P | payload |"));
        assertEquals(FrameFormat.MAGIC, Bits.i32("ISWF".getBytes(StandardCharsets.US_ASCII), 0));
    }

    @Test
    void boundsTableMatchesTheCodecs() {
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| ([-\\d.e]+) \\| ([\\d.e-]+) \\|$")
                .matcher(section("Quantization and round-trip bounds"));
        int rows = 0;
        while (m.find()) {
            int w = Integer.parseInt(m.group(1));
            if (w >= 2) {
                assertEquals(FixedIqCodec.relativeErrorBound(w), Double.parseDouble(m.group(2)), 0.005 * FixedIqCodec.relativeErrorBound(w),
                        "fixed, w=" + w);
            } else {
                assertEquals("-", m.group(2));
            }
            assertEquals(BlockFloatCodec.relativeErrorBound(w), Double.parseDouble(m.group(3)),
                    0.005 * BlockFloatCodec.relativeErrorBound(w), "BFP, w=" + w);
            assertEquals(rows + 1, w);
            rows++;
        }
        assertEquals(16, rows);
    }

    private static byte[] example(String name) {
        Matcher m = Pattern.compile("```hex " + Pattern.quote(name) + "\\n([0-9a-f \\n]+?)```").matcher(doc);
        assertTrue(m.find(), "FRAME.md has the example " + name);
        return HexFormat.of().parseHex(m.group(1).replaceAll("\\s+", ""));
    }

    @Test
    void hybridExampleIsWhatTheEncoderWrites() throws Exception {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults()); // 6-bit phases, 9-bit BFP
        FrameBuffer buf = new FrameBuffer();
        int len = enc.encodeHybrid("fe-0", 7, new double[] {1, 0}, new double[] {0, 1},
                new double[] {0.5}, new double[] {-0.25}, 2, 1, 1, 10.0, buf);
        byte[] documented = example("example-hybrid");
        assertArrayEquals(documented, buf.toByteArray());
        DecodedFrame d = new WeightFrameParser().parse(documented, 0, documented.length, new DecodedFrame());
        assertEquals(len, d.frameLength());
        assertTrue(d.isFor("fe-0"));
        assertEquals(0x06aa1af1, d.radioIdHash());
        assertEquals(0, d.phaseCode(0));
        assertEquals(16, d.phaseCode(1));
        assertEquals(8, d.exponent(0));
        assertEquals(128, d.iWord(0));
        assertEquals(-64, d.qWord(0));
        assertEquals(0x37800101, Float.floatToRawIntBits(d.scale()));
        assertEquals(0x76fa2bb6, d.crc32c());
        assertTrue(doc.contains(String.format(Locale.ROOT, "%.7f", d.basebandRe(0))), "decoded value quoted");
    }

    @Test
    void digitalExampleIsWhatTheEncoderWrites() throws Exception {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(CodecId.FIXED, 16));
        FrameBuffer buf = new FrameBuffer();
        enc.encodeDigital("fe-0", 8, new double[] {0.5, 0.25}, new double[] {0, -0.5}, 2, 1, 10.0, buf);
        byte[] documented = example("example-digital");
        assertArrayEquals(documented, buf.toByteArray());
        DecodedFrame d = new WeightFrameParser().parse(documented, 0, documented.length, new DecodedFrame());
        assertFalse(d.hybrid());
        assertEquals(8, d.sequence());
        List<Integer> words = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            words.add(d.iWord(e));
            words.add(d.qWord(e));
        }
        assertEquals(List.of(32767, 0, 16383, -32767), words);
        assertEquals(0x4ee10189, d.crc32c());
    }

    @Test
    void widebandExampleIsWhatTheEncoderWrites() throws Exception {
        WeightFrameEncoder enc = new WeightFrameEncoder(EncoderConfig.defaults()); // 6-bit phases, 9-bit BFP
        Precoder p = new Precoder();
        p.analog.reshape(2, 1);
        p.analog.re[0] = 1;
        p.analog.im[1] = 1;
        p.setSubbands(2);
        p.baseband(0).reshape(1, 1);
        p.baseband(0).re[0] = 0.5;
        p.baseband(0).im[0] = -0.25;
        p.baseband(1).reshape(1, 1);
        p.baseband(1).re[0] = 0.25;
        p.baseband(1).im[0] = 0.5;
        FrameBuffer buf = new FrameBuffer();
        enc.encode("fe-0", 9, p, 10.0, buf);
        byte[] documented = example("example-wideband");
        assertArrayEquals(documented, buf.toByteArray());
        DecodedFrame d = new WeightFrameParser().parse(documented, 0, documented.length, new DecodedFrame());
        assertEquals(2, d.version());
        assertEquals(2, d.subbands());
        assertEquals(18, d.payloadLength());
        assertEquals(16, d.phaseCode(1));
        assertEquals(128, d.iWord(0, 0));
        assertEquals(-64, d.qWord(0, 0));
        assertEquals(64, d.iWord(1, 0));
        assertEquals(128, d.qWord(1, 0));
        assertEquals(8, d.exponent(1, 0));
        assertEquals(0x37800101, Float.floatToRawIntBits(d.scale(1)));
        assertEquals(0xa18cd120, d.crc32c());
        String text = section("Worked examples");
        assertTrue(text.contains(String.format(Locale.ROOT, "%.7f + %.7fj", d.basebandRe(1, 0), d.basebandIm(1, 0))),
                "subband 1's decoded value quoted");
        // subband 0's section is the narrowband hybrid example's, byte for byte
        byte[] hybrid = example("example-hybrid");
        assertArrayEquals(Arrays.copyOfRange(hybrid, 36, 46), Arrays.copyOfRange(documented, 36, 46));
    }

    @Test
    void everyRejectReasonIsDocumented() {
        String parser = section("Parser");
        for (RejectReason r : RejectReason.values()) {
            assertTrue(parser.contains("`" + r.name() + "`"), r + " missing from FRAME.md");
        }
    }
}
