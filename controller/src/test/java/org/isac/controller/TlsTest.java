package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.isac.controller.metrics.ControllerMetrics;
import org.isac.controller.tls.LabCertificates;
import org.isac.controller.tls.TlsFiles;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS and radio identity against a real controller: a radio with its lab certificate is
 * served; one without a certificate, with a certificate of another CA, or claiming an id its
 * certificate does not name is refused with a clear reason; an allow list refuses other ids.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final int N = 8;
    @TempDir
    static Path labs;
    static Path lab, otherLab;

    @BeforeAll
    static void certificates() throws IOException {
        lab = labs.resolve("lab");
        LabCertificates l = LabCertificates.newCa(lab, "test");
        l.controller(List.of("localhost", "127.0.0.1"));
        l.radio("radio-a");
        l.radio("radio-b");
        otherLab = labs.resolve("other");
        LabCertificates o = LabCertificates.newCa(otherLab, "other");
        o.controller(List.of("localhost", "127.0.0.1"));
        o.radio("radio-a");
        // a CA that already exists is reopened to issue more
        LabCertificates.open(lab).radio("radio-c");
    }

    private static Controller controller(Set<String> allowed) throws IOException {
        return new Controller(ControllerConfig.builder().port(0).defaultSolver("mrt").tls(TlsFiles.server(lab))
                .allowedRadios(allowed).build()).start();
    }

    /** A TLS client: {@code certDir}'s radio certificate (none when {@code radioId} is null), trusting {@code lab}'s CA. */
    private static TestClient client(int port, Path certDir, String radioId) throws IOException {
        SslContextBuilder b = SslContextBuilder.forClient().trustManager(lab.resolve(TlsFiles.CA_CERT).toFile())
                .protocols("TLSv1.3").sslProvider(io.netty.handler.ssl.SslProvider.JDK);
        if (radioId != null) {
            b.keyManager(certDir.resolve(TlsFiles.radioCert(radioId)).toFile(), certDir.resolve(TlsFiles.radioKey(radioId)).toFile());
        }
        SSLContext ctx = ((JdkSslContext) b.build()).context();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return new TestClient(s);
    }

    private static ControllerMessage hello(TestClient c, String id) throws IOException {
        c.send(TestData.wrap(TestData.hello(id, N)));
        return c.read();
    }

    @Test
    void aRadioWithItsCertificateIsServed() throws Exception {
        try (Controller c = controller(Set.of()); TestClient a = client(c.port(), lab, "radio-a")) {
            assertTrue(hello(a, "radio-a").hasHelloAck());
            a.send(TestData.wrap(TestData.report("radio-a", 1, N, 2).build()));
            assertTrue(a.read().hasUpdate());
        }
    }

    @Test
    void aRadioMayClaimOnlyTheIdItsCertificateNames() throws Exception {
        try (Controller c = controller(Set.of()); TestClient b = client(c.port(), lab, "radio-b")) {
            Reject r = hello(b, "radio-a").getReject();
            assertEquals(Reject.Reason.BAD_HELLO, r.getReason());
            assertTrue(r.getDetail().contains("names radio 'radio-b', not 'radio-a'"), r.getDetail());
            assertTrue(b.closedByPeer());
            // the real radio-a is not blocked by the attempt
            try (TestClient a = client(c.port(), lab, "radio-a")) {
                assertTrue(hello(a, "radio-a").hasHelloAck());
            }
        }
    }

    @Test
    void noCertificateOrAnotherCaIsRefusedInTheHandshake() throws Exception {
        try (Controller c = controller(Set.of())) {
            for (Path dir : new Path[] {null, otherLab}) {
                IOException e = assertThrows(IOException.class, () -> {
                    try (TestClient t = client(c.port(), dir, dir == null ? null : "radio-a")) {
                        hello(t, "radio-a"); // TLS 1.3: the server's verdict on the client arrives with the first read
                    }
                }, "certificate from " + dir);
                assertTrue(e instanceof javax.net.ssl.SSLException || e instanceof java.net.SocketException
                        || e instanceof java.io.EOFException, e.toString());
            }
            long end = System.nanoTime() + 5_000_000_000L;
            while (c.metrics().count(ControllerMetrics.Counter.TLS_REFUSED) < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(2, c.metrics().count(ControllerMetrics.Counter.TLS_REFUSED));
            try (TestClient a = client(c.port(), lab, "radio-a")) {
                assertTrue(hello(a, "radio-a").hasHelloAck());
            }
        }
    }

    @Test
    void anAllowListRefusesOtherIds() throws Exception {
        try (Controller c = controller(Set.of("radio-a")); TestClient cc = client(c.port(), lab, "radio-c")) {
            Reject r = hello(cc, "radio-c").getReject();
            assertEquals(Reject.Reason.BAD_HELLO, r.getReason());
            assertTrue(r.getDetail().contains("allow list"), r.getDetail());
        }
    }
}
