package io.bucketdns.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which certificates a client trusts, checked by real TLS handshakes on loopback against
 * certificates made with openssl, and the one line an operator is told when one is refused.
 */
class TlsTrustTest {
    @TempDir
    static Path dir;

    static TestPki pki;
    static Path labCa;
    static Path otherCa;
    static SSLServerSocket good;
    static SSLServerSocket expired;
    static SSLServerSocket otherName;

    @BeforeAll
    static void servers() throws Exception {
        pki = new TestPki(dir);
        labCa = pki.ca("lab-ca");
        otherCa = pki.ca("other-ca");
        good = server(pki.server("good", "lab-ca", "IP:127.0.0.1", 30));
        expired = server(pki.server("old", "lab-ca", "IP:127.0.0.1", -1));
        otherName = server(pki.server("elsewhere", "lab-ca", "DNS:rgw.example", 30));
    }

    @AfterAll
    static void stop() throws IOException {
        for (SSLServerSocket s : List.of(good, expired, otherName)) {
            s.close();
        }
    }

    /** A server that completes the handshake of each client that connects, if the client accepts it. */
    private static SSLServerSocket server(Path p12) throws Exception {
        SSLServerSocket s = (SSLServerSocket) TestPki.serverContext(p12).getServerSocketFactory().createServerSocket(0, 8,
                InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try (SSLSocket c = (SSLSocket) s.accept()) {
                    c.startHandshake();
                } catch (IOException e) {
                    // refused by the client: what most tests here are about
                }
            }
        });
        return s;
    }

    private static TlsTrust trusting(Path caFile) throws IOException {
        return new TlsTrust(caFile, PemCertificates.read(caFile), true);
    }

    /** A handshake as the admin client makes it: host names verified as https does. */
    private static void handshake(TlsTrust trust, SSLServerSocket server) throws IOException {
        try (SSLSocket c = (SSLSocket) trust.sslContext().getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
            SSLParameters p = c.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            c.setSSLParameters(p);
            c.startHandshake();
        }
    }

    private static String refusal(TlsTrust trust, SSLServerSocket server) {
        try {
            handshake(trust, server);
        } catch (IOException e) {
            return trust.explain(e).orElse("no explanation for " + e);
        }
        throw new AssertionError("the handshake succeeded");
    }

    @Test
    void theConfiguredCaIsTrusted() throws Exception {
        handshake(trusting(labCa), good);
    }

    @Test
    void aCaFileReplacesTheJdksTrustStoreAndItsRefusalNamesTheFile() throws Exception {
        assertThat(refusal(trusting(otherCa), good)).isEqualTo("certificate (CN=good) is signed by an unknown CA (issuer CN=lab-ca);"
                + " fix: add the CA that issued it to [powerdns] rgw_ca_file (" + otherCa + ")");
    }

    @Test
    void theJdksTrustStoreDoesNotKnowAPrivateCaAndTheFixIsTheCaFile() {
        assertThat(refusal(TlsTrust.DEFAULT, good)).isEqualTo("certificate (CN=good) is signed by an unknown CA (issuer CN=lab-ca);"
                + " fix: set [powerdns] rgw_ca_file to a PEM file with the CA that issued it");
    }

    @Test
    void anExpiredCertificateSaysWhen() throws Exception {
        assertThat(refusal(trusting(labCa), expired)).startsWith("certificate (CN=old) expired on ")
                .endsWith("; fix: renew the gateway's certificate");
    }

    @Test
    void aCertificateForAnotherNameIsAMismatchThatSaysWhichNamesItHas() throws Exception {
        assertThat(refusal(trusting(labCa), otherName)).startsWith("host name mismatch: No subject alternative names matching IP address 127.0.0.1")
                .contains("(the certificate names rgw.example)");
    }

    @Test
    void verificationOffAcceptsAnyNameFromAnyCa() throws Exception {
        handshake(new TlsTrust(null, List.of(), false), otherName);
        handshake(new TlsTrust(otherCa, PemCertificates.read(otherCa), false), good);
    }

    @Test
    void whatIsNoTlsFailureHasNoExplanationAndOtherHandshakeFailuresSayTheirReason() {
        TlsTrust trust = TlsTrust.DEFAULT;

        assertThat(trust.explain(new IOException("Connection refused"))).isEmpty();
        assertThat(trust.explain(new IOException("wrapped", new SSLHandshakeException("Received fatal alert: handshake_failure"))))
                .contains("TLS handshake failed: Received fatal alert: handshake_failure");
        assertThat(trust.explain(new SSLException("Unrecognized SSL message, plaintext connection?")))
                .contains("the endpoint does not speak TLS; fix: write it as http:// in rgw_endpoint");
        assertThat(trust.explain(new SSLException("x", new CertificateNotYetValidException("NotBefore: later"))))
                .contains("certificate is not valid yet; fix: check the clocks of this host and the gateway");
    }

    @Test
    void listsItsSettingsWithoutTheCertificates() throws Exception {
        assertThat(trusting(labCa)).hasToString("TlsTrust[caFile=" + labCa + ", cas=1, verify=true]");
        assertThatThrownBy(() -> trusting(dir.resolve("missing.pem"))).isInstanceOf(IOException.class);
    }
}
