package io.bucketdns.config;

import io.bucketdns.answer.Zone;
import io.bucketdns.frontend.dns.RateLimit;
import io.bucketdns.frontend.dns.TsigKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private static final String ZONEGROUP_PREFIX = "zonegroup.";

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
        private final Values v;
        private final Ini ini;
        private final Path file;
        private final List<String> warnings = new ArrayList<>();

        Reader(Ini ini) {
            this.v = new Values(ini);
            this.ini = ini;
            this.file = ini.file();
        }

        BucketDnsConfig read() {
            checkKeys();
            if (!ini.sections().containsKey("powerdns")) {
                warnings.add("no [powerdns] section: the seed's defaults are used (zone " + Schema.key("powerdns", "dns_zone").defaultValue() + ")");
            }
            InetSocketAddress backend = null;
            String addr = v.get("powerdns", "listen_addr");
            if (!addr.isEmpty()) {
                int port = (int) v.whole("powerdns", "listen_port");
                backend = new InetSocketAddress(addr, port);
                if (backend.isUnresolved()) {
                    throw v.error("powerdns", "listen_addr", "'" + addr + "' is not an address of this machine", "use an IP such as 127.0.0.1");
                }
            }
            BucketDnsConfig.UnixSocket unixSocket = unixSocket();
            List<Zone> zones = new ZoneReader(v).zones();
            BucketDnsConfig.Rgw rgw = new RgwReader(v, warnings).rgw();
            boolean debug = v.flag("powerdns", "debug");
            BucketDnsConfig.CatalogSettings catalog = catalog();
            Map<String, String> hostnames = zonegroupHostnames();
            if (catalog.source() == BucketDnsConfig.Source.FILE) {
                if (hostnames.isEmpty()) {
                    throw new ConfigException(file, ini.sectionLine("catalog"), "[catalog] source = file needs the zonegroups' hostnames",
                            "add a section per zonegroup, e.g. [zonegroup.eu] with hostname = o.example.eu");
                }
                if (catalog.defaultZonegroup() != null && !hostnames.containsKey(catalog.defaultZonegroup())) {
                    throw v.error("catalog", "default_zonegroup", "zonegroup '" + catalog.defaultZonegroup() + "' has no [zonegroup."
                            + catalog.defaultZonegroup() + "] section", "name one of " + String.join(", ", hostnames.keySet()));
                }
            }
            List<InetSocketAddress> dnsListen = new ArrayList<>();
            for (String a : v.list("dns", "listen")) {
                InetSocketAddress listen = v.socketAddress("dns", "listen", a);
                if (listen.getAddress().isAnyLocalAddress() && listen.getPort() == 0) {
                    throw v.error("dns", "listen", "'" + a + "': a wildcard stands for every local address, which all need the same port",
                            "give a port, e.g. 0.0.0.0:53");
                }
                dnsListen.add(listen);
            }
            // every key is checked against its type here, also those a component reads only later
            for (Key k : Schema.KEYS) {
                if (!Schema.section(k.section()).orElseThrow().template()) {
                    v.check(k.section(), k.name());
                }
            }
            RateLimit.Settings rateLimit = rateLimit();
            BucketDnsConfig.Ops ops = ops();
            BucketDnsConfig.Haproxy haproxy = haproxy(catalog, hostnames);
            return new BucketDnsConfig(file, backend, unixSocket, zones, rgw, debug, catalog, hostnames, dnsListen, rateLimit,
                    ops, warnings, haproxy, xfr(), v.settings());
        }

        /** A key that lists networks, each address/bits. */
        private List<RateLimit.Network> networks(String section, String key) {
            List<RateLimit.Network> out = new ArrayList<>();
            for (String n : v.list(section, key)) {
                try {
                    out.add(RateLimit.Network.parse(n));
                } catch (IllegalArgumentException e) {
                    throw v.error(section, key, e.getMessage(), "list networks as address/bits, e.g. 192.0.2.0/24, 2001:db8::/32");
                }
            }
            return out;
        }

        /** {@code [xfr]}: who may transfer, whom to notify (port 53 unless given). */
        private BucketDnsConfig.Xfr xfr() {
            List<RateLimit.Network> allow = networks("xfr", "allow");
            List<InetSocketAddress> notify = new ArrayList<>();
            for (String a : v.list("xfr", "notify")) {
                String withPort;
                if (a.startsWith("[")) {
                    withPort = a.contains("]:") ? a : a + ":53";
                } else if (a.indexOf(':') != a.lastIndexOf(':')) {
                    withPort = "[" + a + "]:53"; // a bare IPv6 address
                } else {
                    withPort = a.contains(":") ? a : a + ":53";
                }
                notify.add(v.socketAddress("xfr", "notify", withPort));
            }
            List<TsigKey> keys = new ArrayList<>();
            for (String k : v.list("xfr", "tsig")) {
                try {
                    keys.add(TsigKey.parse(k));
                } catch (IllegalArgumentException e) {
                    throw v.error("xfr", "tsig", e.getMessage(), "write name:algorithm:base64-secret, e.g. xfr-key:hmac-sha256:"
                            + "followed by the output of openssl rand -base64 32");
                }
            }
            return new BucketDnsConfig.Xfr(allow, keys, notify);
        }

        /** {@code [dns] rrl_*}; a rate of 0 switches it off. */
        private RateLimit.Settings rateLimit() {
            int rate = (int) v.whole("dns", "rrl_responses_per_second");
            int slip = (int) v.whole("dns", "rrl_slip");
            return new RateLimit.Settings(rate, slip, networks("dns", "rrl_exempt"));
        }

        private BucketDnsConfig.Haproxy haproxy(BucketDnsConfig.CatalogSettings catalog, Map<String, String> hostnames) {
            if (!ini.sections().containsKey("haproxy")) {
                return null;
            }
            String m = v.get("haproxy", "map");
            if (m.isEmpty()) {
                throw v.sectionError("haproxy", "[haproxy] needs a map file",
                        "add map = /etc/haproxy/buckets.map (the path haproxy.cfg names in map(...))");
            }
            Path map = v.fileToWrite("haproxy", "map", m, "/etc/haproxy/buckets.map");
            String s = v.get("haproxy", "runtime_socket");
            java.net.SocketAddress socket = null;
            if (s.startsWith("/") || s.startsWith(".")) {
                Path path = v.besideConfig(s);
                if (path.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
                    throw v.error("haproxy", "runtime_socket", "the path " + path + " is longer than a unix socket path may be (107 bytes)",
                            "choose a shorter path, e.g. /run/haproxy/admin.sock");
                }
                socket = java.net.UnixDomainSocketAddress.of(path);
            } else if (!s.isEmpty()) {
                socket = v.socketAddress("haproxy", "runtime_socket", s);
            }
            String omit = v.get("haproxy", "omit_zonegroup");
            if (!omit.isEmpty() && catalog.source() == BucketDnsConfig.Source.FILE && !hostnames.containsKey(omit)) {
                throw v.error("haproxy", "omit_zonegroup", "zonegroup '" + omit + "' has no [zonegroup." + omit + "] section",
                        "name one of " + String.join(", ", hostnames.keySet()));
            }
            String r = v.get("haproxy", "region_map");
            Path regions = r.isEmpty() ? map.resolveSibling(BucketDnsConfig.Haproxy.DEFAULT_REGION_MAP)
                    : v.fileToWrite("haproxy", "region_map", r, "/etc/haproxy/" + BucketDnsConfig.Haproxy.DEFAULT_REGION_MAP);
            if (regions.equals(map)) {
                throw v.error("haproxy", "region_map", "is the bucket map's file", "name another file, e.g. /etc/haproxy/regions.map");
            }
            String lookup = v.get("haproxy", "lookup");
            return new BucketDnsConfig.Haproxy(map, socket, omit.isEmpty() ? null : omit, regions,
                    lookup.isEmpty() ? null : v.socketAddress("haproxy", "lookup", lookup));
        }

        private BucketDnsConfig.Ops ops() {
            String listen = v.get("ops", "listen");
            boolean json = v.choice("ops", "log_format").equals("json");
            long every = v.whole("ops", "query_log_sample");
            return new BucketDnsConfig.Ops(listen.isEmpty() ? null : v.socketAddress("ops", "listen", listen), json, every);
        }

        private void checkKeys() {
            for (Map.Entry<String, Map<String, Ini.Entry>> s : ini.sections().entrySet()) {
                String section = s.getKey();
                Schema.Section declared = Schema.section(section).orElse(null);
                if (declared == null) {
                    warnings.add(file + ":" + ini.sectionLine(section) + ": section [" + section + "] is not used by bucketdns");
                    continue;
                }
                Set<String> allowed = Schema.keys(declared).keySet();
                for (Map.Entry<String, Ini.Entry> k : s.getValue().entrySet()) {
                    if (!allowed.contains(k.getKey())) {
                        throw new ConfigException(file, k.getValue().line(), "[" + section + "] has no key '" + k.getKey() + "'",
                                "use one of " + String.join(", ", allowed.stream().sorted().toList()));
                    }
                }
            }
        }

        private BucketDnsConfig.CatalogSettings catalog() {
            BucketDnsConfig.Source source = v.choice("catalog", "source").equals("file") ? BucketDnsConfig.Source.FILE
                    : BucketDnsConfig.Source.RGW;
            Path bucketFile = null;
            String f = v.get("catalog", "file");
            if (source == BucketDnsConfig.Source.FILE) {
                if (f.isEmpty()) {
                    throw v.sectionError("catalog", "[catalog] source = file needs a file",
                            "add file = buckets.txt (one 'bucket zonegroup' pair a line)");
                }
                bucketFile = v.besideConfig(f);
                if (!Files.isRegularFile(bucketFile)) {
                    throw v.error("catalog", "file", "bucket file " + bucketFile + " does not exist", "create it or fix the path (relative to the config file)");
                }
            }
            Path snapshot = null;
            String snap = v.get("catalog", "snapshot");
            if (!snap.isEmpty()) {
                snapshot = v.fileToWrite("catalog", "snapshot", snap, "/var/lib/bucketdns/catalog.gz");
            }
            Duration maxStaleness = v.span("catalog", "max_staleness");
            int missLookups = (int) v.whole("catalog", "miss_lookups_per_second");
            Duration relist = v.span("catalog", "relist_interval");
            Duration sweep = v.span("catalog", "log_sweep");
            Duration missWait = v.span("catalog", "miss_wait");
            String def = v.get("catalog", "default_zonegroup");
            return new BucketDnsConfig.CatalogSettings(source, bucketFile, def.isEmpty() ? null : def, snapshot, maxStaleness,
                    missLookups, relist, sweep, missWait);
        }

        /**
         * The seed's HTTP listener has a twin for PowerDNS's unix connector. The path must fit a
         * socket address (sun_path: 107 bytes and a NUL) and its directory must exist.
         */
        private BucketDnsConfig.UnixSocket unixSocket() {
            String value = v.get("powerdns", "unix_socket");
            if (value.isEmpty()) {
                return null;
            }
            Path path = v.besideConfig(value);
            int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > 107) {
                throw v.error("powerdns", "unix_socket", "the path " + path + " has " + bytes + " bytes; a unix socket path has at most 107",
                        "choose a shorter path, e.g. /run/bucketdns/pdns.sock");
            }
            if (!Files.isDirectory(path.getParent())) {
                throw v.error("powerdns", "unix_socket", "directory " + path.getParent() + " does not exist",
                        "create it, or fix the path (relative to the config file)");
            }
            return new BucketDnsConfig.UnixSocket(path, socketMode(), socketGroup());
        }

        /** Octal like chmod's, rw bits only (default 0660): only the owner and group may connect. */
        private Set<PosixFilePermission> socketMode() {
            String value = v.get("powerdns", "unix_socket_mode");
            if (!value.matches("0?[0-7]{3}")) {
                throw v.error("powerdns", "unix_socket_mode", "'" + value + "' is not an octal mode", "write it as chmod does, e.g. 0660");
            }
            int mode = Integer.parseInt(value, 8);
            if ((mode & 0111) != 0) {
                throw v.error("powerdns", "unix_socket_mode", "'" + value + "' has execute bits, which mean nothing on a socket",
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
            String value = v.get("powerdns", "unix_socket_group");
            if (value.isEmpty()) {
                return null;
            }
            try {
                java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(value);
            } catch (IOException e) {
                throw v.error("powerdns", "unix_socket_group", "no group '" + value + "' on this machine",
                        "name the group PowerDNS runs as, e.g. pdns");
            }
            return value;
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
                    String h = v.get(section, "hostname");
                    if (h.isEmpty()) {
                        throw new ConfigException(file, ini.sectionLine(section), "[" + section + "] has no hostname",
                                "add hostname = o.example.eu (the host suffix of that zonegroup)");
                    }
                    out.put(name, v.hostname(section, "hostname", h));
                }
            }
            return out;
        }
    }
}
