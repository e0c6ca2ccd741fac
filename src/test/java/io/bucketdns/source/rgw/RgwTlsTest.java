package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.tls.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https endpoints against the JDK's own HTTPS server with openssl-made certificates: the endpoint
 * lines of {@code bucketdns check} for a trusted gateway, and the reason and fix for each way a
 * certificate is refused (the real lab repeats the main ones with radosgw, see TlsLabE2ETest).
 */
class RgwTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static HttpsServer good;
    static HttpsServer expired;
    static HttpsServer otherName;
    /** A plain HTTP server as radosgw's is: a TLS hello is a bad request to it. */
    static ServerSocket plain;

    @BeforeAll
    static void servers() throws Exception {
        pki = new TestPki(dir);
        pki.ca("lab-ca");
        pki.ca("other-ca");
        good = https(pki.server("good", "lab-ca", "IP:127.0.0.1", 30));
        expired = https(pki.server("old", "lab-ca", "IP:127.0.0.1", -1));
        otherName = https(pki.server("elsewhere", "lab-ca", "DNS:rgw.example,IP:192.0.2.1", 30));
        plain = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!plain.isClosed()) {
                try (Socket c = plain.accept()) {
                    c.getInputStream().read(new byte[4096]);
                    c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed at the end, or a client that went away: next one
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        for (HttpServer s : List.of(good, expired, otherName)) {
            s.stop(0);
        }
        plain.close();
    }

    private static HttpsServer https(Path p12) throws Exception {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(p12)));
        answerEverything(s);
        return s;
    }

    /** Every admin request answered 200 with an empty object: enough for the endpoint lines. */
    private static void answerEverything(HttpServer s) {
        s.createContext("/", x -> {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
    }

    private static String url(HttpServer s) {
        return "https://127.0.0.1:" + s.getAddress().getPort();
    }

    private static List<String> check(HttpServer server, String... powerdns) {
        return check(url(server), powerdns);
    }

    private static List<String> check(String endpoint, String... powerdns) {
        List<String> lines = new ArrayList<>(List.of("[powerdns]", "dns_zone = o.example.com", "rgw_endpoint = " + endpoint));
        lines.addAll(List.of(powerdns));
        BucketDnsConfig config = ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), lines);
        return RgwCheck.run(config).lines().stream().filter(l -> l.contains(" rgw ")).toList();
    }

    @Test
    void aGatewayCertifiedByTheConfiguredCaIsReachable() {
        assertThat(check(good, "rgw_ca_file = lab-ca.pem")).first().isEqualTo("ok   rgw " + url(good) + ": reachable");
    }

    @Test
    void aBundleOfSeveralCasTrustsEachOfThem() {
        pki.write("bundle.pem", read("other-ca.pem") + read("lab-ca.pem"));

        assertThat(check(good, "rgw_ca_file = bundle.pem")).first().isEqualTo("ok   rgw " + url(good) + ": reachable");
    }

    @Test
    void withoutTheCaFileTheCertificateIsFromAnUnknownCaAndTheFixIsTheKey() {
        assertThat(check(good)).containsExactly("FAIL rgw " + url(good) + ": certificate (CN=good) is signed by an unknown CA (issuer CN=lab-ca);"
                + " fix: set [powerdns] rgw_ca_file to a PEM file with the CA that issued it");
    }

    @Test
    void aCaFileWithAnotherCaNamesTheFile() {
        assertThat(check(good, "rgw_ca_file = other-ca.pem")).containsExactly("FAIL rgw " + url(good)
                + ": certificate (CN=good) is signed by an unknown CA (issuer CN=lab-ca); fix: add the CA that issued it to [powerdns] rgw_ca_file ("
                + dir.resolve("other-ca.pem") + ")");
    }

    @Test
    void anExpiredCertificateSaysSoWithItsDate() {
        assertThat(check(expired, "rgw_ca_file = lab-ca.pem")).singleElement().asString()
                .startsWith("FAIL rgw " + url(expired) + ": certificate (CN=old) expired on ")
                .endsWith("; fix: renew the gateway's certificate");
    }

    @Test
    void aCertificateForAnotherNameIsAHostNameMismatch() {
        assertThat(check(otherName, "rgw_ca_file = lab-ca.pem")).singleElement().asString()
                .startsWith("FAIL rgw " + url(otherName) + ": host name mismatch: No subject alternative names matching IP address 127.0.0.1 found"
                        + " (the certificate names rgw.example, 192.0.2.1)");
    }

    @Test
    void httpsToAPlainHttpGatewaySaysItDoesNotSpeakTls() {
        String endpoint = "https://127.0.0.1:" + plain.getLocalPort();
        assertThat(check(endpoint)).containsExactly("FAIL rgw " + endpoint
                + ": the endpoint does not speak TLS; fix: write it as http:// in rgw_endpoint");
    }

    @Test
    void verificationOffAcceptsAnyCertificateAndSaysSo() {
        assertThat(check(otherName, "rgw_tls_verify = false")).first()
                .isEqualTo("ok   rgw " + url(otherName) + ": reachable (certificate NOT verified: rgw_tls_verify = false)");
    }

    private static String read(String name) {
        try {
            return java.nio.file.Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
