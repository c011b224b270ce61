package org.isac.proto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version, from the root pom ({@code build.properties}, filled in by Maven resource
 * filtering): the one version string the command line ({@code --version}), the controller's
 * {@code HelloAck.controller} and the simulated radio's {@code FrontEndHello.software} print.
 */
public final class BuildInfo {
    /** The pom's {@code project.version}, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = load();

    private BuildInfo() {
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("org/isac/proto/build.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("${")) {
                throw new IllegalStateException("build.properties was not filtered: version=" + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
