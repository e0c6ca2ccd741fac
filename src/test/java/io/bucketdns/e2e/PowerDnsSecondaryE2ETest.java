package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PowerDNS in front of bucketdns as the primary, a PowerDNS with its own database (gsqlite3) as
 * its secondary, both from Debian, started here with the shipped examples/powerdns-primary configs
 * (ports and directories replaced). The secondary answers every row the front does, and a bucket
 * created reaches it through the front's NOTIFY, which PowerDNS sends when bucketdns's
 * {@code getUpdatedMasters} lists the zone.
 *
 * <p>PowerDNS asks that once per {@code xfr-cycle-interval} (the example's 1 s, the least it
 * takes) and sends queued NOTIFYs on its next one-second tick, so its own cycles put a change at
 * about 2 s on the secondary; the bound here is 3 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PowerDnsSecondaryE2ETest {
    private static final String ZONE = "o.example.com";
    private static final Path EXAMPLE = Path.of("examples", "powerdns-primary");
    private static final Duration PROPAGATION = Duration.ofSeconds(3);
    /** What {@link PowerDns} sets itself (and loglevel 6); the example's own values are for running it by hand. */
    private static final Set<String> RUN_SETTINGS = Set.of("local-address", "local-port", "socket-dir", "daemon", "guardian", "write-pid",
            "disable-syslog", "webserver", "api", "security-poll-suffix");

    private Path dir;
    private Path buckets;
    private BucketDnsProcess bucketdns;
    private PowerDns front;
    private PowerDns secondary;
    private int httpPort;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("bucketdns-pdns-secondary-");
        buckets = dir.resolve("buckets.txt");
        Files.write(buckets, List.of("foo eu", "photos us", "eu.dotted.bucket eu", "bar us"));
        httpPort = Ports.free();
        int frontPort = Ports.free();
        int secondaryPort = Ports.free();
        Path conf = dir.resolve("rgw-pdns.conf");
        Files.writeString(conf, Files.readString(EXAMPLE.resolve("rgw-pdns.conf")).replace("listen_port = 6780", "listen_port = " + httpPort)
                .replace("file = ../buckets.txt", "file = buckets.txt") + "\n[ops]\nlisten =\n");
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> lookup("foo").contains("foo.o.example.eu."))).as("bucketdns started; log:\n%s", bucketdns.log())
                .isTrue();
        front = PowerDns.start(dir.resolve("front"), frontPort, example("pdns.conf").stream()
                .map(l -> l.replace("127.0.0.1:6780", "127.0.0.1:" + httpPort).replace("127.0.0.1:5301", "127.0.0.1:" + secondaryPort)).toList());
        Path sec = Files.createDirectories(dir.resolve("secondary"));
        List<String> secondaryConf = example("pdns-secondary.conf").stream()
                .map(l -> l.replace("/var/lib/powerdns/pdns.sqlite3", sec.resolve("pdns.sqlite3").toString())).toList();
        Files.write(sec.resolve("pdns.conf"), secondaryConf);
        // the example's set-up steps
        setUp(sec, List.of("sqlite3", "-init", "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql", sec.resolve("pdns.sqlite3").toString(),
                ".quit"));
        setUp(sec, List.of("pdnsutil", "--config-dir=" + sec, "create-secondary-zone", ZONE, "127.0.0.1:" + frontPort));
        secondary = PowerDns.start(sec, secondaryPort, secondaryConf);
        assertThat(E2EWait.within(Duration.ofSeconds(20), () -> "NOERROR".equals(secondary.dig("foo." + ZONE, "A", "+norec").status())))
                .as("the secondary took the zone; its log:\n%s\nthe front's:\n%s", secondary.log(), front.log()).isTrue();
    }

    private static void setUp(Path dir, List<String> command) {
        BoundedRun.Outcome o = BoundedRun.run(command, Map.of(), Duration.ofSeconds(30), dir, new ArrayList<>());
        assertThat(o.exitCode()).as("%s:\n%s", command, o.output()).isZero();
    }

    /** The example's settings but those {@link PowerDns} sets for a test run. */
    private static List<String> example(String file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(EXAMPLE.resolve(file)).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank() && !RUN_SETTINGS.contains(l.substring(0, Math.max(0, l.indexOf('='))))).toList());
        lines.add("loglevel=6"); // NOTIFYs sent and received are logged from 6 on
        return lines;
    }

    /** bucketdns's own answer to PowerDNS's lookup of a bucket, over its HTTP connector. */
    private String lookup(String bucket) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/dns/lookup/" + bucket + ".o.example.com./ANY"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @AfterAll
    void stop() {
        Scratch.closeAll(secondary, front, bucketdns);
        Scratch.delete(dir);
    }

    private static String view(Dig.Result r) {
        return r.status() + " " + r.answer().stream().map(l -> l.toLowerCase(Locale.ROOT)).sorted().toList();
    }

    @Test
    @Order(1)
    void theSecondaryAnswersEveryRowAsTheFrontDoes() {
        for (String[] row : List.of(new String[] {"foo." + ZONE, "A"}, new String[] {"FoO." + ZONE, "A"},
                new String[] {"eu.dotted.bucket." + ZONE, "A"}, new String[] {ZONE, "SOA"}, new String[] {ZONE, "NS"})) {
            assertThat(view(secondary.dig(row[0], row[1], "+norec"))).as("%s %s", row[0], row[1])
                    .isEqualTo(view(front.dig(row[0], row[1], "+norec")));
        }
        assertThat(secondary.dig("nobucket." + ZONE, "A", "+norec").answer()).as("an unknown name, by the zone's wildcard").singleElement()
                .satisfies(l -> assertThat(l).endsWith(" IN CNAME o.example.eu."));
    }

    @Test
    @Order(2)
    void aCreatedBucketReachesTheSecondaryThroughTheFrontsNotify() throws Exception {
        Path next = dir.resolve("buckets.next");
        Files.write(next, List.of("foo eu", "eu.dotted.bucket eu", "bar us", "fresh us"));
        Files.move(next, buckets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(E2EWait.within(Duration.ofSeconds(5), () -> lookup("fresh").contains("fresh.o.example.us."))).as("bucketdns has it").isTrue();
        long since = System.nanoTime();

        boolean has = E2EWait.within(Duration.ofSeconds(15), () -> secondary.dig("fresh." + ZONE, "A", "+norec").answer().stream()
                .anyMatch(l -> l.endsWith(" fresh.o.example.us.")));
        long millis = (System.nanoTime() - since) / 1_000_000;
        System.out.printf("e2e: a created bucket on the PowerDNS secondary %d ms after bucketdns had it%n", millis);

        assertThat(has).as("the secondary has it; its log:\n%s\nthe front's:\n%s", secondary.log(), front.log()).isTrue();
        assertThat(millis).as("within %s", PROPAGATION).isLessThanOrEqualTo(PROPAGATION.toMillis());
        assertThat(secondary.dig("photos." + ZONE, "A", "+norec").answer()).as("a deleted bucket").singleElement()
                .satisfies(l -> assertThat(l).endsWith(" IN CNAME o.example.eu."));
        assertThat(secondary.log()).contains("Received NOTIFY for o.example.com").contains("AXFR");
        assertThat(front.log().lines().filter(l -> l.contains("Queued also-notification of domain 'o.example.com'")))
                .as("a NOTIFY at start and one for the change").hasSizeGreaterThanOrEqualTo(2);
    }
}
