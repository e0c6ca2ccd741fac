package io.bucketdns.source.file;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.answer.BucketName;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bucket file format: one {@code bucket zonegroup} pair a line, separated by white space;
 * blank lines and {@code #} comments are ignored. A file with one bad line is refused whole, so a
 * half-written file never replaces a good catalog.
 */
public final class BucketFile {
    private BucketFile() {}

    /**
     * Reads the pairs of a bucket file.
     *
     * @param file the file's name, for messages
     * @param in its text
     * @param zonegroups the zonegroup names that may appear
     * @return lowercase bucket name to zonegroup name
     * @throws CatalogException naming the file, the line and what is wrong with it
     */
    public static Map<String, String> read(Path file, BufferedReader in, Set<String> zonegroups) throws IOException {
        Map<String, String> buckets = new HashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            if (fields.length != 2) {
                throw bad(file, n, "expected 'bucket zonegroup', found " + fields.length + " field" + (fields.length == 1 ? "" : "s"));
            }
            String bucket = fields[0].toLowerCase(Locale.ROOT);
            String zonegroup = fields[1];
            if (!BucketName.isValid(bucket)) {
                throw bad(file, n, "'" + fields[0] + "' is not a DNS-compatible bucket name (3-63 of a-z 0-9 . -)");
            }
            if (!zonegroups.contains(zonegroup)) {
                throw bad(file, n, "zonegroup '" + zonegroup + "' has no [zonegroup." + zonegroup + "] hostname in the config"
                        + (zonegroups.isEmpty() ? "" : " (known: " + String.join(", ", zonegroups.stream().sorted().toList()) + ")"));
            }
            String before = buckets.putIfAbsent(bucket, zonegroup);
            if (before != null && !before.equals(zonegroup)) {
                throw bad(file, n, "bucket '" + bucket + "' is already in zonegroup " + before + " on line " + firstLine.get(bucket));
            }
            firstLine.putIfAbsent(bucket, n);
        }
        return buckets;
    }

    private static CatalogException bad(Path file, int line, String problem) {
        return new CatalogException(file + ":" + line + ": " + problem);
    }
}
