package org.isac.tools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for writing report files. */
final class Reports {
    private Reports() {
    }

    /** Writes a UTF-8 text file; returns its path. */
    static Path writeText(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** Writes a plot as PNG; returns its path. */
    static Path writePlot(Path file, org.isac.tools.report.Plot plot) throws IOException {
        plot.write(file);
        return file;
    }

    /** Writes {@code json} to {@code file} (creating folders) when a file was asked for. */
    static void writeJson(Path file, String json) throws IOException {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json.endsWith("\n") ? json : json + "\n", StandardCharsets.UTF_8);
        System.err.println("report written to " + file);
    }
}
