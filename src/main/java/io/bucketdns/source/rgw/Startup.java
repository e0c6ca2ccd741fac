package io.bucketdns.source.rgw;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.source.file.CatalogSnapshot;
import io.bucketdns.source.rgw.admin.RgwException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the catalog comes to be answerable at start, and from where following begins:
 *
 * <ul>
 *   <li>No snapshot: read the zonegroup map (or fail the start: there is nothing to answer from),
 *       take the log's position, then list every bucket; changes made while listing are read from
 *       the log afterwards. The start waits for the listing up to {@code startWait}, then answers
 *       from what is listed so far (buckets not listed yet are looked up when asked).
 *   <li>A snapshot is in force: follow the log at once from its position, and reconcile only what
 *       it cannot vouch for: a snapshot without a position, or older than RGW keeps its log
 *       ({@code trimHorizon}), starts afresh from the log's position with a reconciliation; an
 *       interrupted listing resumes from its checkpoint.
 * </ul>
 *
 * <p>Threads: the caller's (the service's start), once, before following starts.
 */
final class Startup {
    // the lines keep the logger they always had: operators filter on it
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    private final ZonegroupMapWatcher maps;
    private final FollowLoop follow;
    private final ReconciliationQueue reconciliations;
    private final Duration startWait;
    private final Duration trimHorizon;
    private final InstantSource clock;

    /** @param clock tells a snapshot's age */
    Startup(ZonegroupMapWatcher maps, FollowLoop follow, ReconciliationQueue reconciliations, Duration startWait, Duration trimHorizon,
            InstantSource clock) {
        this.maps = maps;
        this.follow = follow;
        this.reconciliations = reconciliations;
        this.startWait = startWait;
        this.trimHorizon = trimHorizon;
        this.clock = clock;
    }

    /**
     * @param snapshot the snapshot put in force; null when there is none
     * @throws CatalogException when there is no snapshot and RGW cannot give a first catalog
     */
    void run(CatalogSnapshot.Loaded snapshot) {
        if (snapshot == null) {
            loadFirst();
        } else {
            resumeFrom(snapshot);
        }
    }

    private void loadFirst() {
        try {
            maps.refresh();
            follow.capture(); // changes made while listing are read from the log afterwards
        } catch (RgwException e) {
            throw new CatalogException("cannot load the catalog from RGW: " + e.getMessage(), e);
        }
        CompletableFuture<Void> load = reconciliations.request(null, "start");
        try {
            load.get(startWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("catalog: still loading after {}; answering meanwhile (buckets not listed yet are looked up when asked)",
                    Staleness.describe(startWait));
        } catch (ExecutionException e) {
            throw new CatalogException("cannot load the catalog from RGW: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while loading the catalog", e);
        }
    }

    private void resumeFrom(CatalogSnapshot.Loaded snapshot) {
        MetadataLogFollower.Position saved = MetadataLogFollower.Position.decode(snapshot.marks().get(RgwCatalogSource.POSITION));
        Duration age = Duration.between(snapshot.currentAsOf(), clock.instant());
        Reconciler.Checkpoint checkpoint = Reconciler.Checkpoint.decode(snapshot.marks().get(Reconciler.CHECKPOINT));
        if (saved == null) {
            follow.resyncFirst("the snapshot has no metadata-log position");
        } else if (age.compareTo(trimHorizon) > 0) {
            follow.resyncFirst("the snapshot is " + Staleness.describe(age) + " old; RGW may have trimmed its log since");
        } else {
            follow.resumeFrom(saved); // whatever changed while this instance was down
        }
        if (checkpoint != null) {
            reconciliations.request(checkpoint, "resuming the interrupted load");
        }
    }
}
