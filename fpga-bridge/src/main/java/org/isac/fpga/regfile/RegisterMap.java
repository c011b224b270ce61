package org.isac.fpga.regfile;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * Register map of a front end's weight memory window, loaded from a key=value properties file
 * ({@code #} comments; numbers decimal or {@code 0x} hex; all offsets in bytes from the start of
 * the window, 4-byte aligned).
 *
 * <pre>
 * window.size           bytes to map (required, multiple of 4)
 * window.offset         byte offset of the window in the device or file (optional, default 0;
 *                       for UIO map n use n * page size)
 * bank0.phase.offset    start of bank 0's phase-code area
 * bank1.phase.offset    start of bank 1's phase-code area
 * phase.area.size       bytes of each phase area
 * bank0.baseband.offset start of bank 0's baseband area
 * bank1.baseband.offset start of bank 1's baseband area
 * baseband.area.size    bytes of each baseband area
 * bank.select.offset    32-bit register: index (0/1) of the bank the datapath uses
 * load.strobe.offset    32-bit register: written 1 after a bank switch (hardware self-clears)
 * </pre>
 * Validation: all keys above but {@code window.offset} required, unknown keys rejected (typos),
 * areas and registers inside the window, no two of the four areas and two registers overlap.
 * Errors raise {@link IllegalArgumentException} naming the key.
 */
public record RegisterMap(long windowOffset, int windowSize, int[] phaseOffset, int phaseAreaSize,
                          int[] basebandOffset, int basebandAreaSize, int bankSelectOffset, int loadStrobeOffset) {

    private static final Set<String> KEYS = Set.of("window.size", "window.offset", "bank0.phase.offset",
            "bank1.phase.offset", "phase.area.size", "bank0.baseband.offset", "bank1.baseband.offset",
            "baseband.area.size", "bank.select.offset", "load.strobe.offset");

    public RegisterMap {
        phaseOffset = phaseOffset.clone();
        basebandOffset = basebandOffset.clone();
        if (windowSize <= 0 || windowSize % 4 != 0) {
            throw new IllegalArgumentException("window.size must be a positive multiple of 4, was " + windowSize);
        }
        if (windowOffset < 0) {
            throw new IllegalArgumentException("window.offset must be >= 0, was " + windowOffset);
        }
        if (phaseOffset.length != 2 || basebandOffset.length != 2) {
            throw new IllegalArgumentException("two banks expected");
        }
        long[][] spans = {
            {phaseOffset[0], phaseAreaSize}, {phaseOffset[1], phaseAreaSize},
            {basebandOffset[0], basebandAreaSize}, {basebandOffset[1], basebandAreaSize},
            {bankSelectOffset, 4}, {loadStrobeOffset, 4}};
        String[] names = {"bank0.phase", "bank1.phase", "bank0.baseband", "bank1.baseband", "bank.select", "load.strobe"};
        for (int i = 0; i < spans.length; i++) {
            long o = spans[i][0];
            long s = spans[i][1];
            if (o < 0 || o % 4 != 0 || s < 0 || s % 4 != 0 || o + s > windowSize) {
                throw new IllegalArgumentException(names[i] + " (offset " + o + ", size " + s
                        + ") must be 4-byte aligned and inside the " + windowSize + "-byte window");
            }
        }
        for (int i = 0; i < spans.length; i++) {
            for (int j = i + 1; j < spans.length; j++) {
                if (spans[i][1] > 0 && spans[j][1] > 0
                        && spans[i][0] < spans[j][0] + spans[j][1] && spans[j][0] < spans[i][0] + spans[i][1]) {
                    throw new IllegalArgumentException(names[i] + " overlaps " + names[j]);
                }
            }
        }
    }

    /** Loads a register map file. */
    public static RegisterMap load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    /** Parses register map text; {@code source} names it in errors. */
    public static RegisterMap parse(String text, String source) {
        try {
            return parse(new StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RegisterMap parse(Reader reader, String source) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "' (known: " + KEYS + ")");
            }
        }
        try {
            return new RegisterMap(
                    p.containsKey("window.offset") ? number(p, "window.offset", source) : 0,
                    (int) number(p, "window.size", source),
                    new int[] {(int) number(p, "bank0.phase.offset", source), (int) number(p, "bank1.phase.offset", source)},
                    (int) number(p, "phase.area.size", source),
                    new int[] {(int) number(p, "bank0.baseband.offset", source), (int) number(p, "bank1.baseband.offset", source)},
                    (int) number(p, "baseband.area.size", source),
                    (int) number(p, "bank.select.offset", source),
                    (int) number(p, "load.strobe.offset", source));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static long number(Properties p, String key, String source) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing key '" + key + "'");
        }
        v = v.strip();
        try {
            long x = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (x < 0 || (!key.equals("window.offset") && x > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException(source + ": '" + key + "' out of range: " + v);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not a number: '" + v + "'");
        }
    }

    /** Phase area offset of a bank (0/1). */
    public int phaseOffset(int bank) {
        return phaseOffset[bank];
    }

    /** Baseband area offset of a bank (0/1). */
    public int basebandOffset(int bank) {
        return basebandOffset[bank];
    }

    @Override
    public int[] phaseOffset() {
        return phaseOffset.clone();
    }

    @Override
    public int[] basebandOffset() {
        return basebandOffset.clone();
    }
}
