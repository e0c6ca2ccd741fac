package io.bucketdns.file;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.Zonegroup;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A catalog on disk, so that a restarted bucketdns answers at once, even while RGW is unreachable.
 *
 * <p>The format is gzip'd UTF-8 text, readable with {@code zcat}: a header, the zonegroups with
 * their hosts, then one {@code bucket index} line per bucket (a few bytes a bucket once
 * compressed), and a closing count that proves the file complete:
 *
 * <pre>
 * bucketdns-catalog 1
 * written 2026-11-26T12:00:00Z
 * serial 1795693261
 * buckets 2
 * zonegroup eu o.example.eu
 * zonegroup us o.example.us
 * default eu
 * foo 0
 * bar 1
 * end 2
 * </pre>
 *
 * <p>{@link #write} replaces the file atomically (a synced temporary file renamed over it), so a
 * reader, or a crash, never sees half a snapshot.
 */
public final class CatalogSnapshot {
    private static final String MAGIC = "bucketdns-catalog 1";

    /** A snapshot read back: the catalog and when it was written. */
    public record Loaded(Catalog catalog, Instant writtenAt) {}

    private CatalogSnapshot() {}

    /**
     * Writes {@code catalog} to {@code file}, replacing it atomically.
     *
     * @throws IOException when it cannot be written; the previous file, if any, is left as it was
     */
    public static void write(Path file, Catalog catalog) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                GZIPOutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(ch), 1 << 16);
                Writer out = new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8), 1 << 16);
                writeText(out, catalog);
                out.flush();
                gzip.finish();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeText(Writer out, Catalog catalog) throws IOException {
        out.write(MAGIC + "\nwritten " + Instant.now() + "\nserial " + catalog.serial() + "\nbuckets " + catalog.size() + "\n");
        Map<String, Integer> index = new HashMap<>();
        for (Zonegroup z : catalog.zonegroups().values()) {
            index.put(z.name(), index.size());
            out.write("zonegroup " + z.name() + " " + z.hostname() + "\n");
        }
        if (catalog.defaultZonegroup() != null) {
            out.write("default " + catalog.defaultZonegroup().name() + "\n");
        }
        long[] count = {0};
        try {
            catalog.forEachBucket((bucket, z) -> {
                try {
                    out.write(bucket);
                    out.write(' ');
                    out.write(Integer.toString(index.get(z.name())));
                    out.write('\n');
                    count[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.write("end " + count[0] + "\n");
    }

    /**
     * Reads a snapshot.
     *
     * @throws IOException when the file cannot be read
     * @throws CatalogException when it is not a complete snapshot, naming the file and the line
     */
    public static Loaded read(Path file) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            int n = 1;
            if (!MAGIC.equals(in.readLine())) {
                throw bad(file, n, "not a bucketdns catalog snapshot");
            }
            Instant written = Instant.parse(field(file, ++n, in.readLine(), "written"));
            long serial = Long.parseLong(field(file, ++n, in.readLine(), "serial"));
            // only a size hint: bounded so that a damaged header cannot ask for gigabytes
            int expected = Math.clamp(Long.parseLong(field(file, ++n, in.readLine(), "buckets")), 0, 1 << 26);
            Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            Zonegroup fallback = null;
            String line;
            Catalog.Builder builder = null;
            long count = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.startsWith("zonegroup ") && builder == null) {
                    String[] f = line.split(" ");
                    zonegroups.put(f[1], new Zonegroup(f[1], f[2]));
                    names.add(f[1]);
                } else if (line.startsWith("default ") && builder == null) {
                    fallback = zonegroups.get(line.substring("default ".length()));
                } else if (line.startsWith("end ")) {
                    if (Long.parseLong(line.substring(4)) != count) {
                        throw bad(file, n, "says " + line.substring(4) + " buckets, has " + count);
                    }
                    Catalog.Builder b = builder != null ? builder : Catalog.builder(zonegroups, fallback, expected);
                    return new Loaded(b.build(serial), written);
                } else {
                    if (builder == null) {
                        builder = Catalog.builder(zonegroups, fallback, expected);
                    }
                    int space = line.indexOf(' ');
                    builder.put(line.substring(0, space), names.get(Integer.parseInt(line.substring(space + 1))));
                    count++;
                }
            }
            throw bad(file, n, "ends early (no 'end' line): written only in part");
        } catch (RuntimeException e) {
            if (e instanceof CatalogException c) {
                throw c;
            }
            throw new CatalogException(file + ": not a valid catalog snapshot (" + e + ")", e);
        }
    }

    private static String field(Path file, int line, String text, String name) {
        if (text == null || !text.startsWith(name + " ")) {
            throw bad(file, line, "expected '" + name + " ...'");
        }
        return text.substring(name.length() + 1);
    }

    private static CatalogException bad(Path file, int line, String problem) {
        return new CatalogException(file + ":" + line + ": " + problem);
    }
}
