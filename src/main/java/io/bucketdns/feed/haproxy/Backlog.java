package io.bucketdns.feed.haproxy;

import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogChange;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The catalog changes told to the runtime sink since it last looked, merged: the newest catalog
 * and the buckets that changed since, or that any may have (a whole replacement). The catalog
 * writer's thread adds, the sink's thread takes, hence the lock; both only touch a set.
 */
final class Backlog {
    /** Beyond this many changed buckets waiting, one whole replacement is cheaper than remembering them. */
    static final int MAX_PENDING = 100_000;

    /**
     * What was told since the last {@link #take}.
     *
     * @param latest the catalog in force, null before anything was told
     * @param whole true when the map must be replaced whole; then {@code buckets} is empty
     * @param buckets the buckets that changed
     */
    record News(Catalog latest, boolean whole, Set<String> buckets) {}

    private Catalog latest;
    private boolean whole = true; // the first push replaces whatever map HAProxy has
    private Set<String> buckets = new HashSet<>();

    synchronized void add(CatalogChange change) {
        latest = change.after();
        if (change.whole() || buckets.size() + change.buckets().size() > MAX_PENDING) {
            whole = true;
            buckets.clear();
        } else if (!whole) {
            buckets.addAll(change.buckets().keySet());
        }
    }

    synchronized News take() {
        if (latest == null) {
            return new News(null, true, Set.of()); // nothing told yet: the first push must still be whole
        }
        News news = new News(latest, whole, Collections.unmodifiableSet(buckets));
        whole = false;
        buckets = new HashSet<>();
        return news;
    }
}
