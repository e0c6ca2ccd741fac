package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The map file HAProxy loads when it starts or reloads: one {@code bucket zonegroup} a line.
 * Written whole to a temporary file beside it and renamed over it, so HAProxy never reads half a
 * map, and a failed write leaves the previous map in place.
 */
public final class MapFile {
    private MapFile() {}

    /**
     * Writes the map of {@code catalog} to {@code path}.
     *
     * @return the entries written
     * @throws IOException when the directory is not writable or the disk is full; {@code path} is unchanged
     */
    public static int write(Path path, Catalog catalog, MapEntries entries) throws IOException {
        return write(path, "bucket zonegroup, written by bucketdns from its catalog", sink -> entries.forEach(catalog, sink));
    }

    /**
     * Writes whatever {@code fill} gives, one {@code key value} a line under a {@code #} header.
     *
     * @return the entries written
     * @throws IOException when the directory is not writable or the disk is full; {@code path} is unchanged
     */
    static int write(Path path, String header, Consumer<BiConsumer<String, String>> fill) throws IOException {
        Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
        int[] count = {0};
        try {
            // PrintWriter keeps the lambda free of checked exceptions; checkError() says whether any write failed
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII))) {
                out.append("# ").append(header).append("; do not edit\n");
                fill.accept((key, value) -> {
                    out.append(key).append(' ').append(value).append('\n');
                    count[0]++;
                });
                if (out.checkError()) {
                    throw new IOException("cannot write " + tmp + " (disk full?)");
                }
            }
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true); // the rename must not publish a file whose data a crash can still lose
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return count[0];
    }

    /** The entries of a map file as HAProxy reads it: key to value, blank and {@code #} lines skipped. */
    public static Map<String, String> read(Path path) throws IOException {
        Map<String, String> map = new HashMap<>();
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] kv = l.split("\\s+", 2);
            map.putIfAbsent(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return map;
    }
}
