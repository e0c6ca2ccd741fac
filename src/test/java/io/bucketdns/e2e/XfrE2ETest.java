package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * bucketdns as the (hidden) primary of the global zone, with the secondaries operators already
 * run, from Debian, started here on loopback with the shipped examples/secondaries configs (ports
 * and directories replaced): NSD and Knot, each told of changes by NOTIFY and copying the zone by
 * zone transfer, whole at first (AXFR), then only what changed (IXFR). They answer every row of the answer table as bucketdns does (an unknown name
 * through the zone's wildcard, which points where bucketdns points it), a catalog change reaches
 * them within 2 s, and a client outside {@code [xfr] allow} gets no transfer.
 *
 * <p>The catalog is the file source, whose changes bucketdns sees within a quarter second: what
 * is under test is the way from a change in bucketdns to the secondaries, the same whatever
 * source made the change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XfrE2ETest {
    private static final String ZONE = "o.example.com";
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    private static final Path EXAMPLE = Path.of("examples", "secondaries");

    private Path dir;
    private Path buckets;
    private BucketDnsProcess bucketdns;
    private Daemon nsd;
    private Daemon knot;
    private int port;
    private int ops;
    private int nsdPort;
    private int knotPort;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("bucketdns-xfr-");
        buckets = dir.resolve("buckets.txt");
        Files.write(buckets, List.of("foo eu", "photos us", "eu.dotted.bucket eu", "bar us"));
        port = Ports.free();
        ops = Ports.free();
        nsdPort = Ports.free();
        knotPort = Ports.free();
        Path conf = dir.resolve("rgw-pdns.conf");
        Files.writeString(conf, ports(Files.readString(EXAMPLE.resolve("rgw-pdns.conf")))
                .replace("file = ../buckets.txt", "file = buckets.txt")
                .replace("[dns]\n", "[dns]\na = 192.0.2.10\nrecords = www 300 IN A 192.0.2.80\n")
                + "\n[ops]\nlisten = 127.0.0.1:" + ops + "\n");
        bucketdns = BucketDnsProcess.serve(conf);
        assertThat(Ports.await(30, () -> "NOERROR".equals(Dig.query(port, "foo." + ZONE, "A").status())))
                .as("bucketdns started; log:\n%s", bucketdns.log()).isTrue();
        nsd = startNsd();
        knot = startKnot();
    }

    /** The example's ports made this run's. */
    private String ports(String text) {
        return text.replace("127.0.0.1:5300", "127.0.0.1:" + port).replace("127.0.0.1@5300", "127.0.0.1@" + port)
                .replace("127.0.0.1:5301", "127.0.0.1:" + nsdPort).replace("127.0.0.1@5301", "127.0.0.1@" + nsdPort)
                .replace("127.0.0.1:5302", "127.0.0.1:" + knotPort).replace("127.0.0.1@5302", "127.0.0.1@" + knotPort);
    }

    private Daemon startNsd() throws IOException {
        return Secondaries.nsd(dir.resolve("nsd"), ports(Files.readString(EXAMPLE.resolve("nsd.conf"))), nsdPort, ZONE);
    }

    private Daemon startKnot() throws IOException {
        return Secondaries.knot(dir.resolve("knot"), ports(Files.readString(EXAMPLE.resolve("knot.conf"))), knotPort, ZONE);
    }

    @AfterAll
    void stop() throws Exception {
        if (knot != null) {
            knot.stop();
        }
        if (nsd != null) {
            nsd.stop();
        }
        if (bucketdns != null) {
            bucketdns.close();
        }
        Scratch.delete(dir);
    }

    /** The rows of the answer table a zone file can hold: what each secondary must answer as bucketdns does. */
    private static final List<String[]> ROWS = List.of(
            new String[] {"foo." + ZONE, "A"},                   // a bucket
            new String[] {"FoO." + ZONE, "A"},                   // mixed case
            new String[] {"eu.dotted.bucket." + ZONE, "A"},      // a dotted bucket
            new String[] {ZONE, "SOA"},
            new String[] {ZONE, "NS"},
            new String[] {ZONE, "A"},
            new String[] {"www." + ZONE, "A"});                  // a static record

    private static String view(Dig.Result r) {
        return r.status() + " " + r.answer().stream().map(l -> l.toLowerCase(Locale.ROOT)).sorted().toList();
    }

    @Test
    @Order(1)
    void eachSecondaryAnswersEveryRowAsBucketdnsDoes() {
        for (String[] row : ROWS) {
            String own = view(Dig.ask("127.0.0.1", port, row[0], row[1], "+norec"));
            assertThat(view(Dig.ask("127.0.0.1", nsdPort, row[0], row[1], "+norec"))).as("nsd: %s %s", row[0], row[1]).isEqualTo(own);
            assertThat(view(Dig.ask("127.0.0.1", knotPort, row[0], row[1], "+norec"))).as("knot: %s %s", row[0], row[1]).isEqualTo(own);
        }
    }

    /**
     * What the README says a secondary answers otherwise, under {@code unknown_bucket = default}:
     * an unknown name through the zone's wildcard, to the default zonegroup's host itself (where
     * bucketdns answers NAME.o.example.eu), names that are no bucket alike (bucketdns: NXDOMAIN),
     * and an empty non-terminal above a dotted bucket NODATA (bucketdns: the default's guess).
     */
    @Test
    @Order(1)
    void anUnknownNameGoesToTheDefaultZonegroupOnEverySecondaryThroughTheZonesWildcard() {
        assertThat(Dig.ask("127.0.0.1", port, "nobucket." + ZONE, "A", "+norec").answer()).singleElement()
                .satisfies(l -> assertThat(l).endsWith(" IN CNAME nobucket.o.example.eu."));
        for (int secondary : List.of(nsdPort, knotPort)) {
            for (String name : List.of("nobucket", "NoBucket", "_x")) {
                assertThat(Dig.ask("127.0.0.1", secondary, name + "." + ZONE, "A", "+norec").answer()).as("%s on %d", name, secondary)
                        .singleElement().satisfies(l -> assertThat(l).endsWith(" 5 IN CNAME o.example.eu."));
            }
            Dig.Result ent = Dig.ask("127.0.0.1", secondary, "dotted.bucket." + ZONE, "A", "+norec");
            assertThat(ent.status() + " " + ent.answer()).as("an empty non-terminal on %d", secondary).isEqualTo("NOERROR []");
        }
    }

    @Test
    @Order(2)
    void aBucketCreatedAndOneDeletedReachEverySecondaryWithinTwoSecondsThroughNotify() throws Exception {
        String serialBefore = Dig.query(port, ZONE, "SOA").answer().get(0);
        Path next = dir.resolve("buckets.next");
        Files.write(next, List.of("foo eu", "eu.dotted.bucket eu", "bar us", "fresh us"));
        Files.move(next, buckets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(E2EWait.within(Duration.ofSeconds(5), () -> newTruth(port))).as("bucketdns itself has it").isTrue();
        long since = System.nanoTime();

        boolean nsdHas = E2EWait.within(Duration.ofSeconds(10), () -> newTruth(nsdPort));
        long nsdMillis = (System.nanoTime() - since) / 1_000_000;
        boolean knotHas = E2EWait.within(Duration.ofSeconds(10), () -> newTruth(knotPort));
        long knotMillis = (System.nanoTime() - since) / 1_000_000;

        assertThat(nsdHas).as("nsd has the change; its log:\n%s", Files.readString(dir.resolve("nsd/nsd.log"))).isTrue();
        assertThat(knotHas).as("knot has the change; its output:\n%s", knot.output()).isTrue();
        assertThat(nsdMillis).as("nsd within %s", PROPAGATION).isLessThanOrEqualTo(PROPAGATION.toMillis());
        assertThat(knotMillis).as("knot within %s", PROPAGATION).isLessThanOrEqualTo(PROPAGATION.toMillis());
        assertThat(Dig.query(port, ZONE, "SOA").answer().get(0)).as("a new serial").isNotEqualTo(serialBefore);
        assertThat(bucketdns.log()).contains("notify: o.example.com serial").contains("to /127.0.0.1:" + nsdPort + ": NOERROR")
                .contains("to /127.0.0.1:" + knotPort + ": NOERROR");
        assertThat(knot.output()).as("knot heard the NOTIFY").containsIgnoringCase("notify");
        String from = serialBefore.split("\\s+")[6];
        // NSD does not say in its log how it got an update; the two transfers served are its and Knot's
        assertThat(bucketdns.log().lines().filter(l -> l.contains("IXFR of o.example.com from serial " + from + " ")))
                .as("each secondary got the change alone, by IXFR; log:\n%s", bucketdns.log()).hasSize(2);
        assertThat(knot.output()).as("knot took it as an IXFR").containsPattern("IXFR, incoming.*finished");
        Dig.Result udp = Dig.ask("127.0.0.1", port, ZONE, "IXFR=" + from, "+notcp");
        assertThat(udp.transport()).isEqualTo("UDP");
        assertThat(udp.output().lines()).as("dig's IXFR over UDP: the difference, in one datagram")
                .anyMatch(l -> l.startsWith("fresh." + ZONE) && l.endsWith("fresh.o.example.us."))
                .anyMatch(l -> l.startsWith("photos." + ZONE));
        eachSecondaryAnswersEveryRowAsBucketdnsDoes();
    }

    /** fresh made in us, photos (us) deleted: now answered as an unknown name, toward the default zonegroup (eu). */
    private static boolean newTruth(int at) {
        return Dig.ask("127.0.0.1", at, "fresh." + ZONE, "A", "+norec").answer().stream().anyMatch(l -> l.endsWith(" fresh.o.example.us."))
                && Dig.ask("127.0.0.1", at, "photos." + ZONE, "A", "+norec").answer().stream().noneMatch(l -> l.contains("o.example.us."));
    }

    @Test
    @Order(3)
    void aClientOutsideAllowGetsNoTransferAndIsCounted() throws Exception {
        // 127.0.0.2 is loopback too, but not the 127.0.0.1/32 of [xfr] allow
        Dig.Result refused = Dig.ask("127.0.0.1", port, "-b", "127.0.0.2", ZONE, "AXFR");
        Dig.Result allowed = Dig.ask("127.0.0.1", port, ZONE, "AXFR");

        assertThat(refused.output()).contains("Transfer failed");
        assertThat(allowed.output()).contains("foo.o.example.com.").contains("XFR size:");
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"refused\",zone=\"o.example.com\"}")).isEqualTo(1.0);
        assertThat(Scrape.value(ops, "bucketdns_xfr_requests_total{result=\"sent\",zone=\"o.example.com\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(bucketdns.log()).contains("AXFR of o.example.com refused to 127.0.0.2: not in [xfr] allow");
    }
}
