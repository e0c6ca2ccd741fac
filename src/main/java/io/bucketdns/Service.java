package io.bucketdns;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.FileCatalogSource;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.dns.QueryObserver;
import io.bucketdns.dns.Resolver;
import io.bucketdns.ops.Metrics;
import io.bucketdns.ops.OpsServer;
import io.bucketdns.ops.QueryLog;
import io.bucketdns.ops.Readiness;
import io.bucketdns.pdns.HttpConnector;
import io.bucketdns.pdns.RemoteBackend;
import io.bucketdns.rgw.RgwCatalogSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bucketdns running: the live catalog and its source, the resolver, and every frontend the config
 * switches on. Closing it stops them in reverse order.
 */
public final class Service implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Service.class);

    private final BucketDnsConfig config;
    private final LiveCatalog catalog;
    private final Resolver resolver;
    private final List<AutoCloseable> running = new ArrayList<>();
    private CatalogSource source;
    private HttpConnector http;
    private Metrics metrics;
    private OpsServer ops;

    private Service(BucketDnsConfig config) {
        this.config = config;
        this.catalog = new LiveCatalog();
        this.resolver = new Resolver(config.zones());
    }

    /** Loads the catalog only: for one-shot commands such as {@code lookup} and {@code check}. */
    public static Service loadCatalog(BucketDnsConfig config) {
        Service s = new Service(config);
        try {
            s.startCatalog();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Loads the catalog and starts every configured frontend. */
    public static Service start(BucketDnsConfig config) {
        Service s = loadCatalog(config);
        try {
            s.startFrontends();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startFrontends() {
        QueryObserver observer = QueryObserver.NONE;
        if (config.ops().listen() != null) {
            metrics = new Metrics(Version.current(), () -> catalog);
            observer = metrics;
            Duration maxStaleness = config.catalog().source() == BucketDnsConfig.Source.FILE ? null : config.catalog().maxStaleness();
            ops = listen(config.ops().listen(), "ops", a -> new OpsServer(a, metrics, () -> Readiness.of(catalog, maxStaleness, Instant.now())));
            LOG.info("ops: http://{}:{}/metrics /healthz /readyz", config.ops().listen().getHostString(), ops.address().getPort());
        }
        if (config.ops().queryLogEvery() > 0) {
            observer = observer.and(new QueryLog(config.ops().queryLogEvery()));
        }
        if (config.remoteBackend() != null) {
            RemoteBackend backend = new RemoteBackend(resolver, catalog, source, config.zones(), config.debug(), observer, "http");
            http = listen(config.remoteBackend(), "powerdns remote backend", a -> HttpConnector.start(a, backend));
            LOG.info("powerdns remote backend: http://{}:{}/dns", config.remoteBackend().getHostString(), http.address().getPort());
        }
    }

    private interface Listener<T extends AutoCloseable> {
        T bind(InetSocketAddress address) throws IOException;
    }

    /** Binds one listener and registers it for close; a busy port is one clear line, not a stack trace. */
    private <T extends AutoCloseable> T listen(InetSocketAddress address, String what, Listener<T> listener) {
        try {
            T t = listener.bind(address);
            running.add(t);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for " + what + " on " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    private void startCatalog() {
        source = switch (config.catalog().source()) {
            case FILE -> fileSource();
            case RGW -> new RgwCatalogSource(config);
        };
        running.add(source);
        source.start(catalog);
    }

    private CatalogSource fileSource() {
        Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
        config.zonegroupHostnames().forEach((name, host) -> zonegroups.put(name, new Zonegroup(name, host)));
        String def = config.catalog().defaultZonegroup();
        // ConfigLoader guarantees a named default exists; without one, the first zonegroup configured.
        Zonegroup fallback = def != null ? zonegroups.get(def) : zonegroups.values().iterator().next();
        return new FileCatalogSource(config.catalog().file(), zonegroups, fallback);
    }

    /** The configuration in force. */
    public BucketDnsConfig config() {
        return config;
    }

    /** The live catalog. */
    public LiveCatalog catalog() {
        return catalog;
    }

    /** The rules, for the configured zones. */
    public Resolver resolver() {
        return resolver;
    }

    /** The ops endpoints, or null when they are off. */
    public OpsServer ops() {
        return ops;
    }

    /** The PowerDNS HTTP connector, or null when it is off. */
    public HttpConnector http() {
        return http;
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", running.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        running.clear();
    }
}
