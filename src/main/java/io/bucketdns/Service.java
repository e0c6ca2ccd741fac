package io.bucketdns;

import io.bucketdns.catalog.CatalogSource;
import io.bucketdns.catalog.FileCatalogSource;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigException;
import io.bucketdns.dns.Resolver;
import io.bucketdns.pdns.HttpConnector;
import io.bucketdns.pdns.RemoteBackend;
import io.bucketdns.pdns.UnixConnector;
import io.bucketdns.server.DnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private final RemoteBackend backend;
    private final List<AutoCloseable> running = new ArrayList<>();
    private HttpConnector http;
    private DnsServer dns;

    private Service(BucketDnsConfig config) {
        this.config = config;
        this.catalog = new LiveCatalog();
        this.resolver = new Resolver(config.zones());
        this.backend = new RemoteBackend(resolver, catalog, config.zones(), config.debug());
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
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startFrontends() throws IOException {
        if (config.remoteBackend() != null) {
            try {
                http = HttpConnector.start(config.remoteBackend(), backend);
            } catch (IOException e) {
                throw new IOException("cannot listen on " + config.remoteBackend() + ": " + e.getMessage(), e);
            }
            running.add(http);
            LOG.info("powerdns remote backend: http://{}:{}/dns", config.remoteBackend().getHostString(), http.address().getPort());
        }
        if (config.unixSocket() != null) {
            running.add(UnixConnector.start(config.unixSocket(), backend));
            LOG.info("powerdns remote backend: unix:path={}", config.unixSocket());
        }
        if (!config.dnsListen().isEmpty()) {
            dns = DnsServer.start(config.dnsListen(), resolver, catalog, DnsServer.Limits.defaults());
            running.add(dns);
            LOG.info("dns server: udp and tcp on {}", dns.addresses());
        }
    }

    private void startCatalog() {
        CatalogSource source = switch (config.catalog().source()) {
            case FILE -> fileSource();
            case RGW -> throw new ConfigException(config.file(), 0, "[catalog] source = rgw is not available in this build",
                    "use [catalog] source = file with a bucket file");
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

    /** The PowerDNS remote-backend protocol, shared by the http, unix and pipe connectors. */
    public RemoteBackend remoteBackend() {
        return backend;
    }

    /** The PowerDNS HTTP connector, or null when it is off. */
    public HttpConnector http() {
        return http;
    }

    /** The standalone DNS server, or null when {@code [dns] listen} is empty. */
    public DnsServer dns() {
        return dns;
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
