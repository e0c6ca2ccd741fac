package io.bucketdns.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.CatalogChange;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.time.ManualScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCatalogSourceTest {
    static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    static final Zonegroup US = new Zonegroup("us", "o.example.us");
    static final Duration POLL = Duration.ofMillis(FileCatalogSource.POLL_MILLIS);
    static final Duration SETTLE = Duration.ofNanos(StableFile.SETTLE_NANOS);

    @TempDir
    Path dir;

    private final LiveCatalog live = new LiveCatalog();
    private final ManualScheduler poller = new ManualScheduler();

    private FileCatalogSource source;
    private final CatalogWriter writer = new CatalogWriter(live);

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        writer.close();
    }

    /** Starts a source of {@code file} holding {@code text}, polling on {@link #poller}. */
    private void start(Path file, String text) throws IOException {
        Files.writeString(file, text);
        source = new FileCatalogSource(file, Map.of("eu", EU, "us", US), EU, poller);
        source.start(writer);
    }

    static Map<String, String> read(String text) throws IOException {
        return BucketFile.read(Path.of("buckets.txt"), new BufferedReader(new StringReader(text)), Set.of("eu", "us"));
    }

    @Test
    void fileFormat() throws IOException {
        assertThat(read("""
                # bucket  zonegroup
                foo eu
                  Bar\tus   # trailing comment

                eu.dotted.bucket eu
                foo eu
                """)).containsOnly(Map.entry("foo", "eu"), Map.entry("bar", "us"), Map.entry("eu.dotted.bucket", "eu"));
    }

    @Test
    void badLinesAreNamed() {
        assertThatThrownBy(() -> read("foo eu\nbar\n")).hasMessage("buckets.txt:2: expected 'bucket zonegroup', found 1 field");
        assertThatThrownBy(() -> read("foo eu extra\n")).hasMessage("buckets.txt:1: expected 'bucket zonegroup', found 3 fields");
        assertThatThrownBy(() -> read("\n\nfoo_bar eu\n")).hasMessageStartingWith("buckets.txt:3: 'foo_bar' is not a DNS-compatible bucket name");
        assertThatThrownBy(() -> read("foo ap\n"))
                .hasMessage("buckets.txt:1: zonegroup 'ap' has no [zonegroup.ap] hostname in the config (known: eu, us)");
        assertThatThrownBy(() -> read("foo eu\nfoo us\n")).hasMessage("buckets.txt:2: bucket 'foo' is already in zonegroup eu on line 1");
    }

    @Test
    void aReloadIsToldAsTheBucketsItChangedNotAsANewCatalog() throws Exception {
        Path file = dir.resolve("buckets.txt");
        start(file, "foo eu\nbar us\nkept eu\n");
        List<CatalogChange> told = new CopyOnWriteArrayList<>();
        writer.addListener(told::add);

        Files.writeString(file, "foo us\nkept eu\nnew eu\n");
        poller.advance(SETTLE.plus(POLL.multipliedBy(2)));

        Map<String, String> expected = new HashMap<>(Map.of("foo", "us", "new", "eu"));
        expected.put("bar", null);
        assertThat(told).singleElement().satisfies(c -> {
            assertThat(c.whole()).isFalse();
            assertThat(c.buckets()).isEqualTo(expected);
        });
    }

    @Test
    void aChangeIsAnsweredOnceItHeldStillAndBadEditsKeepTheLastGoodCatalog() throws Exception {
        Path file = dir.resolve("buckets.txt");
        start(file, "foo eu\n");
        assertThat(live.isLoaded()).isTrue();
        assertThat(live.current().zonegroupOf("foo")).isEqualTo(EU);

        // an atomic replace, as editors and config management do it
        Path tmp = Files.writeString(dir.resolve("buckets.tmp"), "foo us\nnewbucket eu\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        poller.advance(POLL); // seen changed: it must hold still first
        poller.advance(SETTLE.minus(POLL));
        assertThat(live.current().zonegroupOf("newbucket")).as("not yet held still for %s", SETTLE).isNull();
        poller.advance(POLL);
        assertThat(live.current().zonegroupOf("newbucket")).as("a poll after it held still").isEqualTo(EU);
        assertThat(live.current().zonegroupOf("foo")).isEqualTo(US);

        Files.writeString(file, "foo us\nnewbucket eu\nbroken line here\n");
        poller.advance(SETTLE.plus(POLL.multipliedBy(4)));
        assertThat(live.current().size()).isEqualTo(2);
        assertThat(live.current().zonegroupOf("newbucket")).isEqualTo(EU);
        assertThat(live.health().lastError()).contains("buckets.txt:3: expected 'bucket zonegroup', found 3 fields");

        Files.delete(file);
        poller.advance(SETTLE.plus(POLL.multipliedBy(4)));
        assertThat(live.current().size()).isEqualTo(2);

        Files.writeString(file, "bar us\n");
        poller.advance(SETTLE.plus(POLL.multipliedBy(2)));
        assertThat(live.current().zonegroupOf("bar")).isEqualTo(US);
        assertThat(live.current().zonegroupOf("newbucket")).isNull();

        source.close();
        assertThat(poller.pending()).as("closing stops the polls").isZero();
    }

    @Test
    void aFileBeingWrittenIsNotReadUntilItHoldsStill() throws Exception {
        Path file = dir.resolve("buckets.txt");
        start(file, "foo eu\n");
        // cat > buckets.txt: the file grows over a while, a line at a poll
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            text.append("bucket-").append(i).append(" us\n");
            Files.writeString(file, text);
            poller.advance(POLL);
            assertThat(live.current().zonegroupOf("foo")).as("after line %d", i).isEqualTo(EU);
        }
        poller.advance(SETTLE.plus(POLL));

        assertThat(live.current().size()).isEqualTo(10);
        assertThat(live.current().zonegroupOf("foo")).isNull();
    }

    @Test
    void aBadFileAtStartIsFatal() throws IOException {
        Path file = Files.writeString(dir.resolve("buckets.txt"), "foo mars\n");
        try (FileCatalogSource source = new FileCatalogSource(file, Map.of("eu", EU), EU)) {
            assertThatThrownBy(() -> source.start(new CatalogWriter(new LiveCatalog())))
                    .isInstanceOf(CatalogException.class)
                    .hasMessageContaining("buckets.txt:1: zonegroup 'mars'");
        }
    }

}
