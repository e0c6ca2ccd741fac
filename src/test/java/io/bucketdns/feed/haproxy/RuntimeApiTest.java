package io.bucketdns.feed.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeApiTest {
    private static final String MAP = "/etc/haproxy/buckets.map";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private FakeHaproxy haproxy;

    @BeforeEach
    void startHaproxy() throws IOException {
        haproxy = FakeHaproxy.start(dir.resolve("admin.sock"), MAP);
    }

    @AfterEach
    void stopHaproxy() throws IOException {
        haproxy.close();
    }

    private RuntimeApi connect() throws IOException {
        return RuntimeApi.connect(haproxy.address(), TIMEOUT);
    }

    private static Map<String, String> entries(int n, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(prefix + "-bucket-" + i, i % 2 == 0 ? "eu" : "us");
        }
        return m;
    }

    @Test
    void manyCommandsShareOneConnectionInInteractiveMode() throws IOException {
        try (RuntimeApi api = connect()) {
            assertThat(api.instance()).isEqualTo(new RuntimeApi.Instance("2.6-fake", 100, 1_700_000_000));
            assertThat(api.entries(MAP)).isZero();
            api.add(MAP, "foo", "eu");
            assertThat(api.entries(MAP)).isEqualTo(1);
        }
        assertThat(haproxy.commands()).containsExactly("show info", "show map", "add map " + MAP + " foo eu", "show map");
        assertThat(haproxy.connections()).isEqualTo(1);
    }

    @Test
    void aMapHaproxyDoesNotHaveIsAnErrorThatSaysTheFix() throws IOException {
        try (RuntimeApi api = connect()) {
            assertThatThrownBy(() -> api.entries("/etc/haproxy/other.map")).isInstanceOf(RuntimeApi.ProtocolException.class)
                    .hasMessage("HAProxy at " + haproxy.address().getPath() + " has no map /etc/haproxy/other.map; fix: name that file in "
                            + "haproxy.cfg, e.g. use_backend rgw_%[var(txn.bucket),map(/etc/haproxy/other.map,eu)]");
        }
    }

    @Test
    void manyNewEntriesGoInPayloadsThatFitHaproxysBuffer() throws IOException {
        Map<String, String> many = entries(3000, "new"); // some 60 KB
        try (RuntimeApi api = connect()) {
            api.addAll(MAP, many);
        }

        assertThat(haproxy.map()).isEqualTo(many);
        long payloads = haproxy.commands().stream().filter(c -> c.equals("add map " + MAP)).count();
        assertThat(payloads).isBetween(60_000L / RuntimeApi.PAYLOAD_BYTES, 70_000L / RuntimeApi.PAYLOAD_BYTES + 1);
    }

    @Test
    void setAndDelSayWhenTheEntryIsMissing() throws IOException {
        haproxy.edit(m -> m.put("foo", "eu"));
        try (RuntimeApi api = connect()) {
            assertThat(api.set(MAP, "foo", "us")).isTrue();
            assertThat(api.set(MAP, "nope", "us")).isFalse();
            assertThat(api.del(MAP, "nope")).isFalse();
            assertThat(api.show(MAP)).isEqualTo(Map.of("foo", "us"));
            assertThat(api.del(MAP, "foo")).isTrue();
            assertThat(api.show(MAP)).isEmpty();
        }
    }

    @Test
    void aReplacementIsOneNewVersionFilledInPayloadsThenCommitted() throws IOException {
        haproxy.edit(m -> m.put("old", "eu"));
        Map<String, String> next = entries(2000, "next");

        try (RuntimeApi api = connect()) {
            api.replace(MAP, sink -> next.forEach(sink));
            assertThat(api.show(MAP)).isEqualTo(next);
        }

        assertThat(haproxy.commands()).filteredOn(c -> c.startsWith("prepare") || c.startsWith("commit"))
                .containsExactly("prepare map " + MAP, "commit map @1 " + MAP);
        assertThat(haproxy.commands()).filteredOn(c -> c.equals("add map @1 " + MAP)).hasSizeGreaterThan(1);
    }

    @Test
    void nothingListeningIsAnIoErrorNotAProtocolOne() throws IOException {
        haproxy.stop();

        assertThatThrownBy(this::connect).isInstanceOf(IOException.class).isNotInstanceOf(RuntimeApi.ProtocolException.class);
    }

    @Test
    void aPeerThatIsNotHaproxyIsNamedSo() throws Exception {
        try (ServerSocket web = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = web.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test failed elsewhere
                }
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), web.getLocalPort());

            assertThatThrownBy(() -> RuntimeApi.connect(address, TIMEOUT)).isInstanceOf(RuntimeApi.ProtocolException.class)
                    .hasMessage("127.0.0.1:" + web.getLocalPort() + " is not HAProxy's runtime API: to 'prompt' it answered "
                            + "'HTTP/1.1 400 Bad Request\r Content-Length: 0' and closed the connection");
            server.join();
        }
    }

    @Test
    void aPeerThatNeverAnswersCostsTheTimeoutNeverAHang() throws IOException {
        // the kernel completes the connection into the backlog; nobody ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());

            assertThatThrownBy(() -> RuntimeApi.connect(address, Duration.ofMillis(200))).isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("HAProxy at 127.0.0.1:" + silent.getLocalPort() + " did not answer within 200 ms");
        }
    }

    @Test
    void socketsAreDescribedAsAnOperatorWritesThem() {
        assertThat(RuntimeApi.describe(UnixDomainSocketAddress.of("/run/haproxy/admin.sock"))).isEqualTo("/run/haproxy/admin.sock");
        assertThat(RuntimeApi.describe(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9999))).isEqualTo("127.0.0.1:9999");
    }
}
