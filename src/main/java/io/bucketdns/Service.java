package io.bucketdns;

import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.CatalogWriter;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Readiness;
import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.component.SourceSetup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigException;
import io.bucketdns.config.ConfigLoader;
import io.bucketdns.config.Reload;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.Resolver;
import io.bucketdns.source.file.FileCatalogSource;
import io.bucketdns.feed.haproxy.HaproxySetup;
import io.bucketdns.feed.notify.NotifySetup;
import io.bucketdns.frontend.proxy.LookupSetup;
import io.bucketdns.frontend.ops.Logging;
import io.bucketdns.frontend.ops.Metrics;
import io.bucketdns.frontend.ops.OpsServer;
import io.bucketdns.frontend.ops.OpsSetup;
import io.bucketdns.frontend.ops.QueryLog;
import io.bucketdns.frontend.pdns.HttpSetup;
import io.bucketdns.frontend.pdns.RemoteBackend;
import io.bucketdns.frontend.pdns.UnixSetup;
import io.bucketdns.source.rgw.RgwCatalogSource;
import io.bucketdns.frontend.dns.DnsServer;
import io.bucketdns.frontend.dns.DnsSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bucketdns running: the catalog and its source, the rules, and every component the config
 * switches on ({@link #SETUPS}: the ops endpoints, PowerDNS's http and unix connectors, the DNS
 * server, the HAProxy map feed and the HAProxy look-up).
 *
 * <p>{@link #reload()} re-reads the config file: a bad file is refused and the running config keeps
 * serving; a good one replaces the rules at once, the catalog only when a key declared {@link
 * Reload#REBUILD} changed, and only the components whose settings changed, so PowerDNS's open
 * connections and the DNS sockets survive a reload.
 *
 * <p>It is past 350 lines because it is also the {@link Context} every component gets (catalog,
 * listeners, metrics, readiness, reload) and the reload's prepare-all-then-commit-all protocol;
 * the components themselves live in their packages.
 */
public final class Service implements AutoCloseable, Context {
    private static final Logger LOG = LoggerFactory.getLogger(Service.class);

    /** Every kind of component, in start order (stopped in reverse). A new frontend or feed is one line here. */
    static final List<Setup<?, ?>> SETUPS = List.of(new OpsSetup(), new HttpSetup(), new UnixSetup(), new DnsSetup(), new NotifySetup(),
            new HaproxySetup(), new LookupSetup());

    /** Every kind of catalog source; {@code [catalog] source} picks one. */
    static final List<SourceSetup> SOURCES = List.of(
            new SourceSetup(BucketDnsConfig.Source.FILE, (config, context) -> FileCatalogSource.of(config)),
            new SourceSetup(BucketDnsConfig.Source.RGW, (config, context) -> new RgwCatalogSource(config, context::rgwCall)));

    /** A running component and the settings it was started from. */
    private record Running<C extends AutoCloseable, S>(Setup<C, S> setup, C component, S settings) {
        String describe() {
            return setup.describe(settings);
        }
    }

    private volatile BucketDnsConfig config;
    // written under reload's lock, read by metrics and readiness on other threads
    private volatile LiveCatalog catalog;
    private volatile CatalogSource source;
    private volatile CatalogWriter writer;
    /** A reload's new catalog while its components are prepared: listeners added meanwhile must reach it too. */
    private volatile CatalogWriter pending;
    /** Consumers of catalog changes; a reload that builds a new catalog hands them to its writer. */
    private final List<CatalogListener> listeners = new CopyOnWriteArrayList<>();
    private final LiveAuthority authority;
    private volatile Metrics metrics;
    private final List<Setup<?, ?>> setups;
    private final Map<Setup<?, ?>, Running<?, ?>> running = new LinkedHashMap<>();
    /** Serializes reloads; the service's own lock is taken only to swap, so a catalog's full load does not hold up close(). */
    private final Object reloading = new Object();
    private boolean closed;

    private Service(BucketDnsConfig config, List<Setup<?, ?>> setups) {
        this.config = config;
        this.setups = List.copyOf(setups);
        this.catalog = new LiveCatalog();
        this.writer = new CatalogWriter(catalog);
        this.source = startSource(config, writer);
        this.authority = new LiveAuthority(state(config, catalog, source, QueryObserver.NONE));
    }

    /** Loads the catalog only: for one-shot commands such as {@code lookup}, {@code check} and {@code pipe}. */
    public static Service loadCatalog(BucketDnsConfig config) {
        return new Service(config, SETUPS);
    }

    /** RGW requests are counted once the ops endpoints exist; the source starts before them. */
    @Override
    public void rgwCall(String endpoint, String result, long nanos) {
        Metrics m = metrics;
        if (m != null) {
            m.called(endpoint, result, nanos);
        }
    }

    /** Loads the catalog and starts every component the config switches on. */
    public static Service start(BucketDnsConfig config) {
        return start(config, SETUPS);
    }

    /** Starts with other components than the shipped ones: for tests of the reload protocol. */
    static Service start(BucketDnsConfig config, List<Setup<?, ?>> setups) {
        Service s = new Service(config, setups);
        try {
            s.startComponents(config);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private synchronized void startComponents(BucketDnsConfig cfg) {
        authority.replace(state(cfg, catalog, source, observer(cfg)));
        for (Setup<?, ?> setup : setups) {
            Running<?, ?> r = startOne(setup, cfg);
            if (r != null) {
                running.put(setup, r);
            }
        }
    }

    private <C extends AutoCloseable, S> Running<C, S> startOne(Setup<C, S> setup, BucketDnsConfig cfg) {
        S settings = setup.settings(cfg);
        if (settings == null) {
            return null;
        }
        try {
            return started(new Running<>(setup, setup.start(cfg, this), settings));
        } catch (IOException e) {
            throw cannotListen(setup, setup.describe(settings), e);
        }
    }

    private static UncheckedIOException cannotListen(Setup<?, ?> setup, String where, IOException e) {
        return new UncheckedIOException("cannot listen for " + setup.name() + " on " + where + ": " + e.getMessage(), e);
    }

    /**
     * Re-reads the config file and applies it.
     *
     * @return a one-line summary of what changed
     * @throws ConfigException when the new file is bad; nothing was changed
     * @throws RuntimeException when a new listener or catalog could not start; nothing was changed
     */
    @Override
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
                    fresh = new Catalogs(c, w, startSource(next, w));
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
            Context.closeQuietly(source);
            writer.close();
        }
    }

    /** One component's prepared move, and what the service holds for it once committed (null: stopped). */
    private record Step(Running<?, ?> after, Runnable commit, Runnable abort) {
        String describe() {
            return after == null ? "off" : after.describe();
        }
    }

    /** @param fresh the new catalog when its settings changed; null to keep the one in force */
    private synchronized String apply(BucketDnsConfig next, Catalogs fresh) {
        List<String> changed = new ArrayList<>();
        Map<Setup<?, ?>, Step> steps = new LinkedHashMap<>();
        pending = fresh == null ? null : fresh.writer();
        try {
            if (closed) {
                throw new IllegalStateException("stopping");
            }
            for (Setup<?, ?> setup : setups) {
                Step step = prepare(setup, next);
                if (step != null) {
                    steps.put(setup, step);
                    changed.add(setup.name() + " " + step.describe());
                }
            }
        } catch (RuntimeException e) {
            steps.values().forEach(s -> s.abort().run());
            if (fresh != null) {
                fresh.close();
            }
            throw e;
        } finally {
            pending = null;
        }
        // Past this point nothing can fail: swap everything in, then let the old parts go.
        Catalogs old = new Catalogs(catalog, writer, source);
        config = next;
        if (fresh != null) {
            catalog = fresh.catalog();
            writer = fresh.writer();
            source = fresh.source();
        }
        authority.replace(state(next, catalog, source, observer(next)));
        for (Map.Entry<Setup<?, ?>, Step> s : steps.entrySet()) {
            s.getValue().commit().run();
            if (s.getValue().after() == null) {
                running.remove(s.getKey());
            } else {
                running.put(s.getKey(), s.getValue().after());
            }
        }
        inOrder().forEach(r -> update(r, next));
        if (fresh != null) {
            old.close();
            changed.add(0, "catalog " + next.catalog().source().name().toLowerCase(java.util.Locale.ROOT) + " reloaded ("
                    + catalog.current().size() + " buckets)");
        }
        Logging.configure(next.ops().jsonLogs(), next.debug());
        next.warnings().forEach(w -> LOG.warn("config: {}", w)); // as at start: a reload must not hide them
        String summary = "zones " + next.zones().stream().map(z -> z.name()).toList()
                + (changed.isEmpty() ? "; listeners unchanged" : "; " + String.join(", ", changed));
        LOG.info("reload: config {} applied: {}", next.file(), summary);
        return summary;
    }

    /** The move of one component to {@code next}; null when its settings did not change. */
    private <C extends AutoCloseable, S> Step prepare(Setup<C, S> setup, BucketDnsConfig next) {
        @SuppressWarnings("unchecked") // running maps each setup to a Running of its own types
        Running<C, S> now = (Running<C, S>) running.get(setup);
        S wanted = setup.settings(next);
        if (Objects.equals(now == null ? null : now.settings(), wanted)) {
            return null;
        }
        if (wanted == null) {
            return new Step(null, () -> setup.stop(now.component(), this), () -> {});
        }
        try {
            if (now == null) {
                C c = setup.start(next, this);
                return new Step(started(new Running<>(setup, c, wanted)), () -> {}, () -> setup.stop(c, this));
            }
            Setup.Change<C> change = setup.change(now.component(), next, this);
            Running<C, S> after = new Running<>(setup, change.result(), wanted);
            return new Step(change.result() == now.component() ? after : started(after), change.commit(), change.abort());
        } catch (IOException e) {
            throw cannotListen(setup, setup.describe(wanted), e);
        }
    }

    /** The running components in the order of {@code setups}, whatever order reloads started them in. */
    private List<Running<?, ?>> inOrder() {
        return setups.stream().<Running<?, ?>>map(running::get).filter(Objects::nonNull).toList();
    }

    private static <C extends AutoCloseable, S> Running<C, S> started(Running<C, S> r) {
        LOG.info("{}", r.setup().started(r.component(), r.settings()));
        return r;
    }

    private static <C extends AutoCloseable, S> void update(Running<C, S> r, BucketDnsConfig next) {
        r.setup().update(r.component(), next);
    }

    /** How stale the catalog may be before the instance is not ready; null for the file source, which cannot go stale. */
    private static Duration maxStaleness(BucketDnsConfig cfg) {
        return cfg.catalog().source() == BucketDnsConfig.Source.FILE ? null : cfg.catalog().maxStaleness();
    }

    /** The PowerDNS remote-backend protocol over this service's authority, for a transport named {@code frontend}. */
    public RemoteBackend remoteBackend(String frontend) {
        return new RemoteBackend(authority, frontend);
    }

    private Metrics metricsRegistry() {
        if (metrics == null) {
            metrics = new Metrics(Version.current(), () -> catalog);
            metrics.haproxy(() -> {
                io.bucketdns.feed.haproxy.HaproxyFeed feed = component(io.bucketdns.feed.haproxy.HaproxyFeed.class);
                return feed == null ? null : feed.status();
            });
            metrics.udpIo(() -> {
                DnsServer dns = component(DnsServer.class);
                return dns == null ? null : dns.udpIo().configName();
            });
        }
        return metrics;
    }

    private QueryObserver observer(BucketDnsConfig cfg) {
        QueryObserver observer = cfg.ops().listen() != null ? metricsRegistry() : QueryObserver.NONE;
        return cfg.ops().queryLogEvery() > 0 ? observer.and(new QueryLog(cfg.ops().queryLogEvery())) : observer;
    }

    private static LiveAuthority.State state(BucketDnsConfig cfg, LiveCatalog catalog, CatalogSource source, QueryObserver observer) {
        return new LiveAuthority.State(cfg.zones(), new Resolver(cfg.zones()), catalog, source, observer);
    }

    private CatalogSource startSource(BucketDnsConfig config, CatalogWriter writer) {
        SourceSetup setup = SOURCES.stream().filter(s -> s.source() == config.catalog().source()).findFirst().orElseThrow();
        CatalogSource source = setup.create().apply(config, this);
        try {
            source.start(writer);
        } catch (RuntimeException e) {
            Context.closeQuietly(source);
            throw e;
        }
        return source;
    }

    /** The configuration in force. */
    public BucketDnsConfig config() {
        return config;
    }

    /** The writer of the catalog in force. */
    public CatalogWriter writer() {
        return writer;
    }

    @Override
    public synchronized void addCatalogListener(CatalogListener listener) {
        listeners.add(listener);
        writer.addListener(listener);
        CatalogWriter next = pending;
        if (next != null) {
            next.addListener(listener);
        }
    }

    @Override
    public synchronized void removeCatalogListener(CatalogListener listener) {
        listeners.remove(listener);
        writer.removeListener(listener);
    }

    @Override
    public byte[] metrics() {
        return metricsRegistry().scrape();
    }

    @Override
    public Readiness.Verdict readiness() {
        // the config in force at each check, not at start: a reload keeps the ops socket
        return Readiness.of(catalog, maxStaleness(config), Instant.now());
    }

    /** The live catalog in force. */
    @Override
    public LiveCatalog catalog() {
        return catalog;
    }

    /** What every frontend answers from. */
    @Override
    public Authority authority() {
        return authority;
    }

    /** The running component of type {@code type}, or null when the config leaves it off. */
    public synchronized <C> C component(Class<C> type) {
        for (Running<?, ?> r : running.values()) {
            if (type.isInstance(r.component())) {
                return type.cast(r.component());
            }
        }
        return null;
    }

    /** The ops endpoints, or null when they are off. */
    public OpsServer ops() {
        return component(OpsServer.class);
    }

    /** The standalone DNS server, or null when it is off. */
    public DnsServer dns() {
        return component(DnsServer.class);
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<Running<?, ?>> all = inOrder();
        for (int i = all.size() - 1; i >= 0; i--) {
            stop(all.get(i));
        }
        running.clear();
        Context.closeQuietly(source);
        writer.close();
    }

    private <C extends AutoCloseable, S> void stop(Running<C, S> r) {
        r.setup().stop(r.component(), this);
    }
}
