package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A newcomer's first command: {@code bin/bucketdns demo} answers what it says it answers. */
class DemoE2ETest {
    @TempDir
    Path dir;

    @Test
    void theDemoAnswersTheQuestionsItPrints() throws Exception {
        Path out = dir.resolve("demo.out");
        Process demo = new ProcessBuilder(Path.of("bin/bucketdns").toAbsolutePath().toString(), "demo", "--dir", dir.resolve("demo").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(Ports.await(60, () -> Ports.accepts(9780) && Ports.accepts(5353))).as("demo up; output:\n%s", Files.readString(out)).isTrue();
            String printed = Files.readString(out);
            assertThat(printed).contains("dig @127.0.0.1 -p 5353 foo.o.example.com", "curl http://127.0.0.1:6780/dns/lookup/foo.o.example.com./ANY");
            assertThat(Dig.query(5353, "foo.o.example.com", "A").answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            assertThat(Dig.query(5353, "EU.Dotted.Bucket.o.example.com", "A").answer())
                    .containsExactly("EU.Dotted.Bucket.o.example.com. 60 IN CNAME eu.dotted.bucket.o.example.eu.");
            assertThat(Dig.query(5353, "_x.o.example.com", "A").status()).isEqualTo("NXDOMAIN");
            assertThat(Scrape.value(9780, "bucketdns_dns_requests_total{frontend=\"udp\",qtype=\"A\",zone=\"o.example.com\"}"))
                    .isGreaterThanOrEqualTo(3);
            // the file the demo names is live: a new bucket is answered within a second or two
            Files.writeString(dir.resolve("demo/buckets.txt"), "newbucket us\n", java.nio.file.StandardOpenOption.APPEND);
            assertThat(Ports.await(3, () -> Dig.query(5353, "newbucket.o.example.com", "A").answer()
                    .equals(java.util.List.of("newbucket.o.example.com. 60 IN CNAME newbucket.o.example.us."))))
                    .isTrue();
        } finally {
            demo.destroy();
            if (!demo.waitFor(10, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }
}
