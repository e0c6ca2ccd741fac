package io.bucketdns.catalog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog's recent changes by serial, so that a secondary holding an older version of a zone
 * gets only what changed since (IXFR, RFC 1995) instead of millions of unchanged buckets.
 *
 * <p>A {@link CatalogListener}: each step that moved the serial is kept as the buckets it really
 * changed (a bucket told but left as it was is not kept). What cannot be told as bucket changes
 * resets the history: a catalog replaced whole, or zonegroups that moved or changed host, which
 * change every record below them. So does a step of more than {@value #MAX_CHANGES} buckets.
 * Beyond {@value #MAX_CHANGES} bucket changes in all the oldest steps go; a secondary older than
 * the history gets the whole zone, as RFC 1995 allows.
 *
 * <p>Bounded by changes, not steps: some 100 bytes a change, so about 10 MB at most, while an
 * IXFR of 10,000 changes is still served as one.
 */
public final class CatalogHistory implements CatalogListener {
    /** How many bucket changes are kept over all steps. */
    public static final int MAX_CHANGES = 100_000;

    /** One bucket between two serials: its zonegroup before and after; null where it did not exist. */
    public record Change(String bucket, Zonegroup before, Zonegroup after) {
        public Change {
            Objects.requireNonNull(bucket);
        }
    }

    private record Step(long from, long to, List<Change> changes) {}

    private final int maxChanges;
    // guarded by this
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private int kept;

    public CatalogHistory() {
        this(MAX_CHANGES);
    }

    CatalogHistory(int maxChanges) {
        this.maxChanges = maxChanges;
    }

    @Override
    public void onChange(CatalogChange change) {
        Catalog before = change.before();
        Catalog after = change.after();
        if (before.serial() == after.serial()) {
            return;
        }
        if (change.whole() || !before.zonegroups().equals(after.zonegroups())
                || !Objects.equals(before.defaultZonegroup(), after.defaultZonegroup())) {
            reset();
            return;
        }
        List<Change> changed = new ArrayList<>();
        for (String bucket : change.buckets().keySet()) {
            Zonegroup was = before.zonegroupOf(bucket);
            Zonegroup is = after.zonegroupOf(bucket);
            if (!Objects.equals(was, is)) {
                changed.add(new Change(bucket, was, is));
            }
        }
        if (changed.size() > maxChanges) {
            reset();
            return;
        }
        synchronized (this) {
            if (!steps.isEmpty() && steps.peekLast().to() != before.serial()) {
                steps.clear(); // a step was missed: the history would not add up
                kept = 0;
            }
            steps.addLast(new Step(before.serial(), after.serial(), List.copyOf(changed)));
            kept += changed.size();
            while (kept > maxChanges) {
                kept -= steps.removeFirst().changes().size();
            }
        }
    }

    private synchronized void reset() {
        steps.clear();
        kept = 0;
    }

    /**
     * What changed from catalog serial {@code from} to {@code current}, condensed: each bucket once,
     * as it was at {@code from} and as it is now, those that came back as they were left out.
     * Empty when the history does not reach back to {@code from}, or does not reach up to {@code
     * current} yet (its listener runs just after a snapshot is published).
     */
    public Optional<List<Change>> since(long from, Catalog current) {
        if (from == current.serial()) {
            return Optional.of(List.of());
        }
        List<Step> path = new ArrayList<>();
        synchronized (this) {
            if (steps.isEmpty() || steps.peekLast().to() != current.serial()) {
                return Optional.empty();
            }
            boolean found = false;
            for (Iterator<Step> it = steps.iterator(); it.hasNext(); ) {
                Step s = it.next();
                found |= s.from() == from;
                if (found) {
                    path.add(s);
                }
            }
            if (!found) {
                return Optional.empty();
            }
        }
        Map<String, Change> net = new LinkedHashMap<>();
        for (Step s : path) {
            for (Change c : s.changes()) {
                net.merge(c.bucket(), c, (first, later) -> new Change(c.bucket(), first.before(), later.after()));
            }
        }
        net.values().removeIf(c -> Objects.equals(c.before(), c.after()));
        return Optional.of(List.copyOf(net.values()));
    }

    /** How many bucket changes are kept: for tests and the bound. */
    synchronized int kept() {
        return kept;
    }
}
