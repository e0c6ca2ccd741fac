package io.bucketdns.frontend.ops;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.RecordType;
import io.bucketdns.catalog.CatalogHealth;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.feed.haproxy.HaproxyFeed;
import io.bucketdns.source.rgw.admin.AdminCallObserver;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus metrics of one bucketdns process, named like CoreDNS's {@code coredns_dns_*} so
 * existing dashboards translate: requests by zone, frontend and type; responses by rcode; request
 * duration; catalog size, age and sync health; build info and JVM metrics.
 *
 * <p>Label values are bounded: the zone is one of the served zones (or "" for refused names), the
 * type is a common mnemonic or "other", so a flood of random names cannot blow up the series count.
 */
public final class Metrics implements QueryObserver, AdminCallObserver {
    private static final Set<String> COMMON_TYPES = Set.of("A", "AAAA", "ANY", "CNAME", "MX", "NS", "SOA", "TXT", "SRV", "PTR", "HTTPS", "SVCB", "DS", "DNSKEY", "CAA");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter responses;
    private final Histogram duration;
    private final Histogram rgwCalls;
    private final Counter limited;
    private final Counter transfers;
    /** The rate-limit counters by kind and action: under a flood they count every packet, so no label look-up each time. */
    private final ConcurrentHashMap<String, CounterDataPoint> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CounterDataPoint> slipped = new ConcurrentHashMap<>();

    /**
     * @param version the build version, for {@code bucketdns_build_info}
     * @param catalog the catalog in force now (changes on reload)
     */
    public Metrics(String version, Supplier<LiveCatalog> catalog) {
        requests = Counter.builder().name("bucketdns_dns_requests_total")
                .help("DNS questions answered, by served zone, frontend and type")
                .labelNames("zone", "frontend", "qtype").register(registry);
        responses = Counter.builder().name("bucketdns_dns_responses_total")
                .help("DNS answers, by served zone, frontend, rcode and the rule that answered")
                .labelNames("zone", "frontend", "rcode", "rule").register(registry);
        duration = Histogram.builder().name("bucketdns_dns_request_duration_seconds")
                .help("Time to answer one question, from decoded question to encoded reply")
                .labelNames("frontend")
                .classicOnly()
                .classicUpperBounds(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25)
                .register(registry);
        rgwCalls = Histogram.builder().name("bucketdns_rgw_request_duration_seconds")
                .help("RGW Admin Ops requests, by endpoint and result (2xx, 4xx, 5xx, timeout, error)")
                .labelNames("endpoint", "result")
                .classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15)
                .register(registry);
        limited = Counter.builder().name("bucketdns_dns_rate_limited_total")
                .help("UDP responses held back by response rate limiting, by what they were counted as and whether they were "
                        + "dropped or slipped (sent empty with TC set)")
                .labelNames("kind", "action").register(registry);
        transfers = Counter.builder().name("bucketdns_xfr_requests_total")
                .help("Zone transfer requests over TCP (AXFR, IXFR), by zone and result: sent, current, refused, notauth")
                .labelNames("zone", "result").register(registry);
        GaugeWithCallback.builder().name("bucketdns_catalog_buckets").help("Buckets in the catalog in force")
                .callback(cb -> cb.call(catalog.get().current().size())).register(registry);
        GaugeWithCallback.builder().name("bucketdns_catalog_age_seconds").help("Seconds since the catalog last changed")
                .callback(cb -> cb.call(secondsSince(catalog.get().current().updatedAt()))).register(registry);
        GaugeWithCallback.builder().name("bucketdns_catalog_sync_lag_seconds")
                .help("Seconds since the catalog source last confirmed the catalog is current")
                .callback(cb -> {
                    Instant last = catalog.get().health().lastSync();
                    cb.call(last == null ? Double.POSITIVE_INFINITY : secondsSince(last));
                }).register(registry);
        healthCounter(catalog, "bucketdns_catalog_sync_errors", "Failed attempts to refresh the catalog", CatalogHealth::errors);
        healthCounter(catalog, "bucketdns_catalog_full_loads", "Complete loads of the catalog", CatalogHealth::fullLoads);
        healthGauge(catalog, "bucketdns_catalog_reconcile_listed",
                "Bucket names the reconciliation under way has listed; 0 when none runs", CatalogHealth::reconcileListed);
        healthGauge(catalog, "bucketdns_catalog_reconcile_expected",
                "Bucket names the reconciliation under way expects to list (the catalog's size when it began)", CatalogHealth::reconcileExpected);
        healthCounter(catalog, "bucketdns_catalog_miss_lookups", "On-demand look-ups of buckets the catalog did not know",
                CatalogHealth::missLookups);
        healthCounter(catalog, "bucketdns_catalog_miss_lookups_refused", "On-demand look-ups skipped by the rate limit",
                CatalogHealth::missLookupsRefused);
        Info build = Info.builder().name("bucketdns_build_info").help("The bucketdns build").labelNames("version").register(registry);
        build.addLabelValues(version);
        JvmMetrics.builder().register(registry);
    }

    /** Read at each scrape from the catalog in force then, so a reload's new catalog is what is reported. */
    private void healthCounter(Supplier<LiveCatalog> catalog, String name, String help, ToDoubleFunction<CatalogHealth> read) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsDouble(catalog.get().health()))).register(registry);
    }

    /** As {@link #healthCounter}, for a value that can go down. */
    private void healthGauge(Supplier<LiveCatalog> catalog, String name, String help, ToDoubleFunction<CatalogHealth> read) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsDouble(catalog.get().health()))).register(registry);
    }

    @Override
    public void answered(String frontend, String qname, int qtype, Answer answer, long nanos) {
        String zone = answer.zone() == null ? "" : answer.zone().name();
        String type = RecordType.name(qtype);
        requests.labelValues(zone, frontend, COMMON_TYPES.contains(type) ? type : "other").inc();
        responses.labelValues(zone, frontend, answer.rcode().name(), answer.outcome().name().toLowerCase(java.util.Locale.ROOT)).inc();
        duration.labelValues(frontend).observe(nanos / 1e9);
    }

    @Override
    public void limited(String kind, boolean slip) {
        (slip ? slipped : dropped).computeIfAbsent(kind, k -> limited.labelValues(k, slip ? "slipped" : "dropped")).inc();
    }

    @Override
    public void called(String endpoint, String result, long nanos) {
        rgwCalls.labelValues(endpoint, result).observe(nanos / 1e9);
    }

    @Override
    public void transfer(String zone, String result) {
        transfers.labelValues(zone, result).inc();
    }

    @Override
    public void malformed(String frontend) {
        responses.labelValues("", frontend, "FORMERR", "malformed").inc();
    }

    @Override
    public void failed(String frontend) {
        responses.labelValues("", frontend, "SERVFAIL", "failure").inc();
    }

    /**
     * Adds the HAProxy map feed's metrics; {@code status} gives null while no feed runs (then they
     * have no sample).
     */
    public void haproxy(Supplier<HaproxyFeed.Status> status) {
        GaugeWithCallback.builder().name("bucketdns_haproxy_map_entries").help("Entries in HAProxy's bucket map, as last counted")
                .callback(cb -> ifFeeding(status, s -> cb.call(s.entries()))).register(registry);
        CounterWithCallback.builder().name("bucketdns_haproxy_pushes")
                .help("Changes pushed to HAProxy's bucket map: entries one by one, or the whole map")
                .labelNames("kind")
                .callback(cb -> ifFeeding(status, s -> {
                    cb.call(s.changesPushed(), "entry");
                    cb.call(s.replacements(), "whole");
                })).register(registry);
        CounterWithCallback.builder().name("bucketdns_haproxy_failures")
                .help("Failed pushes to HAProxy's runtime API, checks of it and writes of the map file")
                .callback(cb -> ifFeeding(status, s -> cb.call(s.failures()))).register(registry);
        GaugeWithCallback.builder().name("bucketdns_haproxy_unmappable_buckets")
                .help("Buckets left out of HAProxy's map because their names cannot be map keys")
                .callback(cb -> ifFeeding(status, s -> cb.call(s.unmappable()))).register(registry);
        GaugeWithCallback.builder().name("bucketdns_haproxy_disagreement_seconds")
                .help("Seconds since HAProxy's map last held the catalog in force; 0 while it does")
                .callback(cb -> ifFeeding(status, s -> cb.call(s.agrees() ? 0
                        : s.agreedAt() == null ? Double.POSITIVE_INFINITY : secondsSince(s.agreedAt())))).register(registry);
    }

    /** Adds the DNS server's UDP path, 1 for the one in use; {@code io} gives null while no server runs (then no sample). */
    public void udpIo(Supplier<String> io) {
        GaugeWithCallback.builder().name("bucketdns_dns_udp_io")
                .help("How the standalone DNS server moves UDP datagrams ([dns] udp_io): batched or nio")
                .labelNames("io")
                .callback(cb -> {
                    String s = io.get();
                    if (s != null) {
                        cb.call(1, s);
                    }
                }).register(registry);
    }

    private static void ifFeeding(Supplier<HaproxyFeed.Status> status, java.util.function.Consumer<HaproxyFeed.Status> action) {
        HaproxyFeed.Status s = status.get();
        if (s != null) {
            action.accept(s);
        }
    }

    /** The registry, for other parts to add their metrics (RGW client latency, for one). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text format, version 0.0.4. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static double secondsSince(Instant t) {
        return Duration.between(t, Instant.now()).toMillis() / 1000.0;
    }
}
