package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.CatalogException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One reconciliation at a time, on the queue's own scheduler (a manual one here). */
class ReconciliationQueueTest extends OnFakeRgw {
    @Test
    void aRequestWhileOneIsQueuedIsThatSameOne() {
        CompletableFuture<Void> first = jobs.reconciliations.request(null, "start");
        CompletableFuture<Void> second = jobs.reconciliations.request(null, "a new period");

        jobs.clock.runDue();

        assertThat(second).isSameAs(first).isCompleted();
        assertThat(jobs.listings()).as("one listing").isEqualTo(1);
        assertThat(jobs.zonegroupOf("bar")).isEqualTo("us");
        assertThat(jobs.live.isLoaded()).isTrue();
    }

    @Test
    void aRequestAfterOneEndedIsANewOne() {
        jobs.reconciliations.request(null, "start");
        jobs.clock.runDue();
        rgw.realm().forget("foo");

        jobs.reconciliations.request(null, "again");
        jobs.clock.runDue();

        assertThat(jobs.listings()).isEqualTo(2);
        assertThat(jobs.zonegroupOf("foo")).isNull();
    }

    @Test
    void theReListRunsEveryIntervalInPlace() {
        jobs.reconciliations.request(null, "start");
        jobs.clock.runDue();
        jobs.reconciliations.relistEvery(Duration.ofHours(1));
        rgw.preload(Map.of("unlogged", Fixtures.US_ID));

        jobs.clock.advance(Duration.ofHours(1).minusNanos(1));
        assertThat(jobs.listings()).isEqualTo(1);
        jobs.clock.advance(Duration.ofNanos(1));

        assertThat(jobs.listings()).isEqualTo(2);
        assertThat(jobs.zonegroupOf("unlogged")).isEqualTo("us");
        assertThat(jobs.clock.delays()).as("only the next re-list waits").containsExactly(Duration.ofHours(1));
    }

    @Test
    void aReconciliationThatCannotNameItsDefaultFailsWithTheFix() {
        rewire(Jobs.PACE, "mars");

        CompletableFuture<Void> r = jobs.reconciliations.request(null, "start");
        jobs.clock.runDue();

        assertThat(r).isCompletedExceptionally();
        assertThat(r.handle((v, e) -> e).join()).isInstanceOf(CatalogException.class)
                .hasMessageContaining("default_zonegroup = mars is not a zonegroup of the RGW realm");
        assertThat(jobs.reconciliations.request(null, "next")).as("the failed one is no longer in the way").isNotSameAs(r);
    }
}
