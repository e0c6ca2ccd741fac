package io.bucketdns.feed.haproxy;

import static io.bucketdns.feed.haproxy.MapEntriesTest.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyFeedTest {
    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final AtomicBoolean loaded = new AtomicBoolean();
    private Path mapFile;
    private FakeHaproxy haproxy;
    private HaproxyFeed feed;

    @BeforeEach
    void startHaproxy() throws IOException {
        mapFile = dir.resolve("buckets.map");
        haproxy = FakeHaproxy.start(dir.resolve("admin.sock"), mapFile.toString());
    }

    @AfterEach
    void stop() throws IOException {
        if (feed != null) {
            feed.close();
        }
        haproxy.close();
    }

    private HaproxyFeed feed(boolean runtime) {
        feed = HaproxyFeed.create(new BucketDnsConfig.Haproxy(mapFile, runtime ? haproxy.address() : null, null), loaded::get, time,
                time.schedulers());
        return feed;
    }

    private static CatalogChange change(Catalog before, Catalog after) {
        return new CatalogChange(before, after, Map.of("bar", "us"), false);
    }

    @Test
    void nothingIsWrittenOrPushedBeforeTheCatalogIsLoaded() throws IOException {
        Files.writeString(mapFile, "foo eu\n");
        haproxy.edit(m -> m.put("foo", "eu"));
        feed(true).start(catalog(Map.of()));
        feed.onChange(change(catalog(Map.of()), catalog(Map.of("bar", "us"))));

        time.advance(Duration.ofMinutes(1));

        assertThat(MapFile.read(mapFile)).isEqualTo(Map.of("foo", "eu"));
        assertThat(haproxy.commands()).isEmpty();
        assertThat(feed.status()).isEqualTo(HaproxyFeed.Status.NONE);
    }

    @Test
    void theChangeThatCompletesTheCatalogBringsItWholeToBoth() throws IOException {
        feed(true).start(catalog(Map.of()));
        Catalog half = catalog(Map.of("foo", "eu"));
        feed.onChange(new CatalogChange(Catalog.empty(), half, Map.of(), true));
        loaded.set(true);

        feed.onChange(change(half, catalog(Map.of("foo", "eu", "bar", "us"))));
        time.runDue();

        assertThat(MapFile.read(mapFile)).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(haproxy.map()).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(haproxy.commands()).contains("prepare map " + mapFile).doesNotContain("add map " + mapFile + " bar us");
    }

    @Test
    void startFeedsTheCatalogInForceUnlessAChangeCameFirst() throws IOException {
        loaded.set(true);
        feed(false).onChange(change(catalog(Map.of()), catalog(Map.of("bar", "us"))));
        feed.start(catalog(Map.of("older", "eu")));
        time.runDue();
        assertThat(MapFile.read(mapFile)).isEqualTo(Map.of("bar", "us"));

        feed.close();
        feed(false).start(catalog(Map.of("current", "eu")));
        time.runDue();
        assertThat(MapFile.read(mapFile)).isEqualTo(Map.of("current", "eu"));
    }

    @Test
    void withoutARuntimeSocketTheFileAloneSaysWhetherHaproxyAgrees() {
        loaded.set(true);
        feed(false).start(catalog(Map.of("foo", "eu", "a;b", "us")));
        time.runDue();

        assertThat(feed.status()).isEqualTo(new HaproxyFeed.Status(-1, 0, 0, 0, 0, FakeTime.ORIGIN, true));
        assertThat(time.names()).containsExactly("haproxy-feed-file");
    }

    @Test
    void withARuntimeSocketHaproxySaysWhetherItAgreesAndFailuresOfBothCount() throws IOException {
        Files.createDirectory(dir.resolve(".buckets.map.tmp")); // where the file's next version goes: it cannot
        loaded.set(true);
        feed(true).start(catalog(Map.of("foo", "eu")));
        time.runDue();

        assertThat(feed.status()).isEqualTo(new HaproxyFeed.Status(1, 0, 1, 1, 0, FakeTime.ORIGIN, true));
        assertThat(time.names()).containsExactly("haproxy-feed-file", "haproxy-feed-runtime");
    }

    @Test
    void closingLeavesACurrentFileAndNoThreadBehind() throws IOException {
        loaded.set(true);
        feed(true).start(catalog(Map.of("foo", "eu")));
        time.runDue();
        time.advance(Duration.ofMillis(10));
        feed.onChange(change(catalog(Map.of("foo", "eu")), catalog(Map.of("foo", "eu", "bar", "us"))));

        feed.close();

        assertThat(MapFile.read(mapFile)).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        assertThat(time.pending()).isZero();
    }
}
