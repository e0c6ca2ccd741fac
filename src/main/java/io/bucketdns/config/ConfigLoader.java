package io.bucketdns.config;

import io.bucketdns.dns.Soa;
import io.bucketdns.dns.StaticRecords;
import io.bucketdns.dns.UnknownBucketPolicy;
import io.bucketdns.dns.Zone;
import io.bucketdns.server.RateLimit;
import io.bucketdns.tls.PemCertificates;
import io.bucketdns.tls.TlsTrust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;

/**
 * Reads {@code rgw-pdns.conf}: the seed's {@code [powerdns]} keys with their meanings and defaults,
 * plus bucketdns's own sections. Any problem is a {@link ConfigException} naming file, line and fix.
 */
public final class ConfigLoader {
    /** Where a config is looked for when none is named, in order (the seed's search path). */
    public static final List<Path> SEARCH_PATH = List.of(
            Path.of("rgw-pdns.conf"),
            Path.of(System.getProperty("user.home"), "rgw-pdns.conf"),
            Path.of("/etc/ceph/rgw-pdns.conf"));

    /** The seed's defaults for its {@code [powerdns]} keys. */
    static final Map<String, String> SEED_DEFAULTS = Map.ofEntries(
            Map.entry("listen_addr", "127.0.0.1"),
            Map.entry("listen_port", "6780"),
            Map.entry("dns_zone", "rgw.local.lan"),
            Map.entry("dns_soa_ttl", "3600"),
            Map.entry("dns_default_ttl", "60"),
            Map.entry("rgw_endpoint", "localhost:8080"),
            Map.entry("rgw_admin_entry", "admin"),
            Map.entry("rgw_access_key", "access"),
            Map.entry("rgw_secret_key", "secret"),
            Map.entry("debug", "false"));

    /**
     * Without {@code dns_soa_record}, the seed's SOA names and timers are used, but the serial
     * follows the catalog so that caches see every change.
     */
    static final String DEFAULT_SOA = "dns1.icann.org. hostmaster.icann.org. 0 7200 3600 1209600 3600";

    private static final Map<String, Set<String>> KEYS = Map.of(
            "powerdns", Set.of("listen_addr", "listen_port", "dns_zone", "dns_soa_record", "dns_soa_ttl", "dns_default_ttl",
                    "rgw_endpoint", "rgw_admin_entry", "rgw_access_key", "rgw_secret_key", "rgw_signature", "debug", "unix_socket",
                    "rgw_ca_file", "rgw_tls_verify", "unix_socket_mode", "unix_socket_group"),
            "catalog", Set.of("source", "file", "unknown_bucket", "default_zonegroup", "snapshot", "max_staleness",
                    "miss_lookups_per_second", "relist_interval", "log_sweep", "unknown_ttl", "miss_wait"),
            "dns", Set.of("listen", "ns", "a", "aaaa", "records", "rrl_responses_per_second", "rrl_slip", "rrl_exempt"),
            "ops", Set.of("listen", "log_format", "query_log_sample"),
            "haproxy", Set.of("map", "runtime_socket", "omit_zonegroup"));
    /** Defaults of bucketdns's own keys that are not empty. */
    private static final Map<String, String> OWN_DEFAULTS = Map.of("ops.listen", "127.0.0.1:9780");
    private static final String ZONEGROUP_PREFIX = "zonegroup.";
    /** Per-zone overrides of the global answer settings, for deployments serving several zones. */
    private static final String ZONE_PREFIX = "zone.";
    private static final Set<String> ZONE_KEYS = Set.of("dns_soa_record", "dns_soa_ttl", "dns_default_ttl", "unknown_bucket", "ns", "a", "aaaa",
            "unknown_ttl", "records");
    private static final Set<String> ZONEGROUP_KEYS = Set.of("hostname");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d|)");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private ConfigLoader() {}

    /**
     * Finds the config file: {@code explicit} when given (it must exist), else the first of {@link
     * #SEARCH_PATH} that exists.
     *
     * @throws ConfigException when an explicit file is missing, or no file is found at all
     */
    public static Path locate(Path explicit) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new ConfigException(explicit, 0, "config file not found", "check the path given to --config");
            }
            return explicit;
        }
        for (Path p : SEARCH_PATH) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new ConfigException(null, 0, "no config file found (looked for " + SEARCH_PATH + ")",
                "pass --config FILE, or try 'bucketdns demo' for a ready-made example");
    }

    /** Reads and validates a config file. */
    public static BucketDnsConfig load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new ConfigException(file, 0, "not UTF-8 text", "save the file as UTF-8");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + e.getMessage(), "check the path and its permissions");
        }
        return parse(file, lines);
    }

    /** Validates config text as if read from {@code file} (used for error messages and relative paths). */
    public static BucketDnsConfig parse(Path file, List<String> lines) {
        return new Reader(Ini.parse(file, lines)).read();
    }

    /** Turns one section's values into settings, remembering which line each came from. */
    private static final class Reader {
        private final Ini ini;
        private final Path file;
        private final List<String> warnings = new ArrayList<>();

        Reader(Ini ini) {
            this.ini = ini;
            this.file = ini.file();
        }

        BucketDnsConfig read() {
            checkKeys();
            if (!ini.sections().containsKey("powerdns")) {
                warnings.add("no [powerdns] section: the seed's defaults are used (zone " + SEED_DEFAULTS.get("dns_zone") + ")");
            }
            InetSocketAddress backend = null;
            String addr = get("powerdns", "listen_addr");
            if (!addr.isEmpty()) {
                int port = integer("powerdns", "listen_port", 1, 65535, "a TCP port, e.g. 6780");
                backend = new InetSocketAddress(addr, port);
                if (backend.isUnresolved()) {
                    throw error("powerdns", "listen_addr", "'" + addr + "' is not an address of this machine", "use an IP such as 127.0.0.1");
                }
            }
            BucketDnsConfig.UnixSocket unixSocket = unixSocket();
            List<Zone> zones = zones();
            BucketDnsConfig.Rgw rgw = new BucketDnsConfig.Rgw(
                    endpoints(), get("powerdns", "rgw_admin_entry").replaceAll("^/+|/+$", ""),
                    get("powerdns", "rgw_access_key"), get("powerdns", "rgw_secret_key"), signature(), tls());
            boolean debug = bool("powerdns", "debug");
            BucketDnsConfig.CatalogSettings catalog = catalog();
            Map<String, String> hostnames = zonegroupHostnames();
            if (catalog.source() == BucketDnsConfig.Source.FILE) {
                if (hostnames.isEmpty()) {
                    throw new ConfigException(file, ini.sectionLine("catalog"), "[catalog] source = file needs the zonegroups' hostnames",
                            "add a section per zonegroup, e.g. [zonegroup.eu] with hostname = o.example.eu");
                }
                if (catalog.defaultZonegroup() != null && !hostnames.containsKey(catalog.defaultZonegroup())) {
                    throw error("catalog", "default_zonegroup", "zonegroup '" + catalog.defaultZonegroup() + "' has no [zonegroup."
                            + catalog.defaultZonegroup() + "] section", "name one of " + String.join(", ", hostnames.keySet()));
                }
            }
            List<InetSocketAddress> dnsListen = new ArrayList<>();
            for (String a : list("dns", "listen")) {
                InetSocketAddress listen = socketAddress("dns", "listen", a);
                if (listen.getAddress().isAnyLocalAddress() && listen.getPort() == 0) {
                    throw error("dns", "listen", "'" + a + "': a wildcard stands for every local address, which all need the same port",
                            "give a port, e.g. 0.0.0.0:53");
                }
                dnsListen.add(listen);
            }
            return new BucketDnsConfig(file, backend, unixSocket, zones, rgw, debug, catalog, hostnames, dnsListen, rateLimit(),
                    ops(), warnings, haproxy(catalog, hostnames));
        }

        /** {@code [dns] rrl_*}: NSD's defaults (200 a second, slip 2) when unset; a rate of 0 switches it off. */
        private RateLimit.Settings rateLimit() {
            RateLimit.Settings d = RateLimit.Settings.DEFAULT;
            int rate = get("dns", "rrl_responses_per_second").isEmpty() ? d.responsesPerSecond()
                    : integer("dns", "rrl_responses_per_second", 0, 1_000_000_000,
                            "responses a second per client network, answer kind and name, e.g. 200; 0 switches rate limiting off");
            int slip = get("dns", "rrl_slip").isEmpty() ? d.slip()
                    : integer("dns", "rrl_slip", 0, 100, "0 to drop every response over the rate, N to send one in N truncated, e.g. 2");
            List<RateLimit.Network> exempt = new ArrayList<>();
            for (String n : list("dns", "rrl_exempt")) {
                try {
                    exempt.add(RateLimit.Network.parse(n));
                } catch (IllegalArgumentException e) {
                    throw error("dns", "rrl_exempt", e.getMessage(), "list networks as address/bits, e.g. 192.0.2.0/24, 2001:db8::/32");
                }
            }
            return new RateLimit.Settings(rate, slip, exempt);
        }

        private BucketDnsConfig.Haproxy haproxy(BucketDnsConfig.CatalogSettings catalog, Map<String, String> hostnames) {
            if (!ini.sections().containsKey("haproxy")) {
                return null;
            }
            String m = get("haproxy", "map");
            if (m.isEmpty()) {
                throw new ConfigException(file, ini.sectionLine("haproxy"), "[haproxy] needs a map file",
                        "add map = /etc/haproxy/buckets.map (the path haproxy.cfg names in map(...))");
            }
            Path map = besideConfig(m);
            if (map.getParent() == null || !Files.isDirectory(map.getParent())) {
                throw error("haproxy", "map", "directory " + map.getParent() + " does not exist",
                        "create it, or name a file in an existing directory (relative to the config file)");
            }
            if (Files.isDirectory(map)) {
                throw error("haproxy", "map", map + " is a directory", "name a file, e.g. map = /etc/haproxy/buckets.map");
            }
            String s = get("haproxy", "runtime_socket");
            java.net.SocketAddress socket = null;
            if (s.startsWith("/") || s.startsWith(".")) {
                Path path = besideConfig(s);
                if (path.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
                    throw error("haproxy", "runtime_socket", "the path " + path + " is longer than a unix socket path may be (107 bytes)",
                            "choose a shorter path, e.g. /run/haproxy/admin.sock");
                }
                socket = java.net.UnixDomainSocketAddress.of(path);
            } else if (!s.isEmpty()) {
                socket = socketAddress("haproxy", "runtime_socket", s);
            }
            String omit = get("haproxy", "omit_zonegroup");
            if (!omit.isEmpty() && catalog.source() == BucketDnsConfig.Source.FILE && !hostnames.containsKey(omit)) {
                throw error("haproxy", "omit_zonegroup", "zonegroup '" + omit + "' has no [zonegroup." + omit + "] section",
                        "name one of " + String.join(", ", hostnames.keySet()));
            }
            return new BucketDnsConfig.Haproxy(map, socket, omit.isEmpty() ? null : omit);
        }

        private BucketDnsConfig.Ops ops() {
            String listen = get("ops", "listen");
            boolean json = switch (get("ops", "log_format").toLowerCase(Locale.ROOT)) {
                case "", "text" -> false;
                case "json" -> true;
                default -> throw error("ops", "log_format", "'" + get("ops", "log_format") + "' is not a log format", "write text or json");
            };
            long every = get("ops", "query_log_sample").isEmpty() ? 0
                    : integer("ops", "query_log_sample", 0, Integer.MAX_VALUE, "0 for no query log, 1 to log every question, N for one in N");
            return new BucketDnsConfig.Ops(listen.isEmpty() ? null : socketAddress("ops", "listen", listen), json, every);
        }

        private void checkKeys() {
            for (Map.Entry<String, Map<String, Ini.Entry>> s : ini.sections().entrySet()) {
                String section = s.getKey();
                Set<String> allowed = section.startsWith(ZONEGROUP_PREFIX) ? ZONEGROUP_KEYS
                        : section.startsWith(ZONE_PREFIX) ? ZONE_KEYS : KEYS.get(section);
                if (allowed == null) {
                    warnings.add(file + ":" + ini.sectionLine(section) + ": section [" + section + "] is not used by bucketdns");
                    continue;
                }
                for (Map.Entry<String, Ini.Entry> k : s.getValue().entrySet()) {
                    if (!allowed.contains(k.getKey())) {
                        throw new ConfigException(file, k.getValue().line(), "[" + section + "] has no key '" + k.getKey() + "'",
                                "use one of " + String.join(", ", allowed.stream().sorted().toList()));
                    }
                }
            }
        }

        private List<Zone> zones() {
            List<String> names = list("powerdns", "dns_zone");
            if (names.isEmpty()) {
                throw error("powerdns", "dns_zone", "no zone given", "name the global zone, e.g. dns_zone = o.example.com");
            }
            Set<String> seen = new LinkedHashSet<>();
            List<Zone> zones = new ArrayList<>();
            for (String name : names) {
                String zone = hostname("powerdns", "dns_zone", name);
                if (!seen.add(zone)) {
                    throw error("powerdns", "dns_zone", "zone " + zone + " is listed twice", "list each zone once");
                }
                zones.add(zone(zone));
            }
            for (String section : ini.sections().keySet()) {
                if (section.startsWith(ZONE_PREFIX) && !seen.contains(section.substring(ZONE_PREFIX.length()).toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(file, ini.sectionLine(section), "[" + section + "] is not a zone listed in [powerdns] dns_zone",
                            "add it to dns_zone, or remove the section");
                }
            }
            return zones;
        }

        /** One zone's settings: its own [zone.NAME] section first, then the global keys. */
        private Zone zone(String name) {
            String own = ZONE_PREFIX + name;
            if (!ini.sections().containsKey(own)) {
                own = ini.sections().keySet().stream().filter((ZONE_PREFIX + name)::equalsIgnoreCase).findFirst().orElse(own);
            }
            String soaAt = has(own, "dns_soa_record") ? own : "powerdns";
            Soa soa = soa(soaAt);
            long soaTtl = integer(has(own, "dns_soa_ttl") ? own : "powerdns", "dns_soa_ttl", 0, Integer.MAX_VALUE, "a TTL in seconds, e.g. 3600");
            long defaultTtl = integer(has(own, "dns_default_ttl") ? own : "powerdns", "dns_default_ttl", 0, Integer.MAX_VALUE,
                    "a TTL in seconds, e.g. 60");
            String nsAt = has(own, "ns") ? own : "dns";
            List<String> ns = new ArrayList<>();
            for (String n : list(nsAt, "ns")) {
                ns.add(hostname(nsAt, "ns", n) + ".");
            }
            String aAt = has(own, "a") ? own : "dns";
            List<String> a = new ArrayList<>();
            for (String ip : list(aAt, "a")) {
                if (!Address.isDottedQuad(ip)) {
                    throw error(aAt, "a", "'" + ip + "' is not an IPv4 address", "write addresses like 192.0.2.10, comma-separated");
                }
                a.add(ip);
            }
            String aaaaAt = has(own, "aaaa") ? own : "dns";
            List<String> aaaa = new ArrayList<>();
            for (String ip : list(aaaaAt, "aaaa")) {
                if (!ip.contains(":") || Address.toByteArray(ip, Address.IPv6) == null) {
                    throw error(aaaaAt, "aaaa", "'" + ip + "' is not an IPv6 address", "write addresses like 2001:db8::10, comma-separated");
                }
                aaaa.add(ip);
            }
            String policyAt = has(own, "unknown_bucket") ? own : "catalog";
            UnknownBucketPolicy policy = switch (get(policyAt, "unknown_bucket").toLowerCase(Locale.ROOT)) {
                case "", "default" -> UnknownBucketPolicy.DEFAULT;
                case "nxdomain" -> UnknownBucketPolicy.NXDOMAIN;
                default -> throw error(policyAt, "unknown_bucket", "'" + get(policyAt, "unknown_bucket") + "' is not a choice",
                        "write default (CNAME to the default zonegroup) or nxdomain");
            };
            String unknownTtlAt = has(own, "unknown_ttl") ? own : "catalog";
            long unknownTtl = get(unknownTtlAt, "unknown_ttl").isEmpty() ? Zone.DEFAULT_UNKNOWN_TTL
                    : integer(unknownTtlAt, "unknown_ttl", 0, Integer.MAX_VALUE, "the most seconds a guess may be cached, e.g. 5");
            String recordsAt = has(own, "records") ? own : "dns";
            StaticRecords records = records(recordsAt, name, defaultTtl);
            for (String n : ns) {
                if ((n.equals(name + ".") || n.endsWith("." + name + ".")) && records.addressesOf(n).isEmpty()) {
                    throw error(nsAt, "ns", "name server " + n + " is inside zone " + name + " but has no address",
                            "give it A/AAAA records in records, e.g. records = " + n + " 3600 IN A 192.0.2.1");
                }
            }
            return new Zone(name, soa, soaTtl, defaultTtl, ns, a, aaaa, policy, unknownTtl, records);
        }

        /** The zone-file lines of a records key, one record a line, errors naming the line. */
        private StaticRecords records(String section, String zone, long defaultTtl) {
            Ini.Entry e = entry(section, "records");
            if (e == null) {
                return StaticRecords.NONE;
            }
            List<String> lines = e.parts().stream().map(Ini.Part::text).toList();
            try {
                return StaticRecords.parse(zone, lines, defaultTtl);
            } catch (StaticRecords.Problem p) {
                throw new ConfigException(file, e.parts().get(p.index()).line(), "[" + section + "] records: '"
                        + lines.get(p.index()) + "': " + p.getMessage(),
                        "write one zone-file record a line, indented below records =, e.g. ns1." + zone + ". 3600 IN A 192.0.2.1");
            }
        }

        private Soa soa(String section) {
            String text = get(section, "dns_soa_record");
            if (text.isEmpty()) {
                return Soa.parse(DEFAULT_SOA).withSerial(Soa.FOLLOW_CATALOG);
            }
            try {
                return Soa.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(section, "dns_soa_record", e.getMessage(),
                        "write 'ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60'");
            }
        }

        private List<String> endpoints() {
            List<String> urls = new ArrayList<>();
            for (String e : list("powerdns", "rgw_endpoint")) {
                String url = e.contains("://") ? e : "http://" + e;
                try {
                    URI u = new URI(url);
                    if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                        throw new URISyntaxException(url, "no host");
                    }
                    urls.add(u.getScheme() + "://" + u.getRawAuthority());
                } catch (URISyntaxException ex) {
                    throw error("powerdns", "rgw_endpoint", "'" + e + "' is not host:port or an http(s) URL",
                            "write e.g. rgw_endpoint = 127.0.0.1:8080, several comma-separated");
                }
            }
            if (urls.isEmpty()) {
                throw error("powerdns", "rgw_endpoint", "no endpoint given", "write e.g. rgw_endpoint = 127.0.0.1:8080");
            }
            return urls;
        }

        /** The CA file is read here, so that a bad one stops start-up and a reload, not the first https request. */
        private TlsTrust tls() {
            String f = get("powerdns", "rgw_ca_file");
            Path caFile = f.isEmpty() ? null : besideConfig(f);
            List<X509Certificate> cas = List.of();
            if (caFile != null) {
                try {
                    cas = PemCertificates.read(caFile);
                } catch (IOException e) {
                    throw error("powerdns", "rgw_ca_file", "cannot read " + caFile + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                            "name a readable PEM file with the CA certificate(s) of the gateways (relative to the config file)");
                } catch (IllegalArgumentException e) {
                    throw error("powerdns", "rgw_ca_file", e.getMessage(),
                            "name a PEM file with the CA certificate(s) of the gateways, e.g. as made by openssl req -x509 ... -out ca.pem");
                }
            }
            boolean verify = get("powerdns", "rgw_tls_verify").isBlank() || bool("powerdns", "rgw_tls_verify");
            if (!verify) {
                warnings.add(file + ":" + entry("powerdns", "rgw_tls_verify").line() + ": [powerdns] rgw_tls_verify = false: the certificates of"
                        + " https RGW endpoints are NOT verified (any certificate, any host name"
                        + (caFile == null ? "" : "; rgw_ca_file is not used") + "), so anyone on the path can read the admin key's requests"
                        + " and forge the catalog; set rgw_ca_file to the gateways' CA instead");
            }
            return new TlsTrust(caFile, cas, verify);
        }

        private BucketDnsConfig.Signature signature() {
            return switch (get("powerdns", "rgw_signature").toLowerCase(Locale.ROOT)) {
                case "", "v4", "4" -> BucketDnsConfig.Signature.V4;
                case "v2", "2" -> BucketDnsConfig.Signature.V2;
                default -> throw error("powerdns", "rgw_signature", "'" + get("powerdns", "rgw_signature") + "' is not a signature version",
                        "write v4 (the default) or v2");
            };
        }

        private BucketDnsConfig.CatalogSettings catalog() {
            BucketDnsConfig.Source source = switch (get("catalog", "source").toLowerCase(Locale.ROOT)) {
                case "", "rgw" -> BucketDnsConfig.Source.RGW;
                case "file" -> BucketDnsConfig.Source.FILE;
                default -> throw error("catalog", "source", "'" + get("catalog", "source") + "' is not a catalog source",
                        "write rgw or file");
            };
            Path bucketFile = null;
            String f = get("catalog", "file");
            if (source == BucketDnsConfig.Source.FILE) {
                if (f.isEmpty()) {
                    throw new ConfigException(file, ini.sectionLine("catalog"), "[catalog] source = file needs a file",
                            "add file = buckets.txt (one 'bucket zonegroup' pair a line)");
                }
                bucketFile = besideConfig(f);
                if (!Files.isRegularFile(bucketFile)) {
                    throw error("catalog", "file", "bucket file " + bucketFile + " does not exist", "create it or fix the path (relative to the config file)");
                }
            }
            Path snapshot = null;
            String snap = get("catalog", "snapshot");
            if (!snap.isEmpty()) {
                snapshot = besideConfig(snap);
                if (snapshot.getParent() == null || !Files.isDirectory(snapshot.getParent())) {
                    throw error("catalog", "snapshot", "directory " + snapshot.getParent() + " does not exist",
                            "create it, or name a file in an existing directory (relative to the config file)");
                }
                if (Files.isDirectory(snapshot)) {
                    throw error("catalog", "snapshot", snapshot + " is a directory", "name a file, e.g. snapshot = /var/lib/bucketdns/catalog.gz");
                }
            }
            Duration maxStaleness = duration("catalog", "max_staleness", Duration.ofMinutes(5));
            int missLookups = get("catalog", "miss_lookups_per_second").isEmpty() ? 20
                    : integer("catalog", "miss_lookups_per_second", 0, 10_000, "a rate such as 20 (0 turns on-demand look-ups off)");
            Duration relist = duration("catalog", "relist_interval", Duration.ofHours(1));
            if (relist.compareTo(Duration.ofMinutes(1)) < 0) {
                throw error("catalog", "relist_interval", "a re-list every " + relist.toSeconds() + " s would keep RGW busy",
                        "use 1m or more (the metadata log carries changes in between), e.g. relist_interval = 1h");
            }
            Duration sweep = duration("catalog", "log_sweep", Duration.ofSeconds(40));
            if (sweep.compareTo(Duration.ofMillis(640)) < 0 || sweep.compareTo(Duration.ofHours(1)) > 0) {
                throw error("catalog", "log_sweep", "'" + get("catalog", "log_sweep") + "' is out of range",
                        "use 1s to 1h: the time to read every metadata-log shard once (40s costs RGW 1.6 requests a second)");
            }
            Duration missWait = duration("catalog", "miss_wait", BucketDnsConfig.CatalogSettings.DEFAULT_MISS_WAIT);
            if (missWait.compareTo(Duration.ofSeconds(2)) > 0) {
                throw error("catalog", "miss_wait", "a question waiting " + missWait.toMillis() + " ms outlasts the client's first retry",
                        "use at most 2s (0 answers at once), e.g. miss_wait = 300ms");
            }
            String def = get("catalog", "default_zonegroup");
            return new BucketDnsConfig.CatalogSettings(source, bucketFile, def.isEmpty() ? null : def, snapshot, maxStaleness,
                    missLookups, relist, sweep, missWait);
        }

        /** A path as written in the config: relative ones are taken from the config file's directory. */
        private Path besideConfig(String value) {
            Path base = file == null || file.toAbsolutePath().getParent() == null ? Path.of("") : file.toAbsolutePath().getParent();
            return base.resolve(value).toAbsolutePath().normalize();
        }

        /** A duration such as 500ms, 30s, 5m, 1h or 2d; a bare number is seconds. */
        private Duration duration(String section, String key, Duration fallback) {
            String v = get(section, key).toLowerCase(Locale.ROOT);
            if (v.isEmpty()) {
                return fallback;
            }
            Matcher m = DURATION.matcher(v);
            if (!m.matches()) {
                throw error(section, key, "'" + get(section, key) + "' is not a duration",
                        "write a number with a unit: 500ms, 30s, 5m, 1h or 2d");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "", "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }

        /**
         * The seed's HTTP listener has a twin for PowerDNS's unix connector. The path must fit a
         * socket address (sun_path: 107 bytes and a NUL) and its directory must exist.
         */
        private BucketDnsConfig.UnixSocket unixSocket() {
            String v = get("powerdns", "unix_socket");
            if (v.isEmpty()) {
                return null;
            }
            Path path = besideConfig(v);
            int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > 107) {
                throw error("powerdns", "unix_socket", "the path " + path + " has " + bytes + " bytes; a unix socket path has at most 107",
                        "choose a shorter path, e.g. /run/bucketdns/pdns.sock");
            }
            if (!Files.isDirectory(path.getParent())) {
                throw error("powerdns", "unix_socket", "directory " + path.getParent() + " does not exist",
                        "create it, or fix the path (relative to the config file)");
            }
            return new BucketDnsConfig.UnixSocket(path, socketMode(), socketGroup());
        }

        /** Octal like chmod's, rw bits only (default 0660): only the owner and group may connect. */
        private Set<PosixFilePermission> socketMode() {
            String v = get("powerdns", "unix_socket_mode");
            if (v.isEmpty()) {
                v = "0660";
            }
            if (!v.matches("0?[0-7]{3}")) {
                throw error("powerdns", "unix_socket_mode", "'" + v + "' is not an octal mode", "write it as chmod does, e.g. 0660");
            }
            int mode = Integer.parseInt(v, 8);
            if ((mode & 0111) != 0) {
                throw error("powerdns", "unix_socket_mode", "'" + v + "' has execute bits, which mean nothing on a socket",
                        "use read and write bits only, e.g. 0660");
            }
            Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
            for (int i = 0; i < 9; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    perms.add(bits[i]);
                }
            }
            return perms;
        }

        /** A group of this machine, by name or number; empty: the process's own group. */
        private String socketGroup() {
            String v = get("powerdns", "unix_socket_group");
            if (v.isEmpty()) {
                return null;
            }
            try {
                java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(v);
            } catch (IOException e) {
                throw error("powerdns", "unix_socket_group", "no group '" + v + "' on this machine",
                        "name the group PowerDNS runs as, e.g. pdns");
            }
            return v;
        }

        private Map<String, String> zonegroupHostnames() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String section : ini.sections().keySet()) {
                if (section.startsWith(ZONEGROUP_PREFIX)) {
                    String name = section.substring(ZONEGROUP_PREFIX.length()).strip();
                    if (name.isEmpty()) {
                        throw new ConfigException(file, ini.sectionLine(section), "[zonegroup.] has no zonegroup name",
                                "write [zonegroup.NAME], e.g. [zonegroup.eu]");
                    }
                    String h = get(section, "hostname");
                    if (h.isEmpty()) {
                        throw new ConfigException(file, ini.sectionLine(section), "[" + section + "] has no hostname",
                                "add hostname = o.example.eu (the host suffix of that zonegroup)");
                    }
                    out.put(name, hostname(section, "hostname", h));
                }
            }
            return out;
        }

        /** A lowercase DNS name without trailing dot, or an error naming the key. */
        private String hostname(String section, String key, String value) {
            String v = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
            String fix = "write a DNS name such as o.example.com";
            if (v.isEmpty() || v.length() > 253) {
                throw error(section, key, "'" + value + "' is not a DNS name (1 to 253 characters)", fix);
            }
            for (String label : v.split("\\.", -1)) {
                if (!LABEL.matcher(label).matches()) {
                    throw error(section, key, "'" + value + "' is not a DNS name (label '" + label + "')", fix);
                }
            }
            return v.toLowerCase(Locale.ROOT);
        }

        private InetSocketAddress socketAddress(String section, String key, String value) {
            int colon = value.lastIndexOf(':');
            String fix = "write host:port, e.g. 127.0.0.1:5300 or [::1]:5300";
            if (colon <= 0) {
                throw error(section, key, "'" + value + "' has no port", fix);
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw error(section, key, "'" + value + "' has no numeric port", fix);
            }
            if (port < 0 || port > 65535) {
                throw error(section, key, "port " + port + " is outside 0..65535", fix);
            }
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
                throw error(section, key, "'" + host + "' is not an address of this machine", fix);
            }
            return a;
        }

        private String get(String section, String key) {
            Ini.Entry e = entry(section, key);
            if (e != null) {
                return e.value();
            }
            return section.equals("powerdns") ? SEED_DEFAULTS.getOrDefault(key, "") : OWN_DEFAULTS.getOrDefault(section + "." + key, "");
        }

        private List<String> list(String section, String key) {
            List<String> out = new ArrayList<>();
            for (String s : get(section, key).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
            return out;
        }

        private int integer(String section, String key, int min, int max, String fix) {
            String v = get(section, key);
            try {
                int i = Integer.parseInt(v);
                if (i < min || i > max) {
                    throw error(section, key, v + " is outside " + min + ".." + max, fix);
                }
                return i;
            } catch (NumberFormatException e) {
                throw error(section, key, "'" + v + "' is not a whole number", fix);
            }
        }

        private boolean bool(String section, String key) {
            return switch (get(section, key).toLowerCase(Locale.ROOT)) {
                case "1", "yes", "true", "on" -> true;
                case "", "0", "no", "false", "off" -> false;
                default -> throw error(section, key, "'" + get(section, key) + "' is not a boolean", "write true or false");
            };
        }

        private boolean has(String section, String key) {
            return entry(section, key) != null;
        }

        private Ini.Entry entry(String section, String key) {
            Map<String, Ini.Entry> s = ini.sections().get(section);
            return s == null ? null : s.get(key);
        }

        private ConfigException error(String section, String key, String problem, String fix) {
            Ini.Entry e = entry(section, key);
            int line = e != null ? e.line() : ini.sectionLine(section);
            return new ConfigException(file, line, "[" + section + "] " + key + ": " + problem, fix);
        }
    }
}
