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
        assertThat(Readiness.of(live, FIVE_MINUTES, Instant.now()).reason()).startsWith("catalog stale: never synced");

        live.health().synced();
        Instant now = Instant.now();
        assertThat(Readiness.of(live, FIVE_MINUTES, now.plusSeconds(299)).ready()).isTrue();
        assertThat(Readiness.of(live, FIVE_MINUTES, now.plusSeconds(299)).reason()).startsWith("catalog fresh: 4 buckets, last sync 29");

        live.health().failed("http://127.0.0.11:8000: connection refused");
        Readiness.Verdict stale = Readiness.of(live, FIVE_MINUTES, now.plusSeconds(400));
        assertThat(stale.ready()).isFalse();
        assertThat(stale.reason()).startsWith("catalog stale: last sync 40")
                .endsWith("s ago (max_staleness 300 s); last error: http://127.0.0.11:8000: connection refused");

        live.health().synced();
        assertThat(Readiness.of(live, FIVE_MINUTES, Instant.now()).ready()).isTrue();
    }
}
