package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.feed.haproxy.HaproxyCheck;
import io.bucketdns.feed.haproxy.HaproxyFeed;
import io.bucketdns.frontend.ops.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The map protocol against the real HAProxy from Debian: what bucketdns's feed leaves in the
 * running HAProxy's map (read with HAProxy's own {@code show map}) and in the map file, as the
 * catalog changes, after a whole replacement, a restart, drift, a socket that went away or is not
 * HAProxy, a map path that cannot be written, and bucket names a map cannot hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HaproxyMapE2ETest {
    private static final Duration LIMIT = Duration.ofSeconds(8);
    private static final Map<String, Zonegroup> ZONEGROUPS = Map.of("eu", new Zonegroup("eu", "o.example.eu"),
            "us", new Zonegroup("us", "o.example.us"));

    private Path dir;
    private Path mapFile;
    private Haproxy haproxy;
    private CatalogWriter writer;
    private HaproxyFeed feed;

    @BeforeAll
    void startHaproxy() throws IOException {
        dir = Files.createTempDirectory("haproxy-map-e2e");
        mapFile = dir.resolve("maps/buckets.map");
        Files.createDirectories(mapFile.getParent());
        Files.writeString(mapFile, "");
        Files.writeString(mapFile.resolveSibling("regions.map"), "");
        haproxy = Haproxy.start(dir.resolve("haproxy"), List.of(
                "global",
                "  stats socket " + Haproxy.socketIn(dir.resolve("haproxy")) + " level admin",
                "defaults",
                "  mode http",
                "  timeout connect 2s",
                "  timeout client 10s",
                "  timeout server 10s",
                "frontend s3",
                "  bind 127.0.0.1:" + Ports.free(),
                "  http-request set-var(txn.bucket) path,field(2,/)",
                "  http-request set-var(txn.zonegroup) req.hdr(x-region),map(" + mapFile.resolveSibling("regions.map") + ")",
                "  use_backend rgw_%[var(txn.bucket),map(" + mapFile + ",eu)]",
                "backend rgw_eu",
                "backend rgw_us"));
    }

    @AfterEach
    void stopFeed() {
        if (feed != null) {
            feed.close();
        }
        if (writer != null) {
            writer.close();
        }
    }

    @AfterAll
    void stopHaproxy() {
        if (haproxy != null) {
            haproxy.close();
        }
        Scratch.delete(dir);
    }

    private void feed(SocketAddress socket, String omit, Map<String, String> buckets) {
        writer = new CatalogWriter(new LiveCatalog());
        LiveCatalog live = writer.live();
        feed = HaproxyFeed.create(new BucketDnsConfig.Haproxy(mapFile, socket, omit), live::isLoaded);
        writer.addListener(feed);
        feed.start(writer.live().current());
        writer.replace(catalog(buckets), Map.of()).join();
    }

    private void feed(Map<String, String> buckets) {
        feed(UnixDomainSocketAddress.of(haproxy.socket()), null, buckets);
    }

    private static Catalog catalog(Map<String, String> buckets) {
        return Catalog.of(ZONEGROUPS, ZONEGROUPS.get("eu"), buckets, 0);
    }

    private static Map<String, String> buckets(int n, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(prefix + i, i % 2 == 0 ? "eu" : "us");
        }
        return m;
    }

    private void awaitRuntimeMap(Map<String, String> expected) {
        boolean ok = E2EWait.within(LIMIT, () -> haproxy.map(mapFile).equals(expected));
        assertThat(ok).as("HAProxy's map within %s; it holds %s", LIMIT, describe(() -> haproxy.map(mapFile))).isTrue();
    }

    private void awaitFile(Map<String, String> expected) {
        boolean ok = E2EWait.within(LIMIT, () -> fileMap().equals(expected));
        assertThat(ok).as("the map file within %s; it holds %s", LIMIT, describe(this::fileMap)).isTrue();
    }

    private Map<String, String> fileMap() throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(mapFile)) {
            String[] f = line.split(" ");
            if (f.length == 2 && !line.startsWith("#")) {
                m.put(f[0], f[1]);
            }
        }
        return m;
    }

    private interface Io<T> {
        T get() throws IOException;
    }

    private static String describe(Io<Map<String, String>> what) {
        try {
            Map<String, String> m = what.get();
            return m.size() > 10 ? m.size() + " entries" : m.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void addsChangesAndDeletesArePushedEntryByEntry() {
        feed(Map.of("foo", "eu", "bar", "us"));
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        long replacements = feed.status().replacements();

        Map<String, String> change = new HashMap<>();
        change.put("baz", "us");
        change.put("bar", "eu");
        change.put("foo", null);
        writer.change(change, Map.of()).join();

        awaitRuntimeMap(Map.of("baz", "us", "bar", "eu"));
        awaitFile(Map.of("baz", "us", "bar", "eu"));
        assertThat(feed.status().changesPushed()).isGreaterThanOrEqualTo(3);
        assertThat(feed.status().replacements()).as("entry by entry, no whole replacement").isEqualTo(replacements);
        assertThat(E2EWait.within(LIMIT, () -> feed.status().agrees() && feed.status().entries() == 2)).isTrue();
    }

    @Test
    void metricsCountEntriesPushesAndAgreement() {
        feed(Map.of("foo", "eu", "bar", "us"));
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        writer.change(Map.of("baz", "us"), Map.of()).join();
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us", "baz", "us"));
        Metrics metrics = new Metrics("test", writer::live);
        metrics.haproxy(feed::status);

        assertThat(E2EWait.within(LIMIT, () -> new String(metrics.scrape(), StandardCharsets.UTF_8).contains("bucketdns_haproxy_map_entries 3.0")))
                .as("%s", new String(metrics.scrape(), StandardCharsets.UTF_8)).isTrue();
        String text = new String(metrics.scrape(), StandardCharsets.UTF_8);
        assertThat(text).contains("bucketdns_haproxy_pushes_total{kind=\"entry\"} 1.0", "bucketdns_haproxy_pushes_total{kind=\"whole\"} 1.0",
                "bucketdns_haproxy_failures_total 0.0", "bucketdns_haproxy_unmappable_buckets 0.0", "bucketdns_haproxy_disagreement_seconds 0.0");
    }

    @Test
    void manyMovesAtOnceReplaceTheMapWholeRatherThanOneByOne() {
        feed(buckets(200, "b-"));
        awaitRuntimeMap(buckets(200, "b-"));
        long replacements = feed.status().replacements();
        Map<String, String> moves = new HashMap<>();
        buckets(200, "b-").forEach((bucket, zonegroup) -> moves.put(bucket, zonegroup.equals("eu") ? "us" : "eu"));

        writer.change(moves, Map.of()).join();

        awaitRuntimeMap(moves);
        assertThat(feed.status().replacements()).isEqualTo(replacements + 1);
    }

    @Test
    void aWholeCatalogReplacesTheMapInOneVersionedCommit() throws IOException {
        feed(buckets(5000, "first-")); // several payload chunks
        awaitRuntimeMap(buckets(5000, "first-"));
        String before = haproxy.cli("show map");

        writer.replace(catalog(buckets(3000, "second-")), Map.of()).join();

        awaitRuntimeMap(buckets(3000, "second-"));
        awaitFile(buckets(3000, "second-"));
        String after = haproxy.cli("show map");
        assertThat(version(after)).as("%s then %s", before, after).isGreaterThan(version(before));
    }

    /** The bucket map's version in {@code show map}, which lists the region map too. */
    private int version(String showMap) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(" + java.util.regex.Pattern.quote(mapFile.toString())
                + "\\).*curr_ver=(\\d+)").matcher(showMap);
        assertThat(m.find()).as(showMap).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aRestartedHaproxyIsSeenAndItsMapReplacedEvenFromAStaleFile() throws IOException {
        feed(Map.of("foo", "eu", "bar", "us"));
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        awaitFile(Map.of("foo", "eu", "bar", "us"));
        long replacements = feed.status().replacements();
        long pid = haproxy.pid();

        haproxy.stop();
        Files.writeString(mapFile, "foo us\nstale eu\n"); // someone else's file: the new process loads it
        haproxy.restart();
        assertThat(haproxy.pid()).isNotEqualTo(pid);

        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        assertThat(feed.status().replacements()).isGreaterThan(replacements);
    }

    @Test
    void entriesRemovedBehindItsBackAreRestored() throws IOException {
        feed(Map.of("foo", "eu", "bar", "us"));
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));

        assertThat(haproxy.cli("del map " + mapFile + " foo")).isBlank();

        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
    }

    @Test
    void whileTheSocketIsGoneTheFileFollowsAndHaproxyIsResyncedWhenBack() throws IOException {
        feed(Map.of("foo", "eu"));
        awaitRuntimeMap(Map.of("foo", "eu"));
        long failures = feed.status().failures();

        haproxy.stop();
        writer.change(Map.of("gone-time", "us"), Map.of()).join();

        awaitFile(Map.of("foo", "eu", "gone-time", "us"));
        assertThat(E2EWait.within(LIMIT, () -> feed.status().failures() > failures)).isTrue();
        assertThat(feed.status().agrees()).isFalse();
        writer.change(Map.of("while-down", "eu"), Map.of()).join();
        haproxy.restart();
        awaitRuntimeMap(Map.of("foo", "eu", "gone-time", "us", "while-down", "eu"));
        assertThat(E2EWait.within(LIMIT, () -> feed.status().agrees())).isTrue();
    }

    @Test
    void anUnwritableMapPathIsCountedAndTheRuntimeMapStillFollows() throws IOException {
        feed(Map.of("foo", "eu"));
        awaitFile(Map.of("foo", "eu"));
        long failures = feed.status().failures();
        Path parked = dir.resolve("parked");
        Files.move(mapFile.getParent(), parked); // the map's directory is gone

        writer.change(Map.of("bar", "us"), Map.of()).join();

        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        assertThat(E2EWait.within(LIMIT, () -> feed.status().failures() > failures)).isTrue();
        Files.move(parked, mapFile.getParent());
        awaitFile(Map.of("foo", "eu", "bar", "us"));
    }

    @Test
    void bucketsAMapCannotHoldAreLeftOutAndCounted() {
        feed(Map.of("foo", "eu", "a;b", "us", "#x", "us", "bar", "us"));

        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        awaitFile(Map.of("foo", "eu", "bar", "us"));
        assertThat(feed.status().unmappable()).isEqualTo(2);
    }

    @Test
    void theOmittedZonegroupStaysOutOfTheMap() {
        feed(UnixDomainSocketAddress.of(haproxy.socket()), "eu", Map.of("foo", "eu", "bar", "us"));

        awaitRuntimeMap(Map.of("bar", "us"));
        writer.change(Map.of("baz", "eu", "qux", "us"), Map.of()).join();
        awaitRuntimeMap(Map.of("bar", "us", "qux", "us"));
    }

    @Test
    void aSocketThatIsNotHaproxyIsAFailureNeverAHang() throws Exception {
        try (ServerSocket notHaproxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread web = Thread.ofVirtual().start(() -> {
                while (!notHaproxy.isClosed()) {
                    try (Socket s = notHaproxy.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed: the test is over
                    }
                }
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), notHaproxy.getLocalPort());
            feed(address, null, Map.of("foo", "eu"));

            awaitFile(Map.of("foo", "eu"));
            assertThat(E2EWait.within(LIMIT, () -> feed.status().failures() > 0)).isTrue();
            assertThat(feed.status().agrees()).isFalse();
            List<String> check = HaproxyCheck.run(new BucketDnsConfig.Haproxy(mapFile, address, null), catalog(Map.of("foo", "eu")));
            assertThat(check).anyMatch(l -> l.startsWith("ok   haproxy map file " + mapFile + ": 1 entries, agrees"));
            assertThat(check).anyMatch(l -> l.startsWith("FAIL haproxy runtime 127.0.0.1:" + notHaproxy.getLocalPort())
                    && l.contains("is not HAProxy's runtime API"));
            notHaproxy.close();
            web.join(2000);
        }
    }

    @Test
    void checkComparesTheFileAndTheRunningMapWithTheCatalog() throws IOException {
        feed(Map.of("foo", "eu", "bar", "us"));
        awaitRuntimeMap(Map.of("foo", "eu", "bar", "us"));
        awaitFile(Map.of("foo", "eu", "bar", "us"));
        assertThat(E2EWait.within(LIMIT, () -> haproxy.map(mapFile.resolveSibling("regions.map")).equals(Map.of("eu", "eu", "us", "us"))))
                .as("the region map pushed").isTrue();
        BucketDnsConfig.Haproxy settings = new BucketDnsConfig.Haproxy(mapFile, UnixDomainSocketAddress.of(haproxy.socket()), null);

        List<String> agree = HaproxyCheck.run(settings, catalog(Map.of("foo", "eu", "bar", "us")));
        List<String> differ = HaproxyCheck.run(settings, catalog(Map.of("foo", "us", "bar", "us", "new", "eu")));

        String regions = " " + mapFile.resolveSibling("regions.map") + ": 2 entries, agrees with the catalog";
        assertThat(agree).hasSize(5).allMatch(l -> l.startsWith("ok   "))
                .filteredOn(l -> l.contains("map " + mapFile + ": ") || l.contains("file " + mapFile + ": ")).hasSize(2)
                .allMatch(l -> l.endsWith("2 entries, agrees with the catalog"));
        assertThat(agree).filteredOn(l -> l.endsWith(regions)).hasSize(2);
        assertThat(agree).contains("ok   haproxy regions: every zonegroup's api_name is its own {eu=eu, us=us}");
        assertThat(differ).filteredOn(l -> l.startsWith("FAIL ")).hasSize(2).allMatch(l -> l.contains(mapFile + ": ")
                && l.contains("2 of 3 entries differ from the catalog, e.g. foo eu instead of us, new (absent) instead of eu"));
    }
}
