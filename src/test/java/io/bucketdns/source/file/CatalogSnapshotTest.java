package io.bucketdns.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.Zonegroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogSnapshotTest {
    private static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    private static final Zonegroup US = new Zonegroup("us", "o.example.us");

    @TempDir
    Path dir;

    @Test
    void readsBackWhatWasWritten() throws IOException {
        // buckets named like the file's own keywords must come back as buckets
        Catalog c = catalog(Map.of("foo", "eu", "a.dotted.bucket", "us", "bar", "us", "end", "eu", "default", "us", "mark", "eu"))
                .withChanges(Map.of("new", "eu"));
        Path file = dir.resolve("catalog.gz");

        CatalogSnapshot.write(file, c, Map.of("rgw.mdlog", "period-1 zone-1 - 1_0001.1", "other", "x"));
        CatalogSnapshot.Loaded back = CatalogSnapshot.read(file);

        assertThat(buckets(back.catalog())).isEqualTo(buckets(c));
        assertThat(back.catalog().zonegroups()).isEqualTo(c.zonegroups());
        assertThat(back.catalog().defaultZonegroup()).isEqualTo(US);
        assertThat(back.catalog().serial()).isGreaterThan(c.serial());
        assertThat(back.currentAsOf()).isBetween(c.updatedAt().minusSeconds(5), c.updatedAt().plusSeconds(5));
        assertThat(back.marks()).containsEntry("rgw.mdlog", "period-1 zone-1 - 1_0001.1").containsEntry("other", "x");
        assertThat(Files.size(file)).as("compressed").isLessThan(300);
    }

    @Test
    void aReaderNeverSeesHalfASnapshot() throws Exception {
        Map<String, String> small = Map.of("foo", "eu");
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            big.put("bucket-" + i, i % 2 == 0 ? "eu" : "us");
        }
        Catalog a = catalog(small);
        Catalog b = catalog(big);
        Path file = dir.resolve("catalog.gz");
        CatalogSnapshot.write(file, a, Map.of());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 10_000 && !Thread.currentThread().isInterrupted(); i++) {
                try {
                    int size = CatalogSnapshot.read(file).catalog().size();
                    assertThat(size).isIn(1, 50_000);
                    reads.incrementAndGet();
                } catch (Throwable t) {
                    failure.set(t);
                    return;
                }
            }
        });

        for (int i = 0; i < 10; i++) {
            CatalogSnapshot.write(file, i % 2 == 0 ? b : a, Map.of());
        }
        reader.interrupt();
        reader.join();

        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("catalog.gz");
    }

    @Test
    void aFailedWriteLeavesThePreviousSnapshotAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("catalog.gz");
        Files.createDirectories(file.resolve("in-the-way"));

        assertThatThrownBy(() -> CatalogSnapshot.write(file, catalog(Map.of("foo", "eu")), Map.of())).isInstanceOf(IOException.class);

        assertThat(Files.isDirectory(file)).isTrue();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("catalog.gz");
    }

    @Test
    void aSnapshotCutShortIsRefusedWithItsLine() throws IOException {
        Path file = gzip("cut.gz", String.join("\n", List.of("bucketdns-catalog 2", "written 2026-11-26T12:00:00Z", "serial 5",
                "buckets 2", "zonegroup eu o.example.eu", "default eu", "#buckets", "foo 0", "")));

        assertThatThrownBy(() -> CatalogSnapshot.read(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("cut.gz:8").hasMessageContaining("written only in part");
    }

    @Test
    void touchingASnapshotMakesItCurrentUntilThen() throws IOException {
        Path file = dir.resolve("catalog.gz");
        CatalogSnapshot.write(file, catalog(Map.of("foo", "eu")), Map.of());
        java.time.Instant later = java.time.Instant.now().plusSeconds(600);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(later));

        assertThat(CatalogSnapshot.read(file).currentAsOf()).isBetween(later.minusMillis(1), later.plusMillis(1));
    }

    @Test
    void aSnapshotOfAnotherVersionIsRefusedSayingSo() throws IOException {
        Path file = gzip("old.gz", "bucketdns-catalog 1\nwritten 2026-11-26T12:00:00Z\n");

        assertThatThrownBy(() -> CatalogSnapshot.read(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("old.gz:1: written by another version of bucketdns");
    }

    @Test
    void aFileThatIsNotASnapshotIsRefused() throws IOException {
        Path file = gzip("other.gz", "hello\n");

        assertThatThrownBy(() -> CatalogSnapshot.read(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("other.gz:1: not a bucketdns catalog snapshot");
    }

    /** A file in the snapshot's compression whose content no writer of ours would produce. */
    private Path gzip(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes());
        }
        return file;
    }

    private static Catalog catalog(Map<String, String> buckets) {
        Map<String, Zonegroup> zgs = new LinkedHashMap<>();
        zgs.put("eu", EU);
        zgs.put("us", US);
        return Catalog.of(zgs, US, buckets, 0);
    }

    private static Map<String, String> buckets(Catalog c) {
        Map<String, String> out = new HashMap<>();
        c.forEachBucket((b, z) -> out.put(b, z.name()));
        return out;
    }
}
