package io.bucketdns.source.rgw;

import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciliations ({@link Reconciler}) one at a time: the first load, a resumed one, the
 * periodic re-list, and those the follower asks for after a period change or a long pause. A
 * request while one is queued or running is that same one: two listings at once would only
 * double RGW's load for the same result.
 *
 * <p>Threads: reconciliations run on this queue's own scheduler ({@code rgw-load}), for hours on
 * a large realm if need be, so they never hold up the log or questions. The periodic re-list is a
 * task of that scheduler and so runs its reconciliation in place; a request from any other
 * thread is queued there.
 */
final class ReconciliationQueue implements AutoCloseable {
    // the lines keep the logger they always had: operators filter on it
    private static final Logger LOG = LoggerFactory.getLogger(RgwCatalogSource.class);

    private final Reconciler reconciler;
    private final ZonegroupMapWatcher maps;
    private final Staleness staleness;
    private final LiveCatalog target;
    private final Duration mapRetry;
    private final Scheduler scheduler;
    /** The reconciliation queued or running, if any. */
    private final AtomicReference<CompletableFuture<Void>> reconciling = new AtomicReference<>();

    /**
     * @param maps read first when no map was read yet (RGW was down at start)
     * @param mapRetry the wait between two tries at that first map
     * @param scheduler this queue's own
     */
    ReconciliationQueue(Reconciler reconciler, ZonegroupMapWatcher maps, Staleness staleness, LiveCatalog target, Duration mapRetry,
            Scheduler scheduler) {
        this.reconciler = reconciler;
        this.maps = maps;
        this.staleness = staleness;
        this.target = target;
        this.mapRetry = mapRetry;
        this.scheduler = scheduler;
    }

    /**
     * Queues a reconciliation unless one is queued or running already.
     *
     * @param resume where to resume an interrupted one; null to list from the start
     * @return completes when it is done (exceptionally when it failed or the queue closed first)
     */
    CompletableFuture<Void> request(Reconciler.Checkpoint resume, String reason) {
        return claim(resume, reason, scheduler::execute);
    }

    /** Re-lists every {@code every} from now on: the safety net under the log. */
    void relistEvery(Duration every) {
        scheduler.repeat(() -> claim(null, "periodic re-list", Runnable::run), every, every);
    }

    private CompletableFuture<Void> claim(Reconciler.Checkpoint resume, String reason, Consumer<Runnable> runOn) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = reconciling.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        runOn.accept(() -> run(resume, reason, mine));
        return mine;
    }

    private void run(Reconciler.Checkpoint resume, String reason, CompletableFuture<Void> done) {
        try {
            if (maps.map() == null) {
                firstMap();
            }
            Reconciler.Result r = reconciler.run(resume, reason);
            target.health().fullLoadDone(scheduler.instant());
            LOG.info("catalog: reconciled ({}): {}", reason, r.summary());
            done.complete(null);
        } catch (RuntimeException e) {
            if (!scheduler.isClosed()) {
                LOG.error("catalog: reconciliation ({}) failed", reason, e);
            }
            done.completeExceptionally(e);
        } finally {
            reconciling.set(null);
        }
    }

    /** A listing names zonegroups by the map: without one there is nothing to reconcile with, so it waits for RGW. */
    private void firstMap() {
        while (true) {
            try {
                maps.refresh();
                return;
            } catch (RgwException e) {
                staleness.failed(e, target.current());
                try {
                    Thread.sleep(mapRetry);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RgwException("interrupted", 0, "", ie);
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
