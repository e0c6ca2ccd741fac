package io.bucketdns.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificates of a PEM file, as {@code openssl} writes them: one or more {@code -----BEGIN
 * CERTIFICATE-----} blocks. Text around the blocks ({@code openssl x509 -text} output, comments)
 * is ignored, so a bundle as operators keep it reads as is; anything else is refused with the
 * reason, since a CA file that silently trusts nothing only shows up later as a failed handshake.
 */
public final class PemCertificates {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----");

    private PemCertificates() {}

    /**
     * Reads every certificate of {@code file}.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it holds no certificate, or a block is not one; the
     *     message says which
     */
    public static List<X509Certificate> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // PEM is ASCII; DER must not fail here
        Matcher m = BLOCK.matcher(text);
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory x509 = x509();
        while (m.find()) {
            try {
                out.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
            } catch (CertificateException | ClassCastException e) {
                throw new IllegalArgumentException("certificate " + (out.size() + 1) + " in " + file + " is not a valid X.509 certificate ("
                        + e.getMessage() + ")");
            }
        }
        if (out.isEmpty()) {
            String what = bytes.length == 0 ? "is empty"
                    : text.contains("-----BEGIN ") ? "has PEM blocks but no -----BEGIN CERTIFICATE----- (a key?)"
                    : "is not PEM (no -----BEGIN CERTIFICATE-----; DER can be converted with openssl x509 -inform der -in FILE -out ca.pem)";
            throw new IllegalArgumentException(file + " " + what);
        }
        return List.copyOf(out);
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 support", e); // every JDK has it
        }
    }
}
