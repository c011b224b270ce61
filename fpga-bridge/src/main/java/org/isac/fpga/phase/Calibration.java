package org.isac.fpga.phase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Per-element calibration of a phased array: element {@code i} realizes
 * {@code g_i * e^{j(phi + offset_i)}} when commanded phase {@code phi}, with phase offset
 * {@code offset_i} (rad) and linear amplitude gain {@code g_i > 0}.
 *
 * <p>The encoder compensates the offset ({@code code = round((theta - offset_i)/D) mod 2^b})
 * and, where attenuators exist, the gain; the realized (quantized) weights used by the power
 * guard include {@code g_i}. A table has either one entry per phase shifter ({@code N*M},
 * index {@code n*M + m}, hybrid F) or one per antenna ({@code N}, index {@code n}, shared by the
 * {@code M} shifters feeding antenna {@code n}).
 *
 * <h2>File format</h2>
 * UTF-8 text, one element per line: {@code element, phase_offset_rad, gain_linear}
 * (comma-separated, spaces around fields allowed). Blank lines and lines whose first non-space
 * character is {@code #} are ignored. The first non-comment line may be the header
 * {@code element,phase_offset_rad,gain_linear}. Element indices are integers that must cover
 * {@code 0..L-1} exactly once each (any order); offsets must be finite; gains finite and
 * {@code > 0}. Any violation raises {@link CalibrationFormatException} naming the line.
 * <pre>
 * # array 7, measured 2026-11-20
 * element,phase_offset_rad,gain_linear
 * 0, 0.0000, 1.000
 * 1, 0.1310, 0.962
 * </pre>
 */
public final class Calibration {
    /** Header line accepted (optionally) as the first non-comment line. */
    public static final String HEADER = "element,phase_offset_rad,gain_linear";

    private final double[] offsetRad;
    private final double[] gain;

    private Calibration(double[] offsetRad, double[] gain) {
        this.offsetRad = offsetRad;
        this.gain = gain;
    }

    /** Builds a table from arrays (copied); same rules as the file. */
    public static Calibration of(double[] offsetRad, double[] gain) {
        if (offsetRad.length != gain.length || offsetRad.length == 0) {
            throw new IllegalArgumentException("calibration arrays must be non-empty and of equal length");
        }
        for (int i = 0; i < gain.length; i++) {
            if (!Double.isFinite(offsetRad[i]) || !Double.isFinite(gain[i]) || !(gain[i] > 0)) {
                throw new IllegalArgumentException("calibration element " + i + ": offset must be finite and gain finite > 0");
            }
        }
        return new Calibration(offsetRad.clone(), gain.clone());
    }

    /** Loads a calibration file (format in the class comment). */
    public static Calibration load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    /** Parses calibration text; {@code source} names it in error messages. */
    public static Calibration parse(String text, String source) throws CalibrationFormatException {
        try {
            return parse(new StringReader(text), source);
        } catch (CalibrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses calibration text from a reader (not closed). */
    public static Calibration parse(Reader reader, String source) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        int cap = 16;
        int[] idx = new int[cap];
        double[] off = new double[cap];
        double[] g = new double[cap];
        int count = 0;
        int lineNo = 0;
        boolean seenData = false;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (!seenData && t.replace(" ", "").replace("\t", "").equalsIgnoreCase(HEADER)) {
                seenData = true;
                continue;
            }
            seenData = true;
            String[] f = t.split(",", -1);
            if (f.length != 3) {
                throw new CalibrationFormatException(source, lineNo,
                        "expected 3 comma-separated fields (element, phase_offset_rad, gain_linear), found " + f.length);
            }
            int e;
            double o;
            double gi;
            try {
                e = Integer.parseInt(f[0].strip());
            } catch (NumberFormatException ex) {
                throw new CalibrationFormatException(source, lineNo, "element index is not an integer: '" + f[0].strip() + "'");
            }
            o = number(f[1], "phase_offset_rad", source, lineNo);
            gi = number(f[2], "gain_linear", source, lineNo);
            if (e < 0) {
                throw new CalibrationFormatException(source, lineNo, "element index must be >= 0, was " + e);
            }
            if (!(gi > 0)) {
                throw new CalibrationFormatException(source, lineNo, "gain_linear must be > 0, was " + gi);
            }
            if (count == cap) {
                cap *= 2;
                idx = Arrays.copyOf(idx, cap);
                off = Arrays.copyOf(off, cap);
                g = Arrays.copyOf(g, cap);
            }
            idx[count] = e;
            off[count] = o;
            g[count] = gi;
            count++;
        }
        if (count == 0) {
            throw new CalibrationFormatException(source, 0, "no calibration entries");
        }
        double[] offsets = new double[count];
        double[] gains = new double[count];
        boolean[] seen = new boolean[count];
        for (int i = 0; i < count; i++) {
            int e = idx[i];
            if (e >= count) {
                throw new CalibrationFormatException(source, 0,
                        "element index " + e + " out of range: " + count + " entries must cover 0.." + (count - 1));
            }
            if (seen[e]) {
                throw new CalibrationFormatException(source, 0, "element index " + e + " appears more than once");
            }
            seen[e] = true;
            offsets[e] = off[i];
            gains[e] = g[i];
        }
        return new Calibration(offsets, gains);
    }

    private static double number(String field, String name, String source, int line) throws CalibrationFormatException {
        double v;
        try {
            v = Double.parseDouble(field.strip());
        } catch (NumberFormatException ex) {
            throw new CalibrationFormatException(source, line, name + " is not a number: '" + field.strip() + "'");
        }
        if (!Double.isFinite(v)) {
            throw new CalibrationFormatException(source, line, name + " must be finite, was " + field.strip());
        }
        return v;
    }

    /** Number of entries. */
    public int size() {
        return gain.length;
    }

    /** Whether this table fits an {@code n x m} analog matrix (size {@code n*m} or {@code n}). */
    public boolean fits(int n, int m) {
        return gain.length == n * m || gain.length == n;
    }

    /** Table index of shifter {@code (row, col)} in an {@code n x m} matrix; requires {@link #fits}. */
    public int index(int row, int col, int n, int m) {
        return gain.length == n * m ? row * m + col : row;
    }

    public double offsetRad(int i) {
        return offsetRad[i];
    }

    public double gain(int i) {
        return gain[i];
    }
}
