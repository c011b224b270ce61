package org.isac.controller.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts made from a lab directory ({@link LabCertificates}): the controller's
 * (presents {@code controller.crt}, requires a client certificate issued by {@code ca.crt})
 * and a radio's (presents {@code radio-<id>.crt}, trusts only {@code ca.crt}, checks the
 * controller's host name). TLS 1.3 only.
 */
public final class TlsFiles {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String CONTROLLER_CERT = "controller.crt";
    public static final String CONTROLLER_KEY = "controller.key";
    private static final List<String> PROTOCOLS = List.of("TLSv1.3");

    private TlsFiles() {
    }

    public static String radioCert(String radioId) {
        return "radio-" + radioId + ".crt";
    }

    public static String radioKey(String radioId) {
        return "radio-" + radioId + ".key";
    }

    /** Radio ids that can name a certificate file: letters, digits, '.', '_', '-', at most 128. */
    public static boolean validRadioId(String id) {
        return id != null && id.matches("[A-Za-z0-9._-]{1,128}") && !id.startsWith(".");
    }

    /** The controller's server context: mutual TLS against the lab CA. */
    public static SslContext server(Path dir) throws IOException {
        Path ca = need(dir, CA_CERT);
        try {
            return SslContextBuilder.forServer(need(dir, CONTROLLER_CERT).toFile(), need(dir, CONTROLLER_KEY).toFile())
                    .trustManager(ca.toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot read the controller's TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A radio's client context: its own certificate, the lab CA as the only trust. */
    public static SslContext radio(Path dir, String radioId) throws IOException {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(need(dir, radioCert(radioId)).toFile(), need(dir, radioKey(radioId)).toFile())
                    .trustManager(need(dir, CA_CERT).toFile())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot read radio '" + radioId + "' TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path need(Path dir, String file) throws IOException {
        Path p = dir.resolve(file);
        if (!Files.isReadable(p)) {
            throw new IOException("missing " + p + " (make it with: isac certs --dir " + dir + ")");
        }
        return p;
    }
}
