package org.isac.solver.model;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A versioned, human-readable model file: {@code key = value} lines in a fixed order, '#'
 * comments, arrays as comma-separated numbers. Doubles are written with full precision
 * ({@link Double#toString}) so a model round-trips exactly. Every reader checks the
 * {@code format} and {@code kind} lines and names the missing or malformed key.
 */
public final class ModelFile {
    /** Format version written by this code. */
    public static final int FORMAT = 1;

    private final Map<String, String> entries = new LinkedHashMap<>();
    private final String source;

    public ModelFile(String kind) {
        this.source = "(new model)";
        entries.put("format", Integer.toString(FORMAT));
        entries.put("kind", kind);
    }

    private ModelFile(String source, Map<String, String> entries) {
        this.source = source;
        this.entries.putAll(entries);
    }

    public String kind() {
        return entries.get("kind");
    }

    public ModelFile put(String key, String value) {
        if (key.contains("=") || key.isBlank() || value.contains("\n")) {
            throw new IllegalArgumentException("bad model entry '" + key + "'");
        }
        entries.put(key, value);
        return this;
    }

    public ModelFile put(String key, double value) {
        return put(key, Double.toString(value));
    }

    public ModelFile put(String key, long value) {
        return put(key, Long.toString(value));
    }

    public ModelFile put(String key, double[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i]);
        }
        return put(key, sb.toString());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public String string(String key) {
        String v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing '" + key + "'");
        }
        return v;
    }

    public double number(String key) {
        try {
            return Double.parseDouble(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not a number: " + entries.get(key));
        }
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not an integer: " + entries.get(key));
        }
    }

    public double[] numbers(String key, int expectedLength) {
        String v = string(key).trim();
        String[] parts = v.isEmpty() ? new String[0] : v.split(",");
        if (expectedLength >= 0 && parts.length != expectedLength) {
            throw new IllegalArgumentException(source + ": '" + key + "' has " + parts.length + " values, expected " + expectedLength);
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": '" + key + "' value " + (i + 1) + " is not a number: " + parts[i].trim());
            }
        }
        return out;
    }

    public Map<String, String> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    public void write(Writer w) throws IOException {
        w.write("# isac model file; edit only if you know what the solver expects\n");
        for (Map.Entry<String, String> e : entries.entrySet()) {
            w.write(e.getKey() + " = " + e.getValue() + "\n");
        }
    }

    public void write(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            write(w);
        }
    }

    /** Reads a model file and checks its format version and kind. */
    public static ModelFile read(Reader r, String source, String expectedKind) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0;) {
            sb.append(buf, 0, n);
        }
        int lineNo = 0;
        for (String line : sb.toString().split("\n", -1)) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": expected 'key = value', got '" + s + "'");
            }
            m.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        ModelFile f = new ModelFile(source, m);
        int format = f.integer("format");
        if (format != FORMAT) {
            throw new IllegalArgumentException(source + ": model format " + format + " is not supported (this build reads " + FORMAT + ")");
        }
        if (expectedKind != null && !expectedKind.equals(f.kind())) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: model kind '%s', expected '%s'", source, f.kind(), expectedKind));
        }
        return f;
    }

    public static ModelFile read(Path p, String expectedKind) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return read(r, p.toString(), expectedKind);
        }
    }
}
