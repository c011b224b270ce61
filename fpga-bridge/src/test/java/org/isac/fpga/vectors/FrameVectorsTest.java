package org.isac.fpga.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.WeightFrameParser;
import org.junit.jupiter.api.Test;

class FrameVectorsTest {
    private static String write(long seed, int[] counts) {
        StringWriter s = new StringWriter();
        int[] c = FrameVectors.write(new PrintWriter(s), seed);
        counts[0] = c[0];
        counts[1] = c[1];
        return s.toString();
    }

    @Test
    void gridIsDeterministicCoversEveryWidthAndEncodedFramesParse() throws Exception {
        int[] counts = new int[2];
        String text = write(7, counts);
        assertEquals(text, write(7, new int[2]), "same seed, same file");
        String[] lines = text.split("\n");
        WeightFrameParser parser = new WeightFrameParser();
        DecodedFrame f = new DecodedFrame();
        Set<String> widths = new HashSet<>();
        Set<String> reasons = new HashSet<>();
        int encoded = 0;
        int wideband = 0;
        Set<String> wideReasons = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String[] p = lines[i].split(" ");
            if (p[0].equals("frame") && !p[1].contains("c")) { // an uncorrupted encoder output
                byte[] b = HexFormat.of().parseHex(p[2]);
                parser.parse(b, 0, b.length, f); // throws if the encoder wrote a bad frame
                assertTrue(lines[i + 1].startsWith("accept "), p[1]);
                if (f.version() == 2) {
                    wideband++;
                    assertTrue(lines[i + 2].startsWith("subbands " + f.subbands() + " "), p[1]);
                    continue;
                }
                widths.add(f.hybrid() + "/" + f.codec() + "/" + f.phaseBits() + "/" + f.basebandBits());
                encoded++;
            } else if (p[0].equals("reject")) {
                reasons.add(p[1]);
                if (p[1].length() > 0 && lines[i - 1].contains("c3 ")) {
                    wideReasons.add(p[1]); // the corrupted S of a version 2 frame
                }
            }
        }
        assertEquals(FrameVectors.SHAPES.length * 2 * 13 * 9, encoded);
        assertEquals(FrameVectors.SHAPES.length * 2 * 4 * 2 * 3, wideband, "version 2: shapes x codecs x 4 widths x modes x S");
        assertTrue(wideReasons.containsAll(Set.of("BAD_DIMENSIONS", "LENGTH_MISMATCH", "OVERSIZED")), wideReasons.toString());
        assertEquals(2 * 13 * 9, widths.size(), "every codec x baseband 4..16 x (digital, phase 1..8)");
        assertTrue(reasons.containsAll(Set.of("TRUNCATED", "TRAILING_BYTES", "BAD_CRC", "BAD_MAGIC", "BAD_BITS",
                "LENGTH_MISMATCH")), reasons.toString());
        assertTrue(counts[0] >= encoded && counts[1] > encoded, counts[0] + " accepted, " + counts[1] + " rejected");
    }
}
