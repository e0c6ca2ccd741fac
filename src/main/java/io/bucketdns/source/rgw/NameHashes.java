package io.bucketdns.source.rgw;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The names a listing returned, as sorted 64-bit hashes: 8 bytes a bucket (80 MB for ten million)
 * where a set of strings would take ten times that, and enough to tell which catalog buckets the
 * listing lacked. A collision (about one in 10^11 pairs at ten million names) can only hide a
 * removal from one reconciliation; the metadata log still carries the removal itself.
 */
final class NameHashes {
    private long[] hashes;
    private int size;
    private boolean sorted;

    /** @param expected how many names are likely (the catalog's size): grows past it */
    NameHashes(int expected) {
        hashes = new long[Math.max(1024, expected + expected / 64)];
    }

    void add(String name) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size + (size >> 1));
        }
        hashes[size++] = hash(name);
        sorted = false;
    }

    boolean contains(String name) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, hash(name)) >= 0;
    }

    int size() {
        return size;
    }

    /** FNV-1a over the UTF-8 bytes, then a MurmurHash3 finaliser so that similar names spread. */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
