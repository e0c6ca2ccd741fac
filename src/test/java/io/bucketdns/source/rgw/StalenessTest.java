package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.LogLines;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.CatalogHealth;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.source.rgw.admin.RgwException;
import io.bucketdns.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an operator reads while RGW fails and answers again, at exact times. */
class StalenessTest {
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final RgwException DOWN = new RgwException("http://127.0.0.11:8000: connection refused", 0, "", null);

    private final ManualScheduler clock = new ManualScheduler(START);
    private final CatalogHealth health = new CatalogHealth();
    private final Staleness staleness = new Staleness(Duration.ofMinutes(5), Duration.ofMinutes(1), health, clock);
    private final Catalog catalog = new LiveCatalog().current();
    private final LogLines log = new LogLines(Staleness.class);

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void aFailureIsToldOnceThenRemindedEveryMinuteThenCalledStalePastMaxStaleness() {
        staleness.synced(catalog);
        clock.advance(Duration.ofSeconds(30));
        staleness.failed(DOWN, catalog);
        clock.advance(Duration.ofSeconds(59));
        staleness.failed(DOWN, catalog); // within the minute: nothing new
        clock.advance(Duration.ofSeconds(1));
        staleness.failed(DOWN, catalog);
        clock.advance(Duration.ofMinutes(4));
        staleness.failed(DOWN, catalog); // 5 min 30 s since the sync
        clock.advance(Duration.ofMinutes(1));
        staleness.failed(DOWN, catalog); // stale was said once

        assertThat(log.lines()).containsExactly(
                "WARN rgw: http://127.0.0.11:8000: connection refused; answering from the last catalog (0 buckets, 30 s old)",
                "WARN rgw: still failing since 2026-12-03T10:00:30Z (http://127.0.0.11:8000: connection refused); catalog 90 s old",
                "WARN rgw: still failing since 2026-12-03T10:00:30Z (http://127.0.0.11:8000: connection refused); catalog 5 min old",
                "ERROR catalog: stale: 5 min old (more than max_staleness 5 min); new and deleted buckets are not seen until RGW answers",
                "WARN rgw: still failing since 2026-12-03T10:00:30Z (http://127.0.0.11:8000: connection refused); catalog 6 min old");
        assertThat(health.errors()).isEqualTo(5);
        assertThat(staleness.sinceSync()).isEqualTo(Duration.ofSeconds(390));
    }

    @Test
    void answeringAgainIsToldWithHowLongItFailedAndResetsTheClock() {
        staleness.synced(catalog);
        staleness.failed(DOWN, catalog);
        clock.advance(Duration.ofMinutes(12));
        staleness.synced(catalog);

        assertThat(log.lines()).last().isEqualTo("INFO rgw: answering again after 12 min; catalog up to date (0 buckets)");
        assertThat(staleness.sinceSync()).isZero();
        assertThat(health.lastSync()).isEqualTo(START.plus(Duration.ofMinutes(12)));
        assertThat(health.lastError()).isNull();
    }

    @Test
    void aCatalogFromASnapshotIsAsOldAsTheSnapshot() {
        staleness.loadedAsOf(START.minus(Duration.ofHours(3)));
        staleness.failed(DOWN, catalog);

        assertThat(staleness.sinceSync()).isEqualTo(Duration.ofHours(3));
        assertThat(log.lines()).containsExactly(
                "WARN rgw: http://127.0.0.11:8000: connection refused; answering from the last catalog (0 buckets, 3 h old)",
                "ERROR catalog: stale: 3 h old (more than max_staleness 5 min); new and deleted buckets are not seen until RGW answers");
    }

    @Test
    void neverSyncedIsOfUnknownAgeAndNeverStale() {
        staleness.failed(DOWN, catalog);

        assertThat(staleness.sinceSync()).isZero();
        assertThat(log.lines()).containsExactly(
                "WARN rgw: http://127.0.0.11:8000: connection refused; answering from the last catalog (0 buckets, of unknown age)");
    }
}
