package io.bucketdns;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.catalog.CatalogWriter;
import java.util.concurrent.CopyOnWriteArrayList;
import io.bucketdns.file.FileCatalogSource;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigException;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.config.Reload;
import io.bucketdns.dns.Authority;
import io.bucketdns.dns.QueryObserver;
import io.bucketdns.dns.Resolver;
import io.bucketdns.haproxy.HaproxyFeed;
import io.bucketdns.ops.Logging;
import io.bucketdns.ops.Metrics;
import io.bucketdns.ops.OpsServer;
import io.bucketdns.ops.QueryLog;
import io.bucketdns.ops.Readiness;
import io.bucketdns.pdns.HttpConnector;
import io.bucketdns.pdns.RemoteBackend;
import io.bucketdns.pdns.UnixConnector;
import io.bucketdns.rgw.AdminCallObserver;
import io.bucketdns.rgw.RgwCatalogSource;
import io.bucketdns.server.DnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bucketdns running: the catalog and its source, the rules, and every frontend the config switches
 * on (PowerDNS http and unix connectors, the DNS server, the ops endpoints).
 *
 * <p>{@link #reload()} re-reads the config file: a bad file is refused and the running config keeps
 * serving; a good one replaces the rules at once, the catalog only when its settings changed, and
 * only the listeners whose addresses changed, so PowerDNS's open connections and the DNS sockets
 * survive a reload; a DNS address kept in a changed {@code [dns] listen} keeps its socket.
 */
public final class Service implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Service.class);

    /** A running listener, and the address settings it was started with. */
    private record Frontend(Object address, AutoCloseable handle) {}

    private volatile BucketDnsConfig config;
    // written under reload's lock, read by metrics and readiness on other threads
    private volatile LiveCatalog catalog;
    private volatile CatalogSource source;
    private volatile CatalogWriter writer;
    /** Consumers of catalog changes; a reload that builds a new catalog hands them to its writer. */
    private final List<CatalogListener> listeners = new CopyOnWriteArrayList<>();
    private final LiveAuthority authority;
    private volatile Metrics metrics;
    private final Map<String, Frontend> frontends = new LinkedHashMap<>();
    /** Serializes reloads; the service's own lock is taken only to swap, so a catalog's full load does not hold up close(). */
    private final Object reloading = new Object();
    private boolean closed;
    /** Keeps HAProxy's bucket map current; null when {@code [haproxy]} is off. */
    private volatile HaproxyFeed haproxy;

    private Service(BucketDnsConfig config) {
        this.config = config;
        this.catalog = new LiveCatalog();
        this.writer = new CatalogWriter(catalog);
        this.source = startSource(config, writer, this::rgwCall);
        this.authority = new LiveAuthority(state(config, catalog, source, QueryObserver.NONE));
    }

    /** Loads the catalog only: for one-shot commands such as {@code lookup}, {@code check} and {@code pipe}. */
    public static Service loadCatalog(BucketDnsConfig config) {
        return new Service(config);
    }

    /** RGW requests are counted once the ops endpoints exist; the source starts before them. */
    private void rgwCall(String endpoint, String result, long nanos) {
        Metrics m = metrics;
        if (m != null) {
            m.called(endpoint, result, nanos);
        }
    }

    /** Loads the catalog and starts every configured frontend. */
    public static Service start(BucketDnsConfig config) {
        Service s = loadCatalog(config);
        try {
            s.startFrontends(config);
            s.feedHaproxy(config.haproxy());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Re-reads the config file and applies it.
     *
     * @return a one-line summary of what changed
     * @throws ConfigException when the new file is bad; nothing was changed
     * @throws RuntimeException when a new listener or catalog could not start; nothing was changed
     */
    public String reload() {
        synchronized (reloading) {
            BucketDnsConfig next = ConfigLoader.load(config.file());
            Catalogs fresh = null;
            if (next.differs(config, Reload.REBUILD)) {
                // the new catalog loads while the old one keeps answering
                LiveCatalog c = new LiveCatalog();
                CatalogWriter w = new CatalogWriter(c);
                listeners.forEach(w::addListener);
                try {
                    fresh = new Catalogs(c, w, startSource(next, w, this::rgwCall));
                } catch (RuntimeException e) {
                    w.close();
                    throw e;
                }
            }
            return apply(next, fresh);
        }
    }

    /** A catalog with its writer and source, as a reload builds them. */
    private record Catalogs(LiveCatalog catalog, CatalogWriter writer, CatalogSource source) {
        void close() {
            closeQuietly(source);
            writer.close();
        }
    }

    /** @param fresh the new catalog when its settings changed; null to keep the one in force */
    private synchronized String apply(BucketDnsConfig next, Catalogs fresh) {
        List<String> changed = new ArrayList<>();
        Map<String, Frontend> replaced = new LinkedHashMap<>();
        DnsServer.Change dnsChange = null;
        try {
            if (closed) {
                throw new IllegalStateException("stopping");
            }
            Map<String, Object> wanted = addresses(next);
            for (Map.Entry<String, Object> w : wanted.entrySet()) {
                Frontend old = frontends.get(w.getKey());
                if (!Objects.equals(old == null ? null : old.address(), w.getValue())) {
                    if (old != null && w.getValue() != null && old.handle() instanceof DnsServer dns) {
                        dnsChange = dns.change(next.dnsListen());
                    } else {
                        replaced.put(w.getKey(), w.getValue() == null ? null : new Frontend(w.getValue(), bind(w.getKey(), next)));
                    }
                    changed.add(w.getKey() + " " + describe(w.getValue()));
                }
            }
        } catch (IOException e) {
            abort(replaced, null, fresh);
            throw new UncheckedIOException("cannot listen for dns on " + describe(next.dnsListen()) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abort(replaced, dnsChange, fresh);
            throw e;
        }
        // Past this point nothing can fail: swap everything in, then let the old parts go.
        Catalogs old = new Catalogs(catalog, writer, source);
        BucketDnsConfig previous = config;
        config = next;
        if (fresh != null) {
            catalog = fresh.catalog();
            writer = fresh.writer();
            source = fresh.source();
        }
        authority.replace(state(next, catalog, source, observer(next)));
        for (Map.Entry<String, Frontend> r : replaced.entrySet()) {
            Frontend gone = r.getValue() == null ? frontends.remove(r.getKey()) : frontends.put(r.getKey(), r.getValue());
            if (gone != null) {
                closeQuietly(gone.handle());
            }
        }
        if (dnsChange != null) {
            dnsChange.commit();
            frontends.put("dns", new Frontend(next.dnsListen(), frontends.get("dns").handle()));
        }
        if (dns() != null) {
            dns().rateLimit(next.dnsRateLimit());
        }
        if (fresh != null) {
            old.close();
            changed.add(0, "catalog " + next.catalog().source().name().toLowerCase(java.util.Locale.ROOT) + " reloaded ("
                    + catalog.current().size() + " buckets)");
        }
        if (!Objects.equals(previous.haproxy(), next.haproxy())) {
            feedHaproxy(next.haproxy());
            changed.add("haproxy map " + (next.haproxy() == null ? "off" : next.haproxy().map()));
        }
        Logging.configure(next.ops().jsonLogs(), next.debug());
        next.warnings().forEach(w -> LOG.warn("config: {}", w)); // as at start: a reload must not hide them
        String summary = "zones " + next.zones().stream().map(z -> z.name()).toList()
                + (changed.isEmpty() ? "; listeners unchanged" : "; " + String.join(", ", changed));
        LOG.info("reload: config {} applied: {}", next.file(), summary);
        return summary;
    }

    /** Undoes a reload that failed half-way: what it bound and the catalog it started. */
    private static void abort(Map<String, Frontend> replaced, DnsServer.Change dnsChange, Catalogs fresh) {
        replaced.values().stream().filter(Objects::nonNull).forEach(f -> closeQuietly(f.handle()));
        if (dnsChange != null) {
            dnsChange.abort();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    /** Replaces the HAProxy map feed by one for {@code settings} (null: none). */
    private synchronized void feedHaproxy(BucketDnsConfig.Haproxy settings) {
        HaproxyFeed old = haproxy;
        if (old != null) {
            listeners.remove(old);
            writer.removeListener(old);
            old.close();
            haproxy = null;
        }
        if (settings != null) {
            HaproxyFeed feed = HaproxyFeed.create(settings, () -> catalog.isLoaded());
            addCatalogListener(feed);
            haproxy = feed.start(catalog.current());
            LOG.info("haproxy: feeding map {}{}", settings.map(), settings.runtimeSocket() == null ? " (file only)" : "");
        }
    }

    /** The HAProxy map feed, or null when it is off. */
    public HaproxyFeed haproxy() {
        return haproxy;
    }

    private void startFrontends(BucketDnsConfig cfg) {
        authority.replace(state(cfg, catalog, source, observer(cfg)));
        for (Map.Entry<String, Object> w : addresses(cfg).entrySet()) {
            if (w.getValue() != null) {
                frontends.put(w.getKey(), new Frontend(w.getValue(), bind(w.getKey(), cfg)));
            }
        }
    }

    /** Every frontend and the address settings it listens on (null: off), in start order. */
    private static Map<String, Object> addresses(BucketDnsConfig cfg) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("ops", cfg.ops().listen());
        a.put("http", cfg.remoteBackend());
        a.put("unix", cfg.unixSocket());
        a.put("dns", cfg.dnsListen().isEmpty() ? null : cfg.dnsListen());
        return a;
    }

    private AutoCloseable bind(String frontend, BucketDnsConfig cfg) {
        try {
            return switch (frontend) {
                case "ops" -> {
                    // the config in force at each check, not at bind: a reload keeps this socket
                    OpsServer ops = new OpsServer(cfg.ops().listen(), metrics(),
                            () -> Readiness.of(catalog, maxStaleness(config), Instant.now()), this::reload);
                    LOG.info("ops: http://{}:{}/metrics /healthz /readyz /reload", cfg.ops().listen().getHostString(), ops.address().getPort());
                    yield ops;
                }
                case "http" -> {
                    HttpConnector http = HttpConnector.start(cfg.remoteBackend(), remoteBackend("http"));
                    LOG.info("powerdns remote backend: http://{}:{}/dns", cfg.remoteBackend().getHostString(), http.address().getPort());
                    yield http;
                }
                case "unix" -> {
                    UnixConnector unix = UnixConnector.start(cfg.unixSocket().path(), cfg.unixSocket().mode(), cfg.unixSocket().group(),
                            remoteBackend("unix"));
                    LOG.info("powerdns remote backend: unix:path={}", cfg.unixSocket().path());
                    yield unix;
                }
                case "dns" -> {
                    DnsServer dns = DnsServer.start(cfg.dnsListen(), authority, DnsServer.Limits.defaults(), cfg.dnsRateLimit());
                    LOG.info("dns server: udp and tcp on {}", dns.addresses());
                    yield dns;
                }
                default -> throw new IllegalArgumentException(frontend);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for " + frontend + " on " + describe(addresses(cfg).get(frontend)) + ": "
                    + e.getMessage(), e);
        }
    }

    /** How stale the catalog may be before the instance is not ready; null for the file source, which cannot go stale. */
    private static Duration maxStaleness(BucketDnsConfig cfg) {
        return cfg.catalog().source() == BucketDnsConfig.Source.FILE ? null : cfg.catalog().maxStaleness();
    }

    /** The PowerDNS remote-backend protocol over this service's authority, for a transport named {@code frontend}. */
    public RemoteBackend remoteBackend(String frontend) {
        return new RemoteBackend(authority, frontend);
    }

    private Metrics metrics() {
        if (metrics == null) {
            metrics = new Metrics(Version.current(), () -> catalog);
            metrics.haproxy(() -> haproxy == null ? null : haproxy.status());
        }
        return metrics;
    }

    private QueryObserver observer(BucketDnsConfig cfg) {
        QueryObserver observer = cfg.ops().listen() != null ? metrics() : QueryObserver.NONE;
        return cfg.ops().queryLogEvery() > 0 ? observer.and(new QueryLog(cfg.ops().queryLogEvery())) : observer;
    }

    private static LiveAuthority.State state(BucketDnsConfig cfg, LiveCatalog catalog, CatalogSource source, QueryObserver observer) {
        return new LiveAuthority.State(cfg.zones(), new Resolver(cfg.zones()), catalog, source, observer);
    }

    private static CatalogSource startSource(BucketDnsConfig config, CatalogWriter writer, AdminCallObserver rgwCalls) {
        CatalogSource source = switch (config.catalog().source()) {
            case FILE -> fileSource(config);
            case RGW -> new RgwCatalogSource(config, rgwCalls);
        };
        try {
            source.start(writer);
        } catch (RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
        return source;
    }

    private static CatalogSource fileSource(BucketDnsConfig config) {
        Map<String, Zonegroup> zonegroups = new LinkedHashMap<>();
        config.zonegroupHostnames().forEach((name, host) -> zonegroups.put(name, new Zonegroup(name, host)));
        String def = config.catalog().defaultZonegroup();
        // ConfigLoader guarantees a named default exists; without one, the first zonegroup configured.
        Zonegroup fallback = def != null ? zonegroups.get(def) : zonegroups.values().iterator().next();
        return new FileCatalogSource(config.catalog().file(), zonegroups, fallback);
    }

    private static String describe(Object address) {
        if (address == null) {
            return "off";
        }
        if (address instanceof java.net.InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }
        return address.toString();
    }

    /** The configuration in force. */
    public BucketDnsConfig config() {
        return config;
    }

    /** The writer of the catalog in force. */
    public CatalogWriter writer() {
        return writer;
    }

    /**
     * Tells {@code listener} about every catalog change from now on, across reloads: a reload that
     * builds a new catalog tells it with a whole replacement.
     */
    public synchronized void addCatalogListener(CatalogListener listener) {
        listeners.add(listener);
        writer.addListener(listener);
    }

    /** The live catalog in force. */
    public LiveCatalog catalog() {
        return catalog;
    }

    /** What every frontend answers from. */
    public Authority authority() {
        return authority;
    }

    /** The ops endpoints, or null when they are off. */
    public OpsServer ops() {
        Frontend f = frontends.get("ops");
        return f == null ? null : (OpsServer) f.handle();
    }

    /** The PowerDNS HTTP connector, or null when it is off. */
    public HttpConnector http() {
        Frontend f = frontends.get("http");
        return f == null ? null : (HttpConnector) f.handle();
    }

    /** The standalone DNS server, or null when it is off. */
    public DnsServer dns() {
        Frontend f = frontends.get("dns");
        return f == null ? null : (DnsServer) f.handle();
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<Frontend> all = new ArrayList<>(frontends.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            closeQuietly(all.get(i).handle());
        }
        frontends.clear();
        if (haproxy != null) {
            haproxy.close();
        }
        closeQuietly(source);
        writer.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
