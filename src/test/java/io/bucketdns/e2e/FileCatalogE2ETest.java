package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The bucket file rewritten in place while a client asks all the time: a slow {@code cat >
 * buckets.txt} of 200,000 lines, then {@code : > buckets.txt}. Every answer is from a whole
 * catalog, the old or the new one, never from an empty or partial one.
 */
class FileCatalogE2ETest {
    private static final int LINES = 200_000;
    @TempDir
    Path dir;

    @Test
    void aFileBeingWrittenOrEmptiedNeverServesAPartialCatalog() throws Exception {
        int port = Ports.free();
        // no [ops] listener: its default port may be taken on a shared machine
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:" + port,
                "rrl_exempt = 127.0.0.0/8", // one client asks as fast as it can: not a flood to limit
                "[ops]", "listen ="));
        Path buckets = dir.resolve("buckets.txt");
        Files.write(buckets, lines("eu", "us"));
        Files.write(dir.resolve("next.txt"), lines("us", "eu"));   // the same buckets, every zonegroup swapped

        try (Service service = Service.start(ConfigLoader.load(conf))) {
            SimpleResolver resolver = new SimpleResolver("127.0.0.1");
            resolver.setPort(port);
            resolver.setTimeout(Duration.ofSeconds(2));
            // the first bucket and the last: a catalog cut anywhere lacks the last one
            List<String> asked = List.of("bucket-0", "bucket-" + (LINES - 1), "bucket-" + (LINES / 2));
            Map<String, Long> answers = new ConcurrentHashMap<>();
            AtomicLong wrong = new AtomicLong();
            List<String> firstWrong = new ArrayList<>();
            AtomicBoolean asking = new AtomicBoolean(true);
            Thread client = Thread.ofPlatform().start(() -> {
                while (asking.get()) {
                    for (String bucket : asked) {
                        String answer = ask(resolver, bucket);
                        answers.merge(bucket + " " + answer, 1L, Long::sum);
                        if (!answer.startsWith("CNAME ")) {
                            wrong.incrementAndGet();
                            synchronized (firstWrong) {
                                if (firstWrong.size() < 5) {
                                    firstWrong.add(bucket + ": " + answer);
                                }
                            }
                        }
                    }
                }
            });
            try {
                // a writer that truncates, then fills the file in ten pieces, pausing in between
                run("i=0; : > buckets.txt; while [ $i -lt 10 ]; do sed -n \"$((i * 20000 + 1)),$(((i + 1) * 20000))p\" next.txt >> buckets.txt;"
                        + " sleep 0.2; i=$((i + 1)); done");
                String last = "bucket-" + (LINES - 1);
                assertThat(E2EWait.within(Duration.ofSeconds(20),
                        () -> answers.containsKey(last + " CNAME " + last + ".o.example.eu."))).as("the new file went live").isTrue();

                run(": > buckets.txt");
                // the emptied file has been read and refused (the client kept asking meanwhile) ...
                assertThat(E2EWait.within(Duration.ofSeconds(20), () -> String.valueOf(
                        service.catalog().health().lastError()).contains("no buckets, which would empty the catalog of 200000"))).isTrue();
                // ... and answers keep coming from the whole catalog after that
                long more = answers.values().stream().mapToLong(Long::longValue).sum();
                assertThat(E2EWait.within(Duration.ofSeconds(20),
                        () -> answers.values().stream().mapToLong(Long::longValue).sum() > more + 300)).isTrue();
            } finally {
                asking.set(false);
                client.join(10_000);
            }
            assertThat(wrong.get()).as("answers that were not a CNAME, first ones: %s; all: %s", firstWrong, answers).isZero();
            assertThat(answers.keySet()).as("answers from the old and the new whole catalogs only").containsExactlyInAnyOrder(
                    "bucket-0 CNAME bucket-0.o.example.eu.", "bucket-0 CNAME bucket-0.o.example.us.",
                    "bucket-199999 CNAME bucket-199999.o.example.us.", "bucket-199999 CNAME bucket-199999.o.example.eu.",
                    "bucket-100000 CNAME bucket-100000.o.example.eu.", "bucket-100000 CNAME bucket-100000.o.example.us.");
        }
    }

    /** 200,000 lines, even-numbered buckets in {@code even}, odd ones in {@code odd}. */
    private static List<String> lines(String even, String odd) {
        List<String> out = new ArrayList<>(LINES);
        for (int i = 0; i < LINES; i++) {
            out.add("bucket-" + i + " " + (i % 2 == 0 ? even : odd));
        }
        return out;
    }

    private void run(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private static String ask(SimpleResolver resolver, String bucket) {
        try {
            Message reply = resolver.send(Message.newQuery(Record.newRecord(
                    Name.fromString(bucket + "." + BucketDnsFiles.ZONE + "."), Type.A, 1)));
            List<Record> answer = reply.getSection(Section.ANSWER);
            if (reply.getRcode() == Rcode.NOERROR && answer.size() == 1 && answer.get(0) instanceof CNAMERecord c) {
                return "CNAME " + c.getTarget();
            }
            return Rcode.string(reply.getRcode()) + " " + answer;
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
    }
}
