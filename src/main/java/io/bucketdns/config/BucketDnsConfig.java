package io.bucketdns.config;

import io.bucketdns.answer.Zone;
import io.bucketdns.frontend.dns.RateLimit;
import io.bucketdns.tls.TlsTrust;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration, validated: every value here is usable as is. Built by {@link
 * ConfigLoader}; immutable.
 *
 * @param file the file it was read from; null for the built-in defaults
 * @param remoteBackend the PowerDNS remote-backend HTTP listener; null when switched off
 * @param unixSocket the PowerDNS remote-backend unix socket; null when switched off
 * @param zones the served global zones with their answer settings
 * @param rgw how to reach the RGW Admin Ops API
 * @param debug the seed's {@code debug} flag: more logging
 * @param catalog where the bucket map comes from
 * @param zonegroupHostnames {@code [zonegroup.NAME] hostname} overrides, by zonegroup name
 * @param dnsListen addresses of the standalone DNS server; empty when it is off
 * @param dnsRateLimit response rate limiting of the standalone DNS server over UDP
 * @param ops the operators' settings: metrics and health listener, logs
 * @param warnings things that work but look like mistakes, for the log and {@code check}
 * @param haproxy the HAProxy map bucketdns keeps current; null when off
 * @param xfr zone transfers and NOTIFY ({@code [xfr]})
 * @param settings every value in force, defaults included, as the {@link Schema} declares them:
 *     what {@code bucketdns config} prints and what a reload compares
 */
public record BucketDnsConfig(
        Path file,
        InetSocketAddress remoteBackend,
        UnixSocket unixSocket,
        List<Zone> zones,
        Rgw rgw,
        boolean debug,
        CatalogSettings catalog,
        Map<String, String> zonegroupHostnames,
        List<InetSocketAddress> dnsListen,
        RateLimit.Settings dnsRateLimit,
        Ops ops,
        List<String> warnings,
        Haproxy haproxy,
        Xfr xfr,
        List<Setting> settings) {

    public BucketDnsConfig {
        zones = List.copyOf(zones);
        zonegroupHostnames = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(zonegroupHostnames));
        dnsListen = List.copyOf(dnsListen);
        warnings = List.copyOf(warnings);
        settings = List.copyOf(settings);
    }

    /**
     * Whether a value whose key has reload scope {@code scope} differs between this config and
     * {@code other}: set in one only, set to another value, or a file it names read differently.
     */
    public boolean differs(BucketDnsConfig other, Reload scope) {
        return !values(scope).equals(other.values(scope));
    }

    /** The value of a {@code duration} key, as the config sets it or its default. */
    public Duration duration(Key key) {
        return parsed(key, Type.Span.class, (t, v) -> t.parse(v, ""));
    }

    /** The value of a {@code whole number} key. */
    public long number(Key key) {
        return parsed(key, Type.Whole.class, (t, v) -> t.parse(v, ""));
    }

    /** The value of a key that is one of a few words, as the schema spells it. */
    public String choice(Key key) {
        return parsed(key, Type.OneOf.class, (t, v) -> t.parse(v));
    }

    /** The value of a {@code true or false} key. */
    public boolean flag(Key key) {
        return parsed(key, Type.Flag.class, (t, v) -> t.parse(v));
    }

    private interface Parse<T extends Type, V> {
        V parse(T type, String value) throws Type.Invalid;
    }

    private <T extends Type, V> V parsed(Key key, Class<T> type, Parse<T, V> parse) {
        for (Setting s : settings) {
            if (s.key().equals(key) && s.section().equals(key.section())) {
                try {
                    return parse.parse(type.cast(key.type()), s.value());
                } catch (Type.Invalid e) {
                    throw new IllegalStateException("the loader let " + key.id() + " = " + s.value() + " through", e);
                }
            }
        }
        throw new IllegalArgumentException(key.id() + " was not read from this config");
    }

    private Map<String, List<String>> values(Reload scope) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (Setting s : settings) {
            if (s.key().reload() == scope) {
                out.put(s.id(), java.util.Arrays.asList(s.value(), s.content()));
            }
        }
        return out;
    }

    /**
     * Zone transfers and NOTIFY.
     *
     * @param allow networks that may transfer the zones; empty: transfers off
     * @param keys TSIG keys; with any, a transfer must be signed with one
     * @param secondaries where NOTIFY goes ({@code notify})
     */
    public record Xfr(List<RateLimit.Network> allow, List<io.bucketdns.frontend.dns.TsigKey> keys, List<InetSocketAddress> secondaries) {
        public Xfr {
            allow = List.copyOf(allow);
            keys = List.copyOf(keys);
            secondaries = List.copyOf(secondaries);
        }
    }

    /**
     * The RGW Admin Ops API.
     *
     * @param endpoints base URLs (scheme, host, port), tried in order
     * @param adminEntry the admin path prefix, {@code admin} by default
     * @param accessKey access key of a user with {@code metadata=read;zone=read;mdlog=read}
     * @param secretKey its secret; never printed
     * @param signature how requests are signed
     * @param tls which certificates https endpoints may present
     */
    public record Rgw(List<String> endpoints, String adminEntry, String accessKey, String secretKey, Signature signature, TlsTrust tls) {
        public Rgw {
            endpoints = List.copyOf(endpoints);
        }

        @Override
        public String toString() {
            return "Rgw[endpoints=" + endpoints + ", adminEntry=" + adminEntry + ", accessKey=" + accessKey
                    + ", secretKey=***, signature=" + signature + ", tls=" + tls + "]";
        }
    }

    /**
     * The PowerDNS unix connector's socket ({@code [powerdns] unix_socket*}).
     *
     * @param path absolute
     * @param mode its permissions; connecting needs write permission
     * @param group the group it is given (the one PowerDNS runs as); null: the process's own
     */
    public record UnixSocket(Path path, Set<PosixFilePermission> mode, String group) {
        public UnixSocket {
            mode = Set.copyOf(mode);
        }

        /** As PowerDNS's connection string names it. */
        @Override
        public String toString() {
            return "unix:path=" + path;
        }
    }

    /**
     * The {@code [ops]} section.
     *
     * @param listen the HTTP listener for {@code /metrics}, {@code /healthz}, {@code /readyz}; null when off
     * @param jsonLogs one JSON object per log line instead of plain text
     * @param queryLogEvery log one question in this many; 0 for no query log
     */
    public record Ops(InetSocketAddress listen, boolean jsonLogs, long queryLogEvery) {}

    /**
     * The {@code [haproxy]} section: the bucket map that lets HAProxy route path-style requests.
     *
     * @param map the map file (absolute), also the map's name on HAProxy's runtime API
     * @param runtimeSocket HAProxy's admin socket (a {@link java.net.UnixDomainSocketAddress} or an
     *     {@link InetSocketAddress}); null to keep only the file current
     * @param omitZonegroup the zonegroup whose buckets stay out of the map (the proxy's default
     *     backend serves them); null to list every bucket
     * @param regionMap the S3-region map (absolute): {@code api_name zonegroup} a line
     * @param lookup where HAProxy's Lua action asks about buckets the map lacks; null: off
     */
    public record Haproxy(Path map, java.net.SocketAddress runtimeSocket, String omitZonegroup, Path regionMap, InetSocketAddress lookup) {
        /** The settings with the region map beside the bucket map and no look-up. */
        public Haproxy(Path map, java.net.SocketAddress runtimeSocket, String omitZonegroup) {
            this(map, runtimeSocket, omitZonegroup, map.resolveSibling(DEFAULT_REGION_MAP), null);
        }

        /** The region map's file name when {@code region_map} is unset: beside the bucket map. */
        public static final String DEFAULT_REGION_MAP = "regions.map";

        @Override
        public String toString() {
            return "map " + map;
        }
    }

    /** The AWS signature version of Admin Ops requests ({@code [powerdns] rgw_signature}). */
    public enum Signature {
        /** AWS Signature Version 4, what RGW expects by default. */
        V4,
        /** AWS Signature Version 2, for gateways that have v4 switched off. */
        V2
    }

    /** Where bucket locations come from. */
    public enum Source {
        /** The RGW Admin Ops API: full load, then the metadata log. */
        RGW,
        /** A local "bucket zonegroup" file, reloaded when it changes. */
        FILE
    }

    /**
     * The {@code [catalog]} section.
     *
     * @param source where bucket locations come from
     * @param file the bucket file (absolute), for the file source; null otherwise
     * @param defaultZonegroup where unknown buckets go; null for the RGW master zonegroup (or, for
     *     the file source, the first zonegroup configured)
     * @param snapshot where the rgw source keeps a copy of the catalog for answering at once after a
     *     restart, even while RGW is unreachable (absolute); null for none
     * @param maxStaleness how old the catalog may grow while RGW is unreachable before it counts as
     *     stale (logged now; for readiness later)
     * @param missLookupsPerSecond how many unknown buckets per second the rgw source may look up in
     *     RGW on demand; 0 for none
     * @param relistInterval how often the rgw source lists every bucket again, as a safety net
     *     beside the metadata log (the wait runs from the end of one to the start of the next)
     * @param logSweep how long the rgw source takes to read every shard of the metadata log once
     *     while nothing asks for more: the trade-off between idle requests to RGW and how soon a
     *     change nobody asks about is seen
     * @param missWait how long a question for an unknown bucket may wait for its on-demand RGW
     *     look-up before it is answered by policy
     */
    public record CatalogSettings(
            Source source,
            Path file,
            String defaultZonegroup,
            Path snapshot,
            Duration maxStaleness,
            int missLookupsPerSecond,
            Duration relistInterval,
            Duration logSweep,
            Duration missWait) {}
}
