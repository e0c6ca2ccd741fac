package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the process writes to its log, as a log shipper reads it: JSON lines, sampled queries, no secrets. */
class LoggingE2ETest {
    static final String SECRET = "s3cr3t-never-logged-0123456789";

    @TempDir
    Path dir;

    @Test
    void jsonLogsWithSampledQueriesAndNoSecret() throws Exception {
        int dnsPort = Ports.free();
        int opsPort = Ports.free();
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        Path conf = Files.writeString(dir.resolve("rgw-pdns.conf"), """
                [powerdns]
                listen_addr =
                dns_zone = o.example.com
                rgw_access_key = BUCKETDNSACCESS
                rgw_secret_key = %s
                debug = true
                [catalog]
                source = file
                file = buckets.txt
                [zonegroup.eu]
                hostname = o.example.eu
                [dns]
                listen = 127.0.0.1:%d
                [ops]
                listen = 127.0.0.1:%d
                log_format = json
                query_log_sample = 2
                """.formatted(SECRET, dnsPort, opsPort));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Path.of("target/bucketdns.jar").toAbsolutePath().toString(), "serve", "--config", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // every listener is up once the process says it serves (ops binds before dns)
            assertThat(Ports.await(30, () -> logged(log, "bucketdns serving"))).isTrue();
            for (int i = 0; i < 4; i++) {
                assertThat(Dig.query(dnsPort, "foo.o.example.com", "A").status()).isEqualTo("NOERROR");
            }
            assertThat(Ports.await(5, () -> queryLines(log).size() == 2)).as("one question in two logged").isTrue();
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty().noneMatch(l -> l.contains(SECRET));
        ObjectMapper json = new ObjectMapper();
        // the config is applied after start-up, so the first lines may be plain; from the query log on, all are JSON
        for (String line : lines.subList(lines.indexOf(queryLines(log).get(0)), lines.size())) {
            JsonNode event = json.readTree(line);
            assertThat(event.has("level")).as(line).isTrue();
            assertThat(event.has("formattedMessage")).as(line).isTrue();
        }
        assertThat(json.readTree(queryLines(log).get(0)).get("formattedMessage").asText())
                .startsWith("udp foo.o.example.com. A NOERROR bucket foo.o.example.eu.");
    }

    private static List<String> queryLines(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("\"loggerName\":\"query\"")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static boolean logged(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
