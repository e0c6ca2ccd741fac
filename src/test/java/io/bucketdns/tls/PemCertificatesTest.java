package io.bucketdns.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a CA file ({@code [powerdns] rgw_ca_file}) made by openssl. */
class PemCertificatesTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static String one;
    static String two;

    @BeforeAll
    static void cas() throws Exception {
        pki = new TestPki(dir);
        one = Files.readString(pki.ca("ca-one"));
        two = Files.readString(pki.ca("ca-two"));
    }

    private static List<String> subjects(List<X509Certificate> certs) {
        return certs.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }

    @Test
    void readsOneCertificate() throws Exception {
        assertThat(subjects(PemCertificates.read(pki.file("ca-one.pem")))).containsExactly("CN=ca-one");
    }

    @Test
    void readsEveryCertificateOfABundleIgnoringTextAround() throws Exception {
        Path bundle = pki.write("bundle.pem", "# internal CAs\nCertificate:\n    Data: ...\n" + one + "\nsecond one:\n" + two);

        assertThat(subjects(PemCertificates.read(bundle))).containsExactly("CN=ca-one", "CN=ca-two");
    }

    @Test
    void refusesAnEmptyFile() {
        Path empty = pki.write("empty.pem", "");

        assertThatThrownBy(() -> PemCertificates.read(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + " is empty");
    }

    @Test
    void refusesGarbageAndDerSayingHowToConvert() throws Exception {
        Path garbage = pki.write("garbage.pem", "this is not a certificate\n");
        Path der = dir.resolve("ca.der");
        Files.write(der, PemCertificates.read(pki.file("ca-one.pem")).get(0).getEncoded());

        assertThatThrownBy(() -> PemCertificates.read(garbage)).hasMessageContaining("is not PEM (no -----BEGIN CERTIFICATE-----");
        assertThatThrownBy(() -> PemCertificates.read(der)).hasMessageContaining("openssl x509 -inform der");
    }

    @Test
    void refusesAKeyInsteadOfACertificate() {
        assertThatThrownBy(() -> PemCertificates.read(pki.file("ca-one.key")))
                .hasMessageContaining("has PEM blocks but no -----BEGIN CERTIFICATE----- (a key?)");
    }

    @Test
    void refusesABrokenBlockNamingWhichOne() {
        String broken = one + two.replaceFirst("(?s)(CERTIFICATE-----\n)....", "$1AAAA");
        Path file = pki.write("broken.pem", broken);

        assertThatThrownBy(() -> PemCertificates.read(file)).hasMessageStartingWith("certificate 2 in " + file + " is not a valid X.509 certificate");
    }
}
