package io.bucketdns.source.file;

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
import java.nio.file.attribute.FileTime;
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
 * <p>The format is gzip'd UTF-8 text, readable with {@code zcat}: a header, the source's marks
 * (such as the metadata-log position the catalog is current with), the zonegroups with their
 * hosts and S3 regions (a snapshot of an older version without them reads as the name), then one {@code bucket index} line per bucket (a few bytes a bucket once compressed), and
 * a closing count that proves the file complete. Lines that are not buckets start with {@code #}
 * once the buckets begin, a character no bucket name has:
 *
 * <pre>
 * bucketdns-catalog 2
 * written 2026-11-26T12:00:00Z
 * serial 1795693261
 * buckets 2
 * mark rgw.mdlog PERIOD ZONE MARKER...
 * zonegroup eu o.example.eu eu
 * zonegroup us o.example.us us
 * default eu
 * #buckets
 * foo 0
 * bar 1
 * #end 2
 * </pre>
 *
 * <p>The file's modification time says until when its contents were known to be current: a
 * source touches it when it confirmed that nothing changed, rather than writing it again.
 *
 * <p>{@link #write} replaces the file atomically (a synced temporary file renamed over it), so a
 * reader, or a crash, never sees half a snapshot.
 */
public final class CatalogSnapshot {
    private static final String MAGIC = "bucketdns-catalog 2";

    /**
     * A snapshot read back.
     *
     * @param catalog the buckets and zonegroups
     * @param marks what the source kept with them
     * @param currentAsOf until when the contents were known current: when written, or last touched
     */
    public record Loaded(Catalog catalog, Map<String, String> marks, Instant currentAsOf) {
        public Loaded {
            marks = Map.copyOf(marks);
        }
    }

    private CatalogSnapshot() {}

    /**
     * Writes {@code catalog} to {@code file}, replacing it atomically.
     *
     * @throws IOException when it cannot be written; the previous file, if any, is left as it was
     */
    public static void write(Path file, Catalog catalog, Map<String, String> marks) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                GZIPOutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(ch), 1 << 16);
                Writer out = new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8), 1 << 16);
                writeText(out, catalog, marks);
                out.flush();
                gzip.finish();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeText(Writer out, Catalog catalog, Map<String, String> marks) throws IOException {
        out.write(MAGIC + "\nwritten " + Instant.now() + "\nserial " + catalog.serial() + "\nbuckets " + catalog.size() + "\n");
        for (Map.Entry<String, String> m : new java.util.TreeMap<>(marks).entrySet()) {
            if (m.getKey().contains(" ") || m.getValue().contains("\n")) {
                throw new IllegalArgumentException("mark " + m.getKey() + " cannot be stored");
            }
            out.write("mark " + m.getKey() + " " + m.getValue() + "\n");
        }
        Map<String, Integer> index = new HashMap<>();
        for (Zonegroup z : catalog.zonegroups().values()) {
            index.put(z.name(), index.size());
            out.write("zonegroup " + z.name() + " " + z.hostname() + " " + z.apiName() + "\n");
        }
        if (catalog.defaultZonegroup() != null) {
            out.write("default " + catalog.defaultZonegroup().name() + "\n");
        }
        out.write("#buckets\n");
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
        out.write("#end " + count[0] + "\n");
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
            String magic = in.readLine();
            if (!MAGIC.equals(magic)) {
                throw bad(file, n, magic != null && magic.startsWith("bucketdns-catalog ")
                        ? "written by another version of bucketdns (" + magic + ")" : "not a bucketdns catalog snapshot");
            }
            Instant written = Instant.parse(field(file, ++n, in.readLine(), "written"));
            long serial = Long.parseLong(field(file, ++n, in.readLine(), "serial"));
            // only a size hint: bounded so that a damaged header cannot ask for gigabytes
            int expected = Math.clamp(Long.parseLong(field(file, ++n, in.readLine(), "buckets")), 0, 1 << 26);
            Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            Map<String, String> marks = new HashMap<>();
            Zonegroup fallback = null;
            String line;
            Catalog.Builder builder = null;
            long count = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (builder == null) {
                    if (line.startsWith("mark ")) {
                        String[] f = line.split(" ", 3);
                        marks.put(f[1], f.length > 2 ? f[2] : "");
                    } else if (line.startsWith("zonegroup ")) {
                        String[] f = line.split(" ");
                        // a snapshot of before the S3 region was kept has none: the name, as RGW's own default
                        zonegroups.put(f[1], new Zonegroup(f[1], f[2], f.length > 3 ? f[3] : ""));
                        names.add(f[1]);
                    } else if (line.startsWith("default ")) {
                        fallback = zonegroups.get(line.substring("default ".length()));
                    } else if (line.equals("#buckets")) {
                        builder = Catalog.builder(zonegroups, fallback, expected);
                    } else {
                        throw bad(file, n, "unexpected line before the buckets");
                    }
                } else if (line.startsWith("#end ")) {
                    if (Long.parseLong(line.substring(5)) != count) {
                        throw bad(file, n, "says " + line.substring(5) + " buckets, has " + count);
                    }
                    FileTime touched = Files.getLastModifiedTime(file);
                    Instant asOf = touched.toInstant().isAfter(written) ? touched.toInstant() : written;
                    return new Loaded(builder.build(serial), marks, asOf);
                } else {
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
