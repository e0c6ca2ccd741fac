package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every config under examples/ loads, and switches on the listener its directory is named for. */
class ExamplesTest {
    @TempDir
    Path runtime;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "powerdns-http", "powerdns-unix", "powerdns-pipe", "powerdns-primary", "secondaries"})
    void loads(String example) throws IOException {
        Path dir = Path.of("examples", example).toAbsolutePath();
        // the unix example's socket lives in /run/bucketdns, which exists only where it is deployed
        List<String> lines = Files.readAllLines(dir.resolve("rgw-pdns.conf")).stream()
                .map(l -> l.replace("/run/bucketdns/", runtime + "/"))
                .toList();
        BucketDnsConfig config = ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), lines);

        assertThat(config.catalog().file()).exists();
        boolean dns = example.equals("standalone") || example.equals("secondaries");
        assertThat(config.dnsListen().isEmpty()).isEqualTo(!dns);
        assertThat(config.xfr().allow().isEmpty()).isEqualTo(!example.equals("secondaries"));
        assertThat(config.xfr().secondaries()).hasSize(example.equals("secondaries") ? 3 : 0);
        assertThat(config.remoteBackend() != null).isEqualTo(example.equals("powerdns-http") || example.equals("powerdns-primary"));
        assertThat(config.unixSocket() != null).isEqualTo(example.equals("powerdns-unix"));
        if (example.startsWith("powerdns-")) {
            assertThat(dir.resolve("pdns.conf")).exists();
            try (Stream<String> pdns = Files.lines(dir.resolve("pdns.conf"))) {
                String connector = example.equals("powerdns-primary") ? "http" : example.substring("powerdns-".length());
                assertThat(pdns.filter(l -> l.startsWith("remote-connection-string=" + connector + ":")))
                        .hasSize(1);
            }
        }
    }
}
