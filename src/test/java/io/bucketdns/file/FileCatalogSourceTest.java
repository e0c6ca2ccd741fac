package io.bucketdns.file;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCatalogSourceTest {
    static final Zonegroup EU = new Zonegroup("eu", "o.example.eu");
    static final Zonegroup US = new Zonegroup("us", "o.example.us");

    @TempDir
    Path dir;

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
    void changesAreAnsweredWithinTwoSecondsAndBadEditsKeepTheLastGoodCatalog() throws Exception {
        Path file = Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        LiveCatalog live = new LiveCatalog();
        try (FileCatalogSource source = new FileCatalogSource(file, Map.of("eu", EU, "us", US), EU)) {
            source.start(new CatalogWriter(live));
            assertThat(live.isLoaded()).isTrue();
            assertThat(live.current().zonegroupOf("foo")).isEqualTo(EU);

            // an atomic replace, as editors and config management do it
            Path tmp = Files.writeString(dir.resolve("buckets.tmp"), "foo us\nnewbucket eu\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            assertThat(within(2000, () -> live.current().zonegroupOf("newbucket") != null)).isTrue();
            assertThat(live.current().zonegroupOf("foo")).isEqualTo(US);

            Files.writeString(file, "foo us\nnewbucket eu\nbroken line here\n");
            Thread.sleep(4 * FileCatalogSource.POLL_MILLIS);
            assertThat(live.current().size()).isEqualTo(2);
            assertThat(live.current().zonegroupOf("newbucket")).isEqualTo(EU);

            Files.delete(file);
            Thread.sleep(4 * FileCatalogSource.POLL_MILLIS);
            assertThat(live.current().size()).isEqualTo(2);

            Files.writeString(file, "bar us\n");
            assertThat(within(2000, () -> live.current().zonegroupOf("bar") != null)).isTrue();
            assertThat(live.current().zonegroupOf("newbucket")).isNull();
        }
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

    static boolean within(long millis, BooleanSupplier condition) {
        return Eventually.within(java.time.Duration.ofMillis(millis), condition::getAsBoolean);
    }
}
