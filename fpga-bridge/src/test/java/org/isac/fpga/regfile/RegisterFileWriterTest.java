package org.isac.fpga.regfile;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.TestData;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.WeightFrameParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The register-file writer against a plain file standing in for a UIO window. */
class RegisterFileWriterTest {
    private static final String MAP_RESOURCE = "/regmap-small.properties";

    private static RegisterMap smallMap(Path dir) throws Exception {
        Path f = dir.resolve("regmap.properties");
        try (InputStream in = RegisterFileWriterTest.class.getResourceAsStream(MAP_RESOURCE)) {
            Files.copy(in, f);
        }
        return RegisterMap.load(f);
    }

    /** A zero-filled file as large as the window end, like an idle register block. */
    private static Path device(Path dir, RegisterMap map) throws Exception {
        Path dev = dir.resolve("uio0");
        Files.write(dev, new byte[(int) (map.windowOffset() + map.windowSize())]);
        return dev;
    }

    private static ByteBuffer window(Path dev, RegisterMap map) throws Exception {
        byte[] all = Files.readAllBytes(dev);
        return ByteBuffer.wrap(all, (int) map.windowOffset(), map.windowSize()).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static DecodedFrame hybridFrame(long seq, int n, int m, int k, EncoderConfig cfg, SplittableRandom rnd) throws Exception {
        double[][] f = TestData.unitModulus(rnd, n * m);
        double[][] w = TestData.matrix(rnd, m, k);
        FrameBuffer buf = new FrameBuffer();
        int len = new WeightFrameEncoder(cfg).encodeHybrid("fe", seq, f[0], f[1], w[0], w[1], n, m, k, 1e6, buf);
        return new WeightFrameParser().parse(buf.array(), 0, len, new DecodedFrame());
    }

    private static DecodedFrame digitalFrame(long seq, int n, int k, EncoderConfig cfg, SplittableRandom rnd) throws Exception {
        double[][] w = TestData.matrix(rnd, n, k);
        FrameBuffer buf = new FrameBuffer();
        int len = new WeightFrameEncoder(cfg).encodeDigital("fe", seq, w[0], w[1], n, k, 1e6, buf);
        return new WeightFrameParser().parse(buf.array(), 0, len, new DecodedFrame());
    }

    /** Checks that bank {@code bank} of the window holds frame {@code d} word by word. */
    private static void assertBankHolds(ByteBuffer win, RegisterMap map, int bank, DecodedFrame d) {
        if (d.hybrid()) {
            int base = map.phaseOffset(bank);
            for (int i = 0; i < d.n() * d.m(); i++) {
                int word = win.getInt(base + 4 * i);
                assertEquals(d.phaseCode(i), word & 0xFF, "phase code " + i);
                assertEquals(d.gainBits() > 0 ? d.gainCode(i) : 0, (word >>> 8) & 0xFF, "gain code " + i);
                assertEquals(0, word >>> 16, "upper bits of phase word " + i);
            }
        }
        int bb = map.basebandOffset(bank);
        float scale = Float.intBitsToFloat(win.getInt(bb));
        assertEquals(d.scale(), scale);
        int k = d.k();
        for (int e = 0; e < d.basebandRows() * k; e++) {
            int word = win.getInt(bb + 4 + 4 * k + 4 * e);
            int i = (short) word;
            int q = (short) (word >>> 16);
            int exp = win.getInt(bb + 4 + 4 * (e % k));
            // what the datapath computes from the registers equals the parser's dequantized W
            assertEquals(d.basebandRe(e), Math.scalb((double) scale, exp) * i, "re " + e);
            assertEquals(d.basebandIm(e), Math.scalb((double) scale, exp) * q, "im " + e);
        }
    }

    @Test
    void writesInactiveBankThenSelectsItAndStrobesLoad(@TempDir Path dir) throws Exception {
        RegisterMap map = smallMap(dir);
        assertEquals(4096, map.windowOffset());
        assertEquals(0x1000, map.windowSize());
        Path dev = device(dir, map);
        SplittableRandom rnd = new SplittableRandom(501);
        EncoderConfig cfg = EncoderConfig.defaults().withGain(3, 50);
        DecodedFrame first = hybridFrame(1, 16, 4, 3, cfg, rnd);
        DecodedFrame second = hybridFrame(2, 16, 4, 3, cfg.withBaseband(CodecId.FIXED, 16), rnd);
        try (RegisterFileWriter w = new RegisterFileWriter(map, dev)) {
            assertEquals(0, w.activeBank());
            assertEquals(1, w.write(first));
            w.flush();
            ByteBuffer win = window(dev, map);
            assertEquals(1, win.getInt(map.bankSelectOffset()));
            assertEquals(1, win.getInt(map.loadStrobeOffset()));
            assertBankHolds(win, map, 1, first);
            // bank 0 (live while bank 1 was written) untouched
            for (int off = map.phaseOffset(0); off < map.phaseOffset(0) + map.phaseAreaSize(); off += 4) {
                assertEquals(0, win.getInt(off));
            }
            for (int off = map.basebandOffset(0); off < map.basebandOffset(0) + map.basebandAreaSize(); off += 4) {
                assertEquals(0, win.getInt(off));
            }

            // hardware self-clears the strobe; the next frame goes to bank 0
            try (var ch = java.nio.channels.FileChannel.open(dev, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(4), map.windowOffset() + map.loadStrobeOffset());
            }
            assertEquals(1, w.activeBank());
            assertEquals(0, w.write(second));
            w.flush();
            win = window(dev, map);
            assertEquals(0, win.getInt(map.bankSelectOffset()));
            assertEquals(1, win.getInt(map.loadStrobeOffset()));
            assertBankHolds(win, map, 0, second);
            assertBankHolds(win, map, 1, first); // previous frame stays in the now inactive bank
        }
        // nothing before the window was touched
        byte[] all = Files.readAllBytes(dev);
        for (int i = 0; i < map.windowOffset(); i++) {
            assertEquals(0, all[i], "byte " + i + " before the window");
        }
    }

    @Test
    void digitalFramesLeaveThePhaseAreaAlone(@TempDir Path dir) throws Exception {
        RegisterMap map = smallMap(dir);
        Path dev = device(dir, map);
        SplittableRandom rnd = new SplittableRandom(502);
        DecodedFrame d = digitalFrame(5, 24, 4, EncoderConfig.defaults().withBaseband(CodecId.BFP, 9), rnd);
        try (RegisterFileWriter w = new RegisterFileWriter(map, dev)) {
            assertEquals(1, w.write(d));
            w.flush();
        }
        ByteBuffer win = window(dev, map);
        assertBankHolds(win, map, 1, d);
        for (int off = map.phaseOffset(1); off < map.phaseOffset(1) + map.phaseAreaSize(); off += 4) {
            assertEquals(0, win.getInt(off));
        }
    }

    @Test
    void frameTooLargeForTheMapIsRefusedBeforeAnyWrite(@TempDir Path dir) throws Exception {
        RegisterMap map = smallMap(dir);
        Path dev = device(dir, map);
        SplittableRandom rnd = new SplittableRandom(503);
        DecodedFrame tooManyShifters = hybridFrame(1, 32, 4, 2, EncoderConfig.defaults(), rnd); // 128 words > 64
        DecodedFrame tooManyWeights = digitalFrame(2, 64, 4, EncoderConfig.defaults(), rnd); // 1+4+256 words > 128
        byte[] before = Files.readAllBytes(dev);
        try (RegisterFileWriter w = new RegisterFileWriter(map, dev)) {
            assertThrows(IllegalArgumentException.class, () -> w.write(tooManyShifters));
            assertThrows(IllegalArgumentException.class, () -> w.write(tooManyWeights));
            w.flush();
        }
        assertArrayEquals(before, Files.readAllBytes(dev));
    }

    @Test
    void writesIntoACallersBuffer() throws Exception {
        RegisterMap map = RegisterMap.parse(String.join("\n",
                "window.size=256", "bank0.phase.offset=0", "bank1.phase.offset=32", "phase.area.size=32",
                "bank0.baseband.offset=64", "bank1.baseband.offset=128", "baseband.area.size=64",
                "bank.select.offset=192", "load.strobe.offset=196"), "inline");
        ByteBuffer win = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        DecodedFrame d = hybridFrame(3, 4, 2, 2, EncoderConfig.defaults(), new SplittableRandom(504));
        RegisterFileWriter w = new RegisterFileWriter(map, win);
        assertEquals(1, w.write(d));
        assertEquals(0, w.write(d));
        assertBankHolds(win, map, 0, d);
        assertBankHolds(win, map, 1, d);
        assertThrows(IllegalArgumentException.class, () -> new RegisterFileWriter(map, ByteBuffer.allocate(128)));
    }

    @Test
    void registerMapFilesAreValidated() {
        String ok = String.join("\n",
                "window.size=0x100", "bank0.phase.offset=0", "bank1.phase.offset=0x20", "phase.area.size=0x20",
                "bank0.baseband.offset=0x40", "bank1.baseband.offset=0x80", "baseband.area.size=0x40",
                "bank.select.offset=0xC0", "load.strobe.offset=0xC4");
        RegisterMap m = RegisterMap.parse(ok, "ok");
        assertEquals(0, m.windowOffset());
        assertEquals(0x80, m.basebandOffset(1));
        assertEquals(0xC4, m.loadStrobeOffset());
        String[][] bad = {
            {"window.size=0x100", "missing key 'window.size'"},
            {"phase.area.size=0x20", "phase.area.size=0x20\nphase.area.sise=4"}, // typo key
            {"bank1.phase.offset=0x20", "bank1.phase.offset=0x10"}, // overlaps bank 0
            {"load.strobe.offset=0xC4", "load.strobe.offset=0xC2"}, // misaligned
            {"load.strobe.offset=0xC4", "load.strobe.offset=0x100"}, // outside the window
            {"bank.select.offset=0xC0", "bank.select.offset=0xC4"}, // same register as the strobe
            {"window.size=0x100", "window.size=ten"},
            {"window.size=0x100", "window.size=-4"},
        };
        for (String[] b : bad) {
            String text = b[1].startsWith("missing") ? ok.replace(b[0] + "\n", "") : ok.replace(b[0], b[1]);
            assertNotEquals(ok, text);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegisterMap.parse(text, "bad.properties"),
                    "should reject: " + b[1]);
            assertTrue(e.getMessage().startsWith("bad.properties"), e.getMessage());
        }
        assertArrayEquals(new int[] {0, 0x20}, m.phaseOffset());
        int[] copy = m.phaseOffset();
        copy[0] = 99;
        assertEquals(0, m.phaseOffset(0), "record arrays are defensive copies");
        assertFalse(Arrays.equals(copy, m.phaseOffset()));
    }
}
