package io.bucketdns.source.file;

import io.bucketdns.catalog.CatalogException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * When a version of a file that someone may still be writing is ready to read. {@code cat >
 * buckets.txt} truncates the file first and fills it over time; read in between, it is empty or
 * cut at a line and would replace the whole catalog. So a version (size, modification time, inode)
 * counts only once it has held still for {@link #SETTLE_NANOS}; a file replaced by rename is whole
 * from the start and only waits that moment too.
 *
 * <p>Even a whole file may be empty by mistake (a failed export, {@code : > buckets.txt}). One with
 * no buckets replaces a catalog that has some only when it says so with the line {@value #EMPTY_MARKER}.
 */
final class StableFile {
    /** How long a version must stay unchanged before it is read. */
    static final long SETTLE_NANOS = 500_000_000L;
    /** The line that lets a file with no buckets empty the catalog. */
    static final String EMPTY_MARKER = "# empty";

    private final Path file;
    private Object stable;
    private Object candidate;
    private long candidateSince;

    /** Takes the version on disk now as the settled one: at start there is no catalog to protect. */
    StableFile(Path file) {
        this.file = file;
        this.stable = stamp();
        this.candidate = stable;
    }

    /**
     * The stamp of the latest version that has held still for {@link #SETTLE_NANOS} by {@code
     * nowNanos}: while the file keeps changing, the previous settled one.
     */
    Object settled(long nowNanos) {
        Object now = stamp();
        if (!Objects.equals(now, candidate)) {
            candidate = now;
            candidateSince = nowNanos;
        } else if (nowNanos - candidateSince >= SETTLE_NANOS) {
            stable = candidate;
        }
        return stable;
    }

    /**
     * Refuses a version with no buckets in place of a catalog that has some, unless the file holds
     * the {@value #EMPTY_MARKER} line.
     */
    static void checkNotEmptied(Path file, int buckets, int currentBuckets) {
        if (buckets > 0 || currentBuckets == 0 || hasEmptyMarker(file)) {
            return;
        }
        throw new CatalogException(file + ": no buckets, which would empty the catalog of " + currentBuckets
                + "; fix: if the catalog is meant to be empty, add the line '" + EMPTY_MARKER + "'");
    }

    private static boolean hasEmptyMarker(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return in.lines().anyMatch(line -> line.strip().equals(EMPTY_MARKER));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** What identifies one version of the file: size, mtime and inode, or the failure to stat it. */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "missing";
        }
    }
}
