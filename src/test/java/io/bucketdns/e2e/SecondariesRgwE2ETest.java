package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hidden primary on the real RGW lab: bucketdns following RGW's metadata log at the defaults
 * a user gets, NSD and Knot from Debian as its secondaries (the shipped examples/secondaries
 * configs). A bucket created and one deleted in RGW reach both secondaries, which nobody but the
 * test asks, so no question pulls bucketdns toward the change: what brings it is the log's sweep
 * ({@code [catalog] log_sweep}, 40 s), then NOTIFY and IXFR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RgwLab.Extension.class)
class SecondariesRgwE2ETest {
    private static final String ZONE = "o.example.com";
    private static final Path EXAMPLE = Path.of("examples", "secondaries");
    /** The default log sweep, plus what {@link XfrE2ETest} holds NOTIFY and a transfer to. */
    private static final Duration LIMIT = Duration.ofSeconds(40 + 2);

    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private RgwLab lab;
    private Path dir;
    private Service bucketdns;
    private Daemon nsd;
    private Daemon knot;
    private int port;
    private int nsdPort;
    private int knotPort;

    @BeforeAll
    void start(RgwLab lab) throws Exception {
        this.lab = lab;
        lab.mkbucket("sec-gone-" + suffix, "us");
        dir = Files.createTempDirectory("bucketdns-secondaries-rgw-");
        port = Ports.free();
        nsdPort = Ports.free();
        knotPort = Ports.free();
        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]",
                "listen_addr =",
                "dns_zone = " + ZONE,
                "dns_soa_record = ns1.example.com. hostmaster.example.com. auto 3600 600 1209600 5"));
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of(
                "[catalog]",
                "source = rgw",
                "unknown_bucket = default",
                "default_zonegroup = eu",
                "[dns]",
                "listen = 127.0.0.1:" + port,
                "ns = ns1.example.com., ns2.example.com.",
                "[xfr]",
                "allow = 127.0.0.1/32",
                "notify = 127.0.0.1:" + nsdPort + ", 127.0.0.1:" + knotPort,
                "[ops]",
                "listen ="));
        bucketdns = Service.start(ConfigLoader.load(Files.write(dir.resolve("rgw-pdns.conf"), conf)));
        nsd = Secondaries.nsd(dir.resolve("nsd"), ports(Files.readString(EXAMPLE.resolve("nsd.conf"))), nsdPort, ZONE);
        knot = Secondaries.knot(dir.resolve("knot"), ports(Files.readString(EXAMPLE.resolve("knot.conf"))), knotPort, ZONE);
    }

    private String ports(String text) {
        return text.replace("127.0.0.1@5300", "127.0.0.1@" + port).replace("127.0.0.1@5301", "127.0.0.1@" + nsdPort)
                .replace("127.0.0.1@5302", "127.0.0.1@" + knotPort);
    }

    @AfterAll
    void stop() {
        if (knot != null) {
            knot.stop();
        }
        if (nsd != null) {
            nsd.stop();
        }
        Scratch.closeAll(bucketdns);
        Scratch.delete(dir);
    }

    private static String cname(int at, String bucket) {
        return String.join(" ", Dig.ask("127.0.0.1", at, bucket + "." + ZONE, "CNAME", "+norec").answer());
    }

    /** Waits until both secondaries answer {@code bucket} with a CNAME ending in {@code target}; the milliseconds each took. */
    private long[] reach(String bucket, String target, long since) {
        long[] millis = new long[2];
        int[] ports = {nsdPort, knotPort};
        for (int i = 0; i < 2; i++) {
            int at = ports[i];
            boolean there = E2EWait.within(LIMIT.plusSeconds(10), () -> cname(at, bucket).endsWith(" CNAME " + target));
            millis[i] = (System.nanoTime() - since) / 1_000_000;
            assertThat(there).as("%s -> %s on %s; knot:\n%s", bucket, target, i == 0 ? "nsd" : "knot", knot.output()).isTrue();
        }
        return millis;
    }

    @Test
    void aBucketCreatedAndOneDeletedInRgwReachEverySecondaryWithinTheLogSweep() throws Exception {
        String created = "sec-new-" + suffix;
        String deleted = "sec-gone-" + suffix;
        assertThat(E2EWait.within(LIMIT, () -> cname(nsdPort, deleted).endsWith(" CNAME " + deleted + ".o.example.us.")))
                .as("the secondaries have the bucket made before the start").isTrue();

        lab.mkbucketNow(created, "us");
        long createdAt = System.nanoTime();
        long[] creation = reach(created, created + ".o.example.us.", createdAt);
        lab.rmbucketNow(deleted);
        long deletedAt = System.nanoTime();
        long[] deletion = reach(deleted, "o.example.eu.", deletedAt);
        System.out.printf("e2e: a bucket created in RGW answered by nsd after %d ms, knot %d ms; one deleted: %d ms, %d ms (log_sweep 40 s)%n",
                creation[0], creation[1], deletion[0], deletion[1]);

        assertThat(Math.max(creation[0], creation[1])).as("created: within %s", LIMIT).isLessThanOrEqualTo(LIMIT.toMillis());
        assertThat(Math.max(deletion[0], deletion[1])).as("deleted: within %s", LIMIT).isLessThanOrEqualTo(LIMIT.toMillis());
        assertThat(cname(port, created)).as("what bucketdns answers").isEqualTo(cname(nsdPort, created)).isEqualTo(cname(knotPort, created));
        assertThat(knot.output()).containsPattern("IXFR, incoming.*finished");
    }
}
