/**
 * The bucket → zonegroup catalog: immutable snapshots ({@code Catalog}, the compact {@code
 * BucketTable}), the one {@code CatalogWriter} that applies sources' events in order and publishes
 * snapshots and change events, {@code LiveCatalog} (the snapshot in force) and {@code Readiness}.
 * No I/O and no DNS.
 *
 * <p>Threads: the writer owns one thread, the only one that changes the catalog; readers take the
 * current snapshot without locks. Keys: none of its own ({@code [catalog]} is read by the sources).
 */
package io.bucketdns.catalog;
