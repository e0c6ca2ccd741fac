package io.bucketdns.frontend.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.CatalogHealth;
import io.bucketdns.catalog.LiveCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void catalogHealthIsReadAtEachScrapeFromTheCatalogInForceThen() {
        AtomicReference<LiveCatalog> inForce = new AtomicReference<>(new LiveCatalog());
        Metrics metrics = new Metrics("test", inForce::get);
        CatalogHealth health = inForce.get().health();
        health.failed("rgw down");
        health.failed("rgw down");
        health.fullLoadDone(Instant.parse("2026-12-03T10:00:00Z"));
        health.reconciling(3, 10);
        health.missLookup();
        health.missLookupRefused();
        health.missLookupRefused();

        assertThat(scrape(metrics)).contains(
                "bucketdns_catalog_sync_errors_total 2.0",
                "bucketdns_catalog_full_loads_total 1.0",
                "bucketdns_catalog_reconcile_listed 3.0",
                "bucketdns_catalog_reconcile_expected 10.0",
                "bucketdns_catalog_miss_lookups_total 1.0",
                "bucketdns_catalog_miss_lookups_refused_total 2.0");

        inForce.set(new LiveCatalog()); // a reload's new catalog
        assertThat(scrape(metrics)).contains("bucketdns_catalog_sync_errors_total 0.0", "bucketdns_catalog_miss_lookups_refused_total 0.0");
    }

    private static String scrape(Metrics metrics) {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }
}
