package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real PowerDNS on each remote-backend connector of bucketdns: unix and pipe must give dig
 * exactly the answers that http gives. PowerDNS's caches are off so every question reaches the
 * backend.
 */
class PowerDnsConnectorsE2ETest {
    private static final List<String> NO_CACHES = List.of("cache-ttl=0", "query-cache-ttl=0", "negquery-cache-ttl=0");
    private static final String SOA_AUTHORITY = "o.example.com. 60 IN SOA " + BucketDnsFiles.SOA;

    @TempDir
    static Path dir;
    static Service service;
    static PowerDns http;
    static PowerDns unix;
    static PowerDns pipe;

    @BeforeAll
    static void start() throws Exception {
        int httpPort = Ports.free();
        Path socket = dir.resolve("pdns.sock");
        Path conf = BucketDnsFiles.write(dir.resolve("bucketdns"),
                List.of("listen_addr = 127.0.0.1", "listen_port = " + httpPort, "unix_socket = " + socket),
                List.of("ns = ns1.example.com., ns2.example.com."));
        service = Service.start(ConfigLoader.load(conf));

        // what a user puts in pdns.conf (examples/powerdns-pipe): the launcher, which runs the jar just packaged
        Path launcher = Path.of("bin", "bucketdns").toAbsolutePath();
        assertThat(Path.of("target", "bucketdns.jar")).as("the pipe connector runs the packaged jar: mvn package first").exists();

        http = PowerDns.start(dir.resolve("pdns-http"), with("remote-connection-string=http:url=http://127.0.0.1:" + httpPort + "/dns"));
        unix = PowerDns.start(dir.resolve("pdns-unix"), with("remote-connection-string=unix:path=" + socket));
        pipe = PowerDns.start(dir.resolve("pdns-pipe"),
                with("remote-connection-string=pipe:command=" + launcher + " pipe --config " + conf + ",timeout=5000"));
        for (PowerDns p : List.of(http, unix, pipe)) {
            p.warmUp("foo.o.example.com", "A");
        }
    }

    private static List<String> with(String connection) {
        return Stream.concat(Stream.of("launch=remote", connection), NO_CACHES.stream()).toList();
    }

    @AfterAll
    static void stop() {
        Scratch.closeAll(pipe, unix, http, service);
    }

    static Stream<Arguments> questions() {
        return Stream.of(
                Arguments.of("foo.o.example.com A", "NOERROR", List.of("foo.o.example.com. 60 IN CNAME foo.o.example.eu."), List.of()),
                Arguments.of("foo.o.example.com AAAA", "NOERROR", List.of("foo.o.example.com. 60 IN CNAME foo.o.example.eu."), List.of()),
                Arguments.of("bar.o.example.com MX", "NOERROR", List.of("bar.o.example.com. 60 IN CNAME bar.o.example.us."), List.of()),
                Arguments.of("eu.dotted.bucket.o.example.com A", "NOERROR",
                        List.of("eu.dotted.bucket.o.example.com. 60 IN CNAME eu.dotted.bucket.o.example.eu."), List.of()),
                Arguments.of("PHOTOS.O.Example.COM A", "NOERROR", List.of("PHOTOS.O.Example.COM. 60 IN CNAME photos.o.example.eu."), List.of()),
                Arguments.of("o.example.com SOA", "NOERROR", List.of("o.example.com. 3600 IN SOA " + BucketDnsFiles.SOA), List.of()),
                Arguments.of("o.example.com NS", "NOERROR",
                        List.of("o.example.com. 3600 IN NS ns1.example.com.", "o.example.com. 3600 IN NS ns2.example.com."), List.of()),
                Arguments.of("o.example.com MX", "NOERROR", List.of(), List.of(SOA_AUTHORITY)),
                Arguments.of("nope.o.example.com A", "NXDOMAIN", List.of(), List.of(SOA_AUTHORITY)),
                Arguments.of("_x.o.example.com TXT", "NXDOMAIN", List.of(), List.of(SOA_AUTHORITY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("questions")
    void unixAndPipeAnswerAsHttpDoes(String question, String status, List<String> answer, List<String> authority) {
        String[] args = question.split(" ");
        Dig.Result viaHttp = http.dig(args);
        assertThat(viaHttp.status()).as("http: %s\n%s", viaHttp, http.log()).isEqualTo(status);
        assertThat(viaHttp.flags()).as("http: %s", viaHttp).contains("qr", "aa");
        assertThat(viaHttp.answer()).as("http: %s", viaHttp).containsExactlyInAnyOrderElementsOf(answer);
        assertThat(viaHttp.authority()).as("http: %s", viaHttp).isEqualTo(authority);
        for (Map.Entry<String, PowerDns> other : Map.of("unix", unix, "pipe", pipe).entrySet()) {
            Dig.Result r = other.getValue().dig(args);
            assertThat(r.comparable()).as("%s: %s\n%s", other.getKey(), r, other.getValue().log()).isEqualTo(viaHttp.comparable());
        }
        for (PowerDns p : List.of(http, unix, pipe)) {
            // a connector failure PowerDNS survives (a timeout, a reconnect) shows only in its log
            assertThat(p.log()).doesNotContain("Exception caught", "Timeout", "Failed to initialize");
        }
    }
}
