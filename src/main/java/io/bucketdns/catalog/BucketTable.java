package io.bucketdns.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable map from ASCII bucket name to a small zonegroup index, laid out for tens of millions
 * of buckets: about 8 bytes of slot per 0.75 bucket plus the name's bytes, against some 100 bytes a
 * bucket for a {@code HashMap<String, ?>} (two objects and an array per entry).
 *
 * <p>Open addressing with linear probing over one {@code long[]}; each slot packs an 8-bit hash tag
 * (most mismatches are rejected without touching the name), the zonegroup index, the name's length
 * and its offset in a list of byte pages. Names are never split across pages. A page stays below
 * half of G1's smallest region (1 MiB), so it is an ordinary allocation: a "humongous" page would
 * take a whole region and waste up to half of it.
 */
final class BucketTable {
    static final int MAX_ZONEGROUPS = 256;
    static final int MAX_NAME = 255;
    private static final int PAGE_BITS = 18;
    /** Leaves room for the array header within 256 KiB. */
    private static final int PAGE_SIZE = (1 << PAGE_BITS) - 64;
    private static final long OFFSET_MASK = (1L << 40) - 1;
    private static final BucketTable EMPTY = new Builder(0).build();

    private final long[] slots;
    private final byte[][] pages;
    private final int size;

    private BucketTable(long[] slots, byte[][] pages, int size) {
        this.slots = slots;
        this.pages = pages;
        this.size = size;
    }

    static BucketTable empty() {
        return EMPTY;
    }

    /** The zonegroup index of {@code name}, or -1 when it is absent (or cannot be stored at all). */
    int get(CharSequence name) {
        int len = name.length();
        if (len == 0 || len > MAX_NAME) {
            return -1;
        }
        long h = hash(name);
        if (h == -1) {
            return -1;
        }
        int mask = slots.length - 1;
        int tag = tag(h);
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (tagOf(s) == tag && lengthOf(s) == len && nameEquals(pages, s, name)) {
                return zonegroupOf(s);
            }
        }
    }

    int size() {
        return size;
    }

    /** Receives one entry of the table. */
    interface EntryConsumer {
        void accept(String name, int zonegroup);
    }

    /** Calls {@code action} for every entry, in slot order. */
    void forEach(EntryConsumer action) {
        for (long s : slots) {
            if (s != 0) {
                action.accept(nameOf(pages, s), zonegroupOf(s));
            }
        }
    }

    /** Heap bytes held by the table's arrays, for logs and benchmarks. */
    long footprint() {
        long bytes = 16L + 8L * slots.length;
        for (byte[] p : pages) {
            bytes += 16 + p.length;
        }
        return bytes;
    }

    /** Fills a new table; not thread-safe, used once. */
    static final class Builder {
        private long[] slots;
        private byte[][] pages;
        private int pageCount;
        private int pageUsed;
        private int size;

        Builder(int expected) {
            slots = new long[capacityFor(Math.max(expected, 2))];
            pages = new byte[4][];
            pages[0] = new byte[Math.min(PAGE_SIZE, Math.max(64, expected * 16))];
            pageCount = 1;
        }

        /**
         * Maps {@code name} to {@code zonegroup}, replacing an earlier entry for the same name.
         *
         * @throws IllegalArgumentException for an empty, over-long or non-ASCII name, or an index
         *     outside 0..255
         */
        void put(String name, int zonegroup) {
            int len = name.length();
            if (len == 0 || len > MAX_NAME) {
                throw new IllegalArgumentException("bucket name '" + name + "' is not 1 to " + MAX_NAME + " characters");
            }
            if (zonegroup < 0 || zonegroup >= MAX_ZONEGROUPS) {
                throw new IllegalArgumentException("zonegroup index " + zonegroup + " outside 0.." + (MAX_ZONEGROUPS - 1));
            }
            long h = hash(name);
            if (h == -1) {
                throw new IllegalArgumentException("bucket name '" + name + "' is not ASCII");
            }
            int mask = slots.length - 1;
            int tag = tag(h);
            int i = (int) h & mask;
            for (; slots[i] != 0; i = (i + 1) & mask) {
                long s = slots[i];
                if (tagOf(s) == tag && lengthOf(s) == len && nameEquals(pages, s, name)) {
                    slots[i] = (s & ~(0xFFL << 48)) | ((long) zonegroup << 48);
                    return;
                }
            }
            slots[i] = pack(tag, zonegroup, len, append(name));
            if (++size > slots.length / 4 * 3) {
                grow();
            }
        }

        BucketTable build() {
            byte[][] used = Arrays.copyOf(pages, pageCount);
            used[pageCount - 1] = Arrays.copyOf(used[pageCount - 1], pageUsed);
            BucketTable t = new BucketTable(slots, used, size);
            slots = null;
            pages = null;
            return t;
        }

        /** Stores the name's bytes; the first page grows in place, later ones are full-sized. */
        private long append(String name) {
            int len = name.length();
            byte[] page = pages[pageCount - 1];
            if (pageUsed + len > page.length) {
                if (pageCount == 1 && pageUsed + len <= PAGE_SIZE) {
                    page = Arrays.copyOf(page, Math.min(PAGE_SIZE, Math.max(page.length * 2, pageUsed + len)));
                } else {
                    if (pageCount == pages.length) {
                        pages = Arrays.copyOf(pages, pageCount * 2);
                    }
                    page = new byte[PAGE_SIZE];
                    pageCount++;
                    pageUsed = 0;
                }
                pages[pageCount - 1] = page;
            }
            for (int k = 0; k < len; k++) {
                page[pageUsed + k] = (byte) name.charAt(k);
            }
            long offset = ((long) (pageCount - 1) << PAGE_BITS) | pageUsed;
            pageUsed += len;
            return offset;
        }

        private void grow() {
            long[] next = new long[slots.length * 2];
            int mask = next.length - 1;
            for (long s : slots) {
                if (s != 0) {
                    int i = (int) hash(nameOf(pages, s)) & mask;
                    while (next[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    next[i] = s;
                }
            }
            slots = next;
        }
    }

    private static int capacityFor(int entries) {
        long needed = (long) Math.ceil(entries / 0.75);
        return (int) Math.max(4, Long.highestOneBit(needed - 1) << 1);
    }

    /** FNV-1a over the characters, then a finalizer so similar names spread; -1 for non-ASCII. */
    private static long hash(CharSequence name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7F) {
                return -1;
            }
            h = (h ^ c) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == -1 ? 0 : h;
    }

    private static int tag(long hash) {
        return (int) (hash >>> 56);
    }

    private static long pack(int tag, int zonegroup, int len, long offset) {
        return ((long) tag << 56) | ((long) zonegroup << 48) | ((long) len << 40) | offset;
    }

    private static int tagOf(long slot) {
        return (int) (slot >>> 56);
    }

    private static int zonegroupOf(long slot) {
        return (int) (slot >>> 48) & 0xFF;
    }

    private static int lengthOf(long slot) {
        return (int) (slot >>> 40) & 0xFF;
    }

    private static boolean nameEquals(byte[][] pages, long slot, CharSequence name) {
        long offset = slot & OFFSET_MASK;
        byte[] p = pages[(int) (offset >>> PAGE_BITS)];
        int start = (int) offset & ((1 << PAGE_BITS) - 1);
        for (int k = 0; k < name.length(); k++) {
            if (p[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static String nameOf(byte[][] pages, long slot) {
        long offset = slot & OFFSET_MASK;
        byte[] p = pages[(int) (offset >>> PAGE_BITS)];
        return new String(p, (int) offset & ((1 << PAGE_BITS) - 1), lengthOf(slot), StandardCharsets.ISO_8859_1);
    }
}
