package io.bucketdns.config;

import static io.bucketdns.config.Reload.KEEP;
import static io.bucketdns.config.Reload.REBIND;
import static io.bucketdns.config.Reload.REBUILD;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of {@code rgw-pdns.conf}, one row each, in the style of Knot's config schema: its
 * section, type and range, default, what a reload redoes, and one line of documentation. The
 * loader, the unknown-key check, range errors, {@code bucketdns config}, reload decisions and
 * docs/CONFIGURATION.md are all made from these rows; adding a key is one row here plus the code
 * that uses its value.
 */
public final class Schema {
    /**
     * A section of the file.
     *
     * @param name {@code powerdns}, or a template such as {@code zonegroup.NAME}
     * @param doc what the section is for, one sentence
     */
    public record Section(String name, String doc) {
        /** A template section stands for many: {@code [zonegroup.eu]}, {@code [zone.o.example.com]}. */
        boolean template() {
            return name.endsWith(".NAME");
        }

        String prefix() {
            return name.substring(0, name.length() - "NAME".length());
        }
    }

    private static final int MAX_TTL = Integer.MAX_VALUE;
    private static final Type TTL = new Type.Whole(0, MAX_TTL);
    private static final Type ADDRESS = new Type.Text("host:port");
    private static final Type PATH = new Type.Text("path (relative: to this file's directory)");
    private static final Type NAME = new Type.Text("DNS name");

    /** {@code [dns] tcp_idle_timeout}, read by the DNS server itself. */
    public static final Key DNS_TCP_IDLE_TIMEOUT = Key.of("dns", "tcp_idle_timeout", new Type.Span(Duration.ofSeconds(1), Duration.ofHours(1)),
            "10s", KEEP, "how long a TCP connection may stay idle between questions (Knot's tcp-idle-timeout); a reload applies it to"
                    + " connections accepted after it");

    /** {@code [dns] udp_io}, read by the DNS server's setup. */
    public static final Key DNS_UDP_IO = Key.of("dns", "udp_io", Type.OneOf.of("batched", "nio"), "batched", REBIND,
            "how UDP datagrams move: batched (recvmmsg/sendmmsg, up to 32 a system call, and a wildcard listen answers every"
                    + " address routed to the host from the address asked; Linux on x86-64 or ARM64, elsewhere nio) or nio (the"
                    + " JDK's, one a call; a wildcard stands for the interfaces' addresses); a change needs a restart");

    /** {@code [dns] udp_cpu_affinity}, read by the DNS server's setup. */
    public static final Key DNS_UDP_CPU_AFFINITY = Key.of("dns", "udp_cpu_affinity", new Type.Flag(), "true", REBIND,
            "with udp_io = batched, keep each UDP worker on one CPU and give it the datagrams that arrive on that CPU (Knot's"
                    + " socket-affinity): about half the CPU per answer under load; off where the allowed CPUs are fewer than the"
                    + " workers or other work must have those CPUs; a change needs a restart");

    /** The sections, in the order the reference lists them. */
    public static final List<Section> SECTIONS = List.of(
            new Section("powerdns", "The seed's section, unchanged: the zones, their SOA and TTLs, RGW's admin API, the PowerDNS"
                    + " remote-backend listeners."),
            new Section("catalog", "Where bucket locations come from, and how unknown buckets are answered."),
            new Section("zonegroup.NAME", "One per zonegroup: the host name its buckets' CNAMEs point below."),
            new Section("dns", "The standalone authoritative DNS server (UDP and TCP) and the zones' apex records."),
            new Section("zone.NAME", "Per-zone overrides, for deployments serving several zones: a key marked 'per zone' set here"
                    + " applies to that zone (one of dns_zone) alone."),
            new Section("xfr", "Zone transfers to secondaries (AXFR; IXFR of the changes since a serial) and NOTIFY, so that name servers"
                    + " operators already run (NSD, Knot, PowerDNS, BIND) serve the global zones as secondaries of bucketdns."),
            new Section("haproxy", "Optional: the maps and the look-up of the HAProxy that routes path-style requests; present means on."),
            new Section("ops", "The operators' endpoints and logs."));

    /** Every key, grouped by section. */
    public static final List<Key> KEYS = List.of(
            // [powerdns]: the seed's keys keep its meanings and defaults
            Key.of("powerdns", "listen_addr", new Type.Text("IP address"), "127.0.0.1", REBIND,
                    "address of the PowerDNS remote-backend HTTP listener; empty: off").fromSeed(),
            Key.of("powerdns", "listen_port", new Type.Whole(1, 65535), "6780", REBIND,
                    "its port").fromSeed(),
            Key.of("powerdns", "dns_zone", NAME, "rgw.local.lan", REBUILD,
                    "the global zones served, e.g. o.example.com").listed().fromSeed(),
            Key.of("powerdns", "dns_soa_record", new Type.Text("SOA fields: mname rname serial refresh retry expire minimum"), "", KEEP,
                    "the apex SOA; serial auto: it follows the catalog (what secondaries need to see changes); unset: the seed's names"
                            + " and timers (dns1.icann.org. hostmaster.icann.org. auto 7200 3600 1209600 3600)").zoned().fromSeed(),
            Key.of("powerdns", "dns_soa_ttl", TTL, "3600", KEEP,
                    "TTL of the SOA and NS records, seconds").zoned().fromSeed(),
            Key.of("powerdns", "dns_default_ttl", TTL, "60", KEEP,
                    "TTL of bucket CNAMEs, apex A/AAAA and static records without one, seconds").zoned().fromSeed(),
            Key.of("powerdns", "rgw_endpoint", new Type.Text("host:port or http(s) URL"), "localhost:8080", REBUILD,
                    "RGW gateways of the admin API, tried in order").listed().fromSeed(),
            Key.of("powerdns", "rgw_admin_entry", new Type.Text("path segment"), "admin", REBUILD,
                    "the admin API's path prefix (rgw_admin_entry of radosgw)").fromSeed(),
            Key.of("powerdns", "rgw_access_key", new Type.Text("access key"), "access", REBUILD,
                    "a user with caps metadata=read, zone=read, mdlog=read").fromSeed(),
            Key.of("powerdns", "rgw_secret_key", new Type.Text("secret key"), "secret", REBUILD,
                    "its secret; never logged").hidden().fromSeed(),
            Key.of("powerdns", "debug", new Type.Flag(), "false", KEEP,
                    "more logging").fromSeed(),
            Key.of("powerdns", "rgw_signature", new Type.OneOf(List.of("v4", "v2"), Map.of("4", "v4", "2", "v2")), "v4", REBUILD,
                    "how admin requests are signed: v2 only for gateways with SigV4 switched off"),
            Key.of("powerdns", "rgw_ca_file", PATH, "", REBUILD,
                    "PEM file of the CA(s) that https gateways' certificates chain to; unset: the system's CAs"),
            Key.of("powerdns", "rgw_tls_verify", new Type.Flag(), "true", REBUILD,
                    "false accepts any certificate from https gateways (anyone on the path can then forge the catalog)"),
            Key.of("powerdns", "unix_socket", PATH, "", REBIND,
                    "socket of PowerDNS's unix connector (unix:path=...), at most 107 bytes; unset: off"),
            Key.of("powerdns", "unix_socket_mode", new Type.Text("octal mode, read and write bits"), "0660", REBIND,
                    "its permissions: connecting needs write permission"),
            Key.of("powerdns", "unix_socket_group", new Type.Text("group name or number"), "", REBIND,
                    "its group (the one PowerDNS runs as); unset: the process's own"),

            Key.of("catalog", "source", Type.OneOf.of("rgw", "file"), "rgw", REBUILD,
                    "rgw: RGW's admin API (full load, then its metadata log); file: a local bucket file"),
            Key.of("catalog", "file", PATH, "", REBUILD,
                    "file source: one 'bucket zonegroup' a line, # comments; re-read when it changes"),
            Key.of("catalog", "unknown_bucket", Type.OneOf.of("default", "nxdomain"), "default", KEEP,
                    "a bucket still unknown after its look-up: default, a CNAME to the default zonegroup (so creating a bucket"
                            + " through the global name works); nxdomain").zoned(),
            Key.of("catalog", "default_zonegroup", new Type.Text("zonegroup name"), "", REBUILD,
                    "where unknown buckets go; unset: RGW's master zonegroup (file source: the first [zonegroup.NAME])"),
            Key.of("catalog", "unknown_ttl", TTL, "5", KEEP,
                    "most seconds a guess for an unknown name may be cached (its CNAME TTL, or its negative TTL)").zoned(),
            Key.of("catalog", "snapshot", PATH, "", REBUILD,
                    "rgw source: a copy of the catalog on disk, to answer at once after a restart even with RGW down; unset: none"),
            Key.of("catalog", "max_staleness", new Type.Span(Duration.ZERO, Duration.ofDays(365)), "5m", REBUILD,
                    "rgw source: /readyz turns 503 when RGW has not confirmed the catalog for this long"),
            Key.of("catalog", "miss_lookups_per_second", new Type.Whole(0, 10_000), "20", REBUILD,
                    "unknown names looked up in RGW on demand, at most this many a second; 0: none"),
            Key.of("catalog", "miss_wait", new Type.Span(Duration.ZERO, Duration.ofSeconds(2)), "300ms", REBUILD,
                    "how long a question for an unknown name waits for its look-up; 0: never (a stub resolver retries after 1 s or more)"),
            Key.of("catalog", "relist_interval", new Type.Span(Duration.ofMinutes(1), Duration.ofDays(365)), "1h", REBUILD,
                    "rgw source: a reconciliation beside the metadata log, as a safety net, from the end of one to the next"),
            Key.of("catalog", "log_sweep", new Type.Span(Duration.ofMillis(640), Duration.ofHours(1)), "40s", REBUILD,
                    "rgw source: time to read every metadata-log shard once when nobody asks: how soon a change nobody asks about"
                            + " is seen, against the idle cost (40s: 1.6 requests a second)"),

            Key.of("zonegroup.NAME", "hostname", NAME, "", REBUILD,
                    "the zonegroup's host name (bucket foo answers CNAME foo.HOSTNAME); required for the file source, an override for rgw"),

            Key.of("dns", "listen", ADDRESS, "", REBIND,
                    "addresses of the standalone server, UDP and TCP, e.g. 0.0.0.0:53; unset: off").listed(),
            DNS_UDP_IO,
            DNS_UDP_CPU_AFFINITY,
            Key.of("dns", "ns", NAME, "", KEEP,
                    "apex NS records").listed().zoned(),
            Key.of("dns", "a", new Type.Text("IPv4 address"), "", KEEP,
                    "apex A records (e.g. the HAProxy ingress)").listed().zoned(),
            Key.of("dns", "aaaa", new Type.Text("IPv6 address"), "", KEEP,
                    "apex AAAA records").listed().zoned(),
            Key.of("dns", "records", new Type.Text("zone-file lines"), "", KEEP,
                    "static records answered before any bucket rule, one a line, continuation lines indented; relative names are in"
                            + " the zone; no TTL: dns_default_ttl").zoned(),
            DNS_TCP_IDLE_TIMEOUT,
            Key.of("dns", "rrl_responses_per_second", new Type.Whole(0, 1_000_000_000), "200", KEEP,
                    "response rate limit per client network, answer kind and name (NSD's default); 0: off"),
            Key.of("dns", "rrl_slip", new Type.Whole(0, 100), "2", KEEP,
                    "over the limit, one answer in N goes out empty with TC set; 0: drop them all"),
            Key.of("dns", "rrl_exempt", new Type.Text("network, address/bits"), "", KEEP,
                    "networks never rate limited, e.g. 10.0.0.0/8, 2001:db8::/32").listed(),

            Key.of("xfr", "allow", new Type.Text("network, address/bits"), "", KEEP,
                    "who may transfer the zones over TCP, e.g. 192.0.2.0/24, 2001:db8::/32; empty: transfers off").listed(),
            Key.of("xfr", "notify", new Type.Text("address, or address:port"), "", REBIND,
                    "secondaries told of every zone change with a NOTIFY (at most one a second, retried with backoff); port 53"
                            + " unless given").listed(),
            Key.of("xfr", "tsig", new Type.Text("name:algorithm:base64 secret"), "", KEEP,
                    "TSIG keys (RFC 8945; hmac-sha256, -sha224, -sha384, -sha512), e.g. xfr-key:hmac-sha256:SECRET; with any set, a"
                            + " transfer must be signed with one; never logged").listed().hidden(),

            Key.of("haproxy", "map", PATH, "", REBIND,
                    "the map file haproxy.cfg names in map(...): one 'bucket zonegroup' a line, replaced whole; required"),
            Key.of("haproxy", "runtime_socket", new Type.Text("path, or host:port"), "", REBIND,
                    "HAProxy's admin socket (stats socket ... level admin): changes are applied to the running HAProxy; unset: the"
                            + " file only"),
            Key.of("haproxy", "omit_zonegroup", new Type.Text("zonegroup name"), "", REBIND,
                    "leave this zonegroup's buckets out of the map (the default backend's zonegroup), to save HAProxy memory"),
            Key.of("haproxy", "region_map", PATH, "", REBIND,
                    "the second map haproxy.cfg names: one 'api_name zonegroup' a line, from RGW's zonegroup map, so a new bucket is"
                            + " created in the region its request is signed for; unset: regions.map beside map"),
            Key.of("haproxy", "lookup", ADDRESS, "127.0.0.1:9781", REBIND,
                    "where bucketdns.lua in HAProxy asks about a bucket its map lacks (answered from the catalog, or after the"
                            + " on-demand look-up of [catalog] miss_wait); empty: off"),

            Key.of("ops", "listen", ADDRESS, "127.0.0.1:9780", REBIND,
                    "/metrics /healthz /readyz and POST /reload, without authentication: keep it private; empty: off"),
            Key.of("ops", "log_format", Type.OneOf.of("text", "json"), "text", KEEP,
                    "json: one object a line"),
            Key.of("ops", "query_log_sample", new Type.Whole(0, Integer.MAX_VALUE), "0", KEEP,
                    "log one question in N; 0: no query log"));

    private static final Map<String, Map<String, Key>> BY_SECTION = index();

    private Schema() {}

    private static Map<String, Map<String, Key>> index() {
        Map<String, Map<String, Key>> out = new LinkedHashMap<>();
        for (Section s : SECTIONS) {
            out.put(s.name(), new LinkedHashMap<>());
        }
        for (Key k : KEYS) {
            Map<String, Key> s = out.get(k.section());
            if (s == null || s.put(k.name(), k) != null) {
                throw new IllegalStateException("key " + k.id() + ": unknown section or declared twice");
            }
            if (k.perZone()) {
                out.get("zone.NAME").put(k.name(), k);
            }
        }
        return out;
    }

    /** The declared section a section of the file belongs to, e.g. {@code zonegroup.NAME} for {@code zonegroup.eu}. */
    static Optional<Section> section(String name) {
        for (Section s : SECTIONS) {
            if (s.template() ? name.startsWith(s.prefix()) : s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The keys a section of the file may hold, by name; a {@code [zone.NAME]} key is the row of its home section. */
    static Map<String, Key> keys(Section section) {
        return BY_SECTION.get(section.name());
    }

    /** The row of a key of a declared, non-template section. */
    static Key key(String section, String name) {
        Key k = BY_SECTION.getOrDefault(section, Map.of()).get(name);
        if (k == null) {
            throw new IllegalArgumentException("no key " + section + "." + name + " in the schema");
        }
        return k;
    }

    /** Settings in the reference's order: by section as declared (each zone, each zonegroup apart), then by key as declared. */
    public static final java.util.Comparator<Setting> ORDER = java.util.Comparator
            .comparingInt((Setting s) -> SECTIONS.indexOf(section(s.section()).orElseThrow()))
            .thenComparing(Setting::section)
            .thenComparingInt(s -> KEYS.indexOf(s.key()));

    /** The keys of one section, in declaration order. */
    public static List<Key> keysOf(String section) {
        return new ArrayList<>(BY_SECTION.getOrDefault(section, Map.of()).values());
    }
}
