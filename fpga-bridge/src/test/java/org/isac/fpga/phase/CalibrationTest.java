package org.isac.fpga.phase;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {

    @Test
    void loadsFileWithCommentsHeaderAndAnyOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cal.csv");
        Files.writeString(f, """
                # array 7
                element,phase_offset_rad,gain_linear

                2, -0.25, 0.9
                0, 0.1, 1.0
                  1 ,0.2,1.1
                """);
        Calibration c = Calibration.load(f);
        assertEquals(3, c.size());
        assertEquals(0.1, c.offsetRad(0));
        assertEquals(0.2, c.offsetRad(1));
        assertEquals(-0.25, c.offsetRad(2));
        assertEquals(1.1, c.gain(1));
        assertTrue(c.fits(3, 1));
        assertTrue(c.fits(3, 4));
        assertFalse(c.fits(2, 2));
    }

    private static CalibrationFormatException bad(String text) {
        return assertThrows(CalibrationFormatException.class, () -> Calibration.parse(text, "cal.csv"));
    }

    @Test
    void rejectsBadFilesWithLineNumbers() {
        CalibrationFormatException e = bad("0,0,1\n1,0\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("cal.csv:2"), e.getMessage());
        assertTrue(e.getMessage().contains("3 comma-separated"), e.getMessage());
        assertEquals(1, bad("x,0,1\n").line());
        assertTrue(bad("0,abc,1\n").getMessage().contains("phase_offset_rad"));
        assertTrue(bad("0,NaN,1\n").getMessage().contains("finite"));
        assertTrue(bad("0,0,Infinity\n").getMessage().contains("finite"));
        assertTrue(bad("0,0,0\n").getMessage().contains("gain_linear must be > 0"));
        assertTrue(bad("0,0,-1\n").getMessage().contains("> 0"));
        assertTrue(bad("-1,0,1\n").getMessage().contains(">= 0"));
        assertTrue(bad("0,0,1\n0,0,1\n").getMessage().contains("more than once"));
        assertTrue(bad("0,0,1\n2,0,1\n").getMessage().contains("out of range"));
        assertTrue(bad("# nothing\n\n").getMessage().contains("no calibration entries"));
        assertTrue(bad("0,0,1\nelement,phase_offset_rad,gain_linear\n").getMessage().contains("not an integer"));
    }

    @Test
    void ofValidatesArrays() {
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {0}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {0, 1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {Double.NaN}, new double[] {1}));
    }
}
