package io.bucketdns.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.CatalogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a file being written counts as a new version, on a clock the test turns. */
class StableFileTest {
    private static final long SETTLE = StableFile.SETTLE_NANOS;
    @TempDir
    Path dir;

    @Test
    void aVersionCountsOnlyOnceItHasHeldStill() throws IOException {
        Path file = Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        StableFile stable = new StableFile(file);
        Object first = stable.settled(0);

        Files.writeString(file, "");                                           // cat > buckets.txt: truncated first
        assertThat(stable.settled(1)).isEqualTo(first);
        Files.writeString(file, "bar eu\n", StandardOpenOption.APPEND);        // then filled, a little at a time
        assertThat(stable.settled(SETTLE - 1)).isEqualTo(first);
        Files.writeString(file, "baz us\n", StandardOpenOption.APPEND);
        assertThat(stable.settled(SETTLE + 2)).isEqualTo(first);               // still moving: the old version holds
        Object whole = stable.settled(2 * SETTLE + 2);                         // unchanged for the whole interval
        assertThat(whole).isNotEqualTo(first);
        assertThat(stable.settled(3 * SETTLE)).isEqualTo(whole);
    }

    @Test
    void noBucketsEmptyTheCatalogOnlyWithTheMarker() throws IOException {
        Path file = Files.writeString(dir.resolve("buckets.txt"), "# nothing here yet\n");
        assertThatThrownBy(() -> StableFile.checkNotEmptied(file, 0, 200_000))
                .isInstanceOf(CatalogException.class)
                .hasMessage(file + ": no buckets, which would empty the catalog of 200000; "
                        + "fix: if the catalog is meant to be empty, add the line '# empty'");
        StableFile.checkNotEmptied(file, 0, 0);     // nothing to lose
        StableFile.checkNotEmptied(file, 1, 200_000);
        Files.writeString(file, "# empty\n");
        StableFile.checkNotEmptied(file, 0, 200_000);
    }
}
