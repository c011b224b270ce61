package org.isac.controller.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A lab's certificates for mutual TLS between the controller and its front ends: one CA, a
 * controller certificate (server auth; DNS and IP names the front ends connect to) and one
 * certificate per radio (client auth) whose common name is the radio id, which is the id that
 * radio may claim in its hello. EC P-256 keys, SHA-256 ECDSA, PEM files (keys as unencrypted
 * PKCS#8, readable by Netty, OpenSSL and Python's {@code ssl}). Built on BouncyCastle's
 * certificate builder: no ASN.1 is written here.
 *
 * <p>Files in the directory: {@code ca.crt}, {@code ca.key}, {@code controller.crt},
 * {@code controller.key}, {@code radio-<id>.crt}, {@code radio-<id>.key}. Keys are written
 * owner-read-only where the file system allows.
 */
public final class LabCertificates {
    /** Validity of every certificate issued. */
    public static final Duration VALIDITY = Duration.ofDays(825);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final SecureRandom random = new SecureRandom();
    private final Path dir;
    private KeyPair caKeys;
    private X509Certificate caCert;

    private LabCertificates(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir} (created); refuses to overwrite an existing {@code ca.key}. */
    public static LabCertificates newCa(Path dir, String labName) throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(TlsFiles.CA_KEY))) {
            throw new IOException(dir.resolve(TlsFiles.CA_KEY) + " exists; use another directory or remove it");
        }
        LabCertificates l = new LabCertificates(dir);
        l.caKeys = l.keyPair();
        X500Name name = name(labName + " lab CA");
        try {
            JcaX509v3CertificateBuilder b = l.builder(name, name, l.caKeys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            l.caCert = l.sign(b, l.caKeys.getPrivate());
        } catch (IOException | OperatorCreationException | java.security.GeneralSecurityException e) {
            throw new IOException("cannot build the CA certificate: " + e.getMessage(), e);
        }
        l.write(TlsFiles.CA_CERT, l.caCert);
        l.writeKey(TlsFiles.CA_KEY, l.caKeys.getPrivate());
        return l;
    }

    /** The CA in {@code dir} ({@code ca.crt}, {@code ca.key}), to issue more certificates. */
    public static LabCertificates open(Path dir) throws IOException {
        LabCertificates l = new LabCertificates(dir);
        try (org.bouncycastle.openssl.PEMParser certs = new org.bouncycastle.openssl.PEMParser(
                Files.newBufferedReader(dir.resolve(TlsFiles.CA_CERT), StandardCharsets.US_ASCII));
             org.bouncycastle.openssl.PEMParser keys = new org.bouncycastle.openssl.PEMParser(
                     Files.newBufferedReader(dir.resolve(TlsFiles.CA_KEY), StandardCharsets.US_ASCII))) {
            l.caCert = new JcaX509CertificateConverter().getCertificate((org.bouncycastle.cert.X509CertificateHolder) certs.readObject());
            PrivateKey key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) keys.readObject());
            l.caKeys = new KeyPair(l.caCert.getPublicKey(), key);
        } catch (ClassCastException | java.security.cert.CertificateException e) {
            throw new IOException("cannot read the CA in " + dir + ": " + e.getMessage(), e);
        }
        return l;
    }

    /** The controller's certificate, valid for {@code hosts} (names or IP literals). */
    public void controller(List<String> hosts) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            boolean ip = h.matches("[0-9.]+") || h.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        issue(TlsFiles.CONTROLLER_CERT, TlsFiles.CONTROLLER_KEY, "isac-controller", names, KeyPurposeId.id_kp_serverAuth);
    }

    /** A radio's certificate: common name {@code radioId}. */
    public void radio(String radioId) throws IOException {
        if (!TlsFiles.validRadioId(radioId)) {
            throw new IllegalArgumentException("radio id '" + radioId + "' is not usable in a file name and certificate"
                    + " (letters, digits, '.', '_', '-'; 1..128 characters)");
        }
        issue(TlsFiles.radioCert(radioId), TlsFiles.radioKey(radioId), radioId, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    private void issue(String certFile, String keyFile, String commonName, List<GeneralName> altNames, KeyPurposeId purpose)
            throws IOException {
        KeyPair keys = keyPair();
        try {
            X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder b = builder(issuer, name(commonName), keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            if (!altNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(new GeneralName[0])));
            }
            write(certFile, sign(b, caKeys.getPrivate()));
        } catch (IOException | OperatorCreationException | java.security.GeneralSecurityException e) {
            throw new IOException("cannot issue " + certFile + ": " + e.getMessage(), e);
        }
        writeKey(keyFile, keys.getPrivate());
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "isac testbed").addRDN(BCStyle.CN, commonName).build();
    }

    private JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) throws java.security.GeneralSecurityException,
            IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
        b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        return b;
    }

    private X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws OperatorCreationException,
            java.security.cert.CertificateException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private KeyPair keyPair() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("no EC P-256 key generator: " + e.getMessage(), e);
        }
    }

    private void write(String file, X509Certificate cert) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve(file), StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(cert);
        }
    }

    private void writeKey(String file, PrivateKey key) throws IOException {
        Path p = dir.resolve(file);
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
    }
}
