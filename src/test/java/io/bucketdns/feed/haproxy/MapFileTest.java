package io.bucketdns.feed.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapFileTest {
    @TempDir
    Path dir;

    @Test
    void writesOneBucketAndZonegroupALineAndReadsItBack() throws IOException {
        Path map = dir.resolve("buckets.map");

        int n = MapFile.write(map, MapEntriesTest.catalog(Map.of("foo", "eu", "bar", "us", "a b", "us")), new MapEntries(null));

        assertThat(n).isEqualTo(2);
        assertThat(Files.readAllLines(map)).contains("foo eu", "bar us").hasSize(3); // and the comment line
        assertThat(MapFile.read(map)).isEqualTo(Map.of("foo", "eu", "bar", "us"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(map); // no temporary file left
        }
    }

    @Test
    void eachWriteReplacesTheWholeFileAndLeavesTheOmittedZonegroupOut() throws IOException {
        Path map = dir.resolve("buckets.map");
        MapFile.write(map, MapEntriesTest.catalog(Map.of("foo", "eu", "gone", "us")), new MapEntries(null));

        int n = MapFile.write(map, MapEntriesTest.catalog(Map.of("foo", "eu", "bar", "us", "baz", "us")), new MapEntries("eu"));

        assertThat(n).isEqualTo(2);
        assertThat(MapFile.read(map)).isEqualTo(Map.of("bar", "us", "baz", "us"));
    }

    @Test
    void aFailedWriteLeavesThePreviousMap() throws IOException {
        Path map = dir.resolve("buckets.map");
        MapFile.write(map, MapEntriesTest.catalog(Map.of("foo", "eu")), new MapEntries(null));
        Files.createDirectory(dir.resolve(".buckets.map.tmp")); // where the next write would go: it cannot

        assertThatThrownBy(() -> MapFile.write(map, MapEntriesTest.catalog(Map.of("bar", "us")), new MapEntries(null)))
                .isInstanceOf(IOException.class);

        assertThat(MapFile.read(map)).isEqualTo(Map.of("foo", "eu"));
    }
}
