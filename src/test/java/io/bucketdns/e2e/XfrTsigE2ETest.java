package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [xfr] tsig} on the real process, checked by the peers' own tools: dig and Knot's kdig
 * transfer the zone with the key, and get nothing without it or with a wrong secret, each
 * refusal counted by its reason.
 */
class XfrTsigE2ETest {
    private static final String SECRET = "tdo/ZOZJz8FXfkXj1yZv9qWf3sE/h2KOBSNJA7UNIZM=";
    private static final String WRONG = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    @TempDir
    Path dir;
    BucketDnsProcess bucketdns;

    @AfterEach
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.close();
        }
    }

    /** An AXFR of the zone by {@code tool} (dig or kdig, with its own options), its output. */
    private String transfer(String tool, int port, String... options) {
        List<String> c = new ArrayList<>(List.of(tool, "@127.0.0.1", "-p", String.valueOf(port)));
        c.addAll(List.of(options));
        c.addAll(List.of("o.example.com", "AXFR"));
        return BoundedRun.run(c, Map.of(), Duration.ofSeconds(20), dir, new ArrayList<>()).output();
    }

    private String dig(int port, String... key) {
        return transfer("dig", port, concat(List.of("+time=2", "+tries=1"), key));
    }

    private String kdig(int port, String... key) {
        return transfer("kdig", port, concat(List.of("+time=2", "+retry=0"), key));
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void digAndKdigTransferWithTheKeyAndGetNothingWithoutItOrWithAWrongSecret() throws Exception {
        int port = Ports.free();
        int ops = Ports.free();
        bucketdns = BucketDnsProcess.serve(BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:" + port,
                "[xfr]", "allow = 127.0.0.1/32", "tsig = xfr-key:hmac-sha256:" + SECRET, "[ops]", "listen = 127.0.0.1:" + ops)));
        assertThat(Ports.await(30, () -> "NOERROR".equals(Dig.query(port, "foo.o.example.com", "A").status())))
                .as("started; log:\n%s", bucketdns.log()).isTrue();

        String digSigned = dig(port, "-y", "hmac-sha256:xfr-key:" + SECRET);
        String kdigSigned = kdig(port, "-y", "hmac-sha256:xfr-key:" + SECRET);
        String digUnsigned = dig(port);
        String digWrong = dig(port, "-y", "hmac-sha256:xfr-key:" + WRONG);
        String kdigWrong = kdig(port, "-y", "hmac-sha256:xfr-key:" + WRONG);
        String kdigUnknown = kdig(port, "-y", "hmac-sha256:other-key:" + SECRET);

        assertThat(digSigned).as("dig verified every message").contains("foo.o.example.com.").contains("XFR size:")
                .doesNotContain("failed");
        assertThat(kdigSigned).as("kdig verified every message").contains("foo.o.example.com.").contains("NOERROR").doesNotContain(";; ERROR");
        for (String refused : List.of(digUnsigned, digWrong, kdigWrong, kdigUnknown)) {
            assertThat(refused).doesNotContain("foo.o.example.com.\t");
        }
        assertThat(kdigWrong).contains("BADSIG");
        assertThat(kdigUnknown).contains("BADKEY");
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"sent\",zone=\"o.example.com\"}")).isEqualTo(2.0);
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"unsigned\",zone=\"o.example.com\"}")).isEqualTo(1.0);
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"badsig\",zone=\"o.example.com\"}")).isEqualTo(2.0);
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"badkey\",zone=\"o.example.com\"}")).isEqualTo(1.0);
        assertThat(bucketdns.log()).contains("AXFR of o.example.com refused to 127.0.0.1: TSIG BADSIG (key xfr-key.)")
                .doesNotContain(SECRET);
    }
}
