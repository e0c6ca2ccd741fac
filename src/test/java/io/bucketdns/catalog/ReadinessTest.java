package io.bucketdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Fixtures;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void notReadyUntilACatalogIsLoaded() {
        Readiness.Verdict v = Readiness.of(new LiveCatalog(), FIVE_MINUTES, Instant.now());
        assertThat(v.ready()).isFalse();
        assertThat(v.reason()).isEqualTo("catalog not loaded yet");
    }

    @Test
    void aSourceWithoutFreshnessBoundIsReadyOnceLoaded() {
        LiveCatalog live = Fixtures.liveCatalog();
        Readiness.Verdict v = Readiness.of(live, null, Instant.now().plus(Duration.ofDays(30)));
        assertThat(v.ready()).isTrue();
        assertThat(v.reason()).isEqualTo("catalog loaded: 4 buckets");
    }

    @Test
    void staleWhenTheLastSyncIsOlderThanTheBound() {
        LiveCatalog live = Fixtures.liveCatalog();
        Instant synced = Instant.parse("2026-12-03T10:00:00Z");
        assertThat(Readiness.of(live, FIVE_MINUTES, synced).reason()).startsWith("catalog stale: never synced");

        live.health().synced(synced);
        assertThat(Readiness.of(live, FIVE_MINUTES, synced.plusSeconds(299)).ready()).isTrue();
        assertThat(Readiness.of(live, FIVE_MINUTES, synced.plusSeconds(299)).reason())
                .isEqualTo("catalog fresh: 4 buckets, last sync 299 s ago");

        live.health().failed("http://127.0.0.11:8000: connection refused");
        Readiness.Verdict stale = Readiness.of(live, FIVE_MINUTES, synced.plusSeconds(400));
        assertThat(stale.ready()).isFalse();
        assertThat(stale.reason())
                .isEqualTo("catalog stale: last sync 400 s ago (max_staleness 300 s); last error: http://127.0.0.11:8000: connection refused");

        live.health().synced(synced.plusSeconds(401));
        assertThat(Readiness.of(live, FIVE_MINUTES, synced.plusSeconds(402)).reason()).isEqualTo("catalog fresh: 4 buckets, last sync 1 s ago");
    }
}
