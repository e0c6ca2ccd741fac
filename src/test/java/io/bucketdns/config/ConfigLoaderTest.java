package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.answer.Soa;
import io.bucketdns.answer.UnknownBucketPolicy;
import io.bucketdns.answer.Zone;
import io.bucketdns.frontend.dns.RateLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    /** The config file shipped with Ceph's pdns-backend-rgw (rgw-pdns.conf.in), as operators have it. */
    static final String SEED_FILE = """
            [powerdns]
            listen_addr = 127.0.0.1
            listen_port = 6780
            dns_zone = rgw.local.lan
            dns_soa_record = dns1.icann.org. hostmaster.icann.org. 2012080849 7200 3600 1209600 3600
            dns_soa_ttl = 3600
            dns_default_ttl = 60
            rgw_endpoint = localhost:8080
            rgw_admin_entry = admin
            rgw_access_key = access
            rgw_secret_key = secret
            debug = False
            """;

    BucketDnsConfig parse(String text) {
        return ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), text.lines().toList());
    }

    @Test
    void seedFileParsesUnchanged() {
        BucketDnsConfig c = parse(SEED_FILE);
        assertThat(c.remoteBackend().getPort()).isEqualTo(6780);
        assertThat(c.remoteBackend().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        Zone z = c.zones().get(0);
        assertThat(z.name()).isEqualTo("rgw.local.lan");
        assertThat(z.soa()).isEqualTo(new Soa("dns1.icann.org.", "hostmaster.icann.org.", 2012080849L, 7200, 3600, 1209600, 3600));
        assertThat(z.soaTtl()).isEqualTo(3600);
        assertThat(z.defaultTtl()).isEqualTo(60);
        assertThat(z.unknownBuckets()).isEqualTo(UnknownBucketPolicy.DEFAULT);
        assertThat(c.rgw().endpoints()).containsExactly("http://localhost:8080");
        assertThat(c.rgw().adminEntry()).isEqualTo("admin");
        assertThat(c.rgw().accessKey()).isEqualTo("access");
        assertThat(c.debug()).isFalse();
        assertThat(c.catalog().source()).isEqualTo(BucketDnsConfig.Source.RGW);
        assertThat(c.dnsListen()).isEmpty();
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void missingKeysTakeTheSeedDefaults() {
        BucketDnsConfig c = parse("[powerdns]\n");
        assertThat(c.remoteBackend().getPort()).isEqualTo(6780);
        assertThat(c.zones()).map(Zone::name).containsExactly("rgw.local.lan");
        assertThat(c.zones().get(0).soa().serial()).isEqualTo(Soa.FOLLOW_CATALOG);
        assertThat(c.zones().get(0).soa().mname()).isEqualTo("dns1.icann.org.");
        assertThat(c.rgw().secretKey()).isEqualTo("secret");
    }

    @Test
    void pythonConfigParserSyntax() {
        BucketDnsConfig c = parse("""
                ; comment
                # comment
                [powerdns]
                DNS_Zone: o.example.com, Second.Example.NET.   ; two zones
                dns_default_ttl=30
                rgw_endpoint = http://10.0.0.1:7480,
                   https://rgw2.example.com
                debug = yes
                """);
        assertThat(c.zones()).map(Zone::name).containsExactly("o.example.com", "second.example.net");
        assertThat(c.zones().get(1).defaultTtl()).isEqualTo(30);
        assertThat(c.rgw().endpoints()).containsExactly("http://10.0.0.1:7480", "https://rgw2.example.com");
        assertThat(c.debug()).isTrue();
    }

    @Test
    void bucketdnsSections() throws IOException {
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        BucketDnsConfig c = parse("""
                [powerdns]
                dns_zone = o.example.com
                [catalog]
                source = file
                file = buckets.txt
                unknown_bucket = nxdomain
                default_zonegroup = us
                [zonegroup.eu]
                hostname = O.Example.EU.
                [zonegroup.us]
                hostname = o.example.us
                [dns]
                listen = 127.0.0.1:5300, [::1]:5301
                ns = ns1.example.com, ns2.example.com.
                a = 192.0.2.1
                aaaa = 2001:db8::1
                """);
        assertThat(c.catalog().source()).isEqualTo(BucketDnsConfig.Source.FILE);
        assertThat(c.catalog().file()).isEqualTo(dir.resolve("buckets.txt").toAbsolutePath());
        assertThat(c.catalog().defaultZonegroup()).isEqualTo("us");
        assertThat(c.zonegroupHostnames()).containsExactly(
                java.util.Map.entry("eu", "o.example.eu"), java.util.Map.entry("us", "o.example.us"));
        assertThat(c.dnsListen()).hasSize(2);
        assertThat(c.dnsListen().get(1).getPort()).isEqualTo(5301);
        Zone z = c.zones().get(0);
        assertThat(z.unknownBuckets()).isEqualTo(UnknownBucketPolicy.NXDOMAIN);
        assertThat(z.nameservers()).containsExactly("ns1.example.com.", "ns2.example.com.");
        assertThat(z.ipv4()).containsExactly("192.0.2.1");
        assertThat(z.ipv6()).containsExactly("2001:db8::1");
    }

    @Test
    void eachZoneMayHaveItsOwnSettings() {
        BucketDnsConfig c = parse("""
                [powerdns]
                dns_zone = o.example.com, s3.example.net
                dns_default_ttl = 60
                [catalog]
                unknown_bucket = default
                [dns]
                ns = ns1.example.com
                [zone.S3.example.net]
                unknown_bucket = nxdomain
                dns_default_ttl = 30
                dns_soa_record = ns.example.net. root.example.net. 5 7200 3600 1209600 120
                ns = ns.example.net
                aaaa = 2001:db8::1
                """);
        Zone global = c.zones().get(0);
        Zone own = c.zones().get(1);
        assertThat(global.unknownBuckets()).isEqualTo(UnknownBucketPolicy.DEFAULT);
        assertThat(global.defaultTtl()).isEqualTo(60);
        assertThat(global.nameservers()).containsExactly("ns1.example.com.");
        assertThat(own.name()).isEqualTo("s3.example.net");
        assertThat(own.unknownBuckets()).isEqualTo(UnknownBucketPolicy.NXDOMAIN);
        assertThat(own.defaultTtl()).isEqualTo(30);
        assertThat(own.soa().minimum()).isEqualTo(120);
        assertThat(own.soa().serialFor(1234)).as("a fixed serial").isEqualTo(5);
        assertThat(parse("[powerdns]\ndns_zone = a.com\ndns_soa_record = ns.a.com. root.a.com. auto 600 60 86400 5\n").zones().get(0).soa())
                .as("auto: the serial follows the catalog, the timers are the operator's")
                .satisfies(soa -> assertThat(soa.serialFor(1234)).isEqualTo(1234)).satisfies(soa -> assertThat(soa.minimum()).isEqualTo(5));
        assertThat(own.nameservers()).containsExactly("ns.example.net.");
        assertThat(own.ipv6()).containsExactly("2001:db8::1");
        assertThatThrownBy(() -> parse("[powerdns]\ndns_zone = a.com\n[zone.b.com]\nns = x.com\n"))
                .hasMessageContaining(":3: [zone.b.com] is not a zone listed in [powerdns] dns_zone");
        assertThatThrownBy(() -> parse("[powerdns]\ndns_zone = a.com\n[zone.a.com]\nunknown_bucket = maybe\n"))
                .hasMessageContaining(":4: [zone.a.com] unknown_bucket: 'maybe' is not one of default, nxdomain");
    }

    @Test
    void guessesAndMissWaitsAndStaticRecords() {
        BucketDnsConfig c = parse("""
                [powerdns]
                dns_zone = o.example.com, s3.example.net
                [catalog]
                unknown_ttl = 3
                miss_wait = 150ms
                [dns]
                ns = ns1.o.example.com, ns2.example.net
                records = ns1.o.example.com. 3600 IN A 192.0.2.1
                    ; a comment between records
                    ns1 IN AAAA 2001:db8::1
                    @ 3600 IN CAA 0 issue "letsencrypt.org"
                [zone.s3.example.net]
                unknown_ttl = 1
                records =
                    @ 300 IN TXT "v=spf1 -all"
                """);
        Zone global = c.zones().get(0);
        Zone own = c.zones().get(1);
        assertThat(c.catalog().missWait()).isEqualTo(Duration.ofMillis(150));
        assertThat(global.unknownTtl()).isEqualTo(3);
        assertThat(own.unknownTtl()).isEqualTo(1);
        assertThat(global.records().addressesOf("ns1.o.example.com.")).map(r -> r.ttl() + " " + r.data())
                .containsExactly("3600 192.0.2.1", "60 2001:db8:0:0:0:0:0:1");
        assertThat(global.records().names()).containsExactly("ns1.o.example.com.", "o.example.com.");
        assertThat(own.records().at("s3.example.net.")).map(r -> r.data()).containsExactly("\"v=spf1 -all\"");
        assertThat(parse("[powerdns]\ndns_zone = o.example.com\n").catalog().missWait())
                .isEqualTo(Duration.ofMillis(300));
        assertThat(parse("[powerdns]\ndns_zone = o.example.com\n").zones().get(0).unknownTtl()).isEqualTo(5);
    }

    record Bad(String text, int line, String message) {}

    @Test
    void badFilesNameTheLineAndTheFix() {
        List<Bad> cases = List.of(
                new Bad("[powerdns]\ndns_default_ttl = sixty\n", 2, "[powerdns] dns_default_ttl: 'sixty' is not a whole number; fix: write a whole number, 0 or more, e.g. 60"),
                new Bad("[powerdns]\nlisten_port = 70000\n", 2, "[powerdns] listen_port: 70000 is outside 1..65535"),
                new Bad("[powerdns]\ndns_zone = o..example.com\n", 2, "[powerdns] dns_zone: 'o..example.com' is not a DNS name"),
                new Bad("[powerdns]\ndns_zone = a.com, a.com\n", 2, "zone a.com is listed twice"),
                new Bad("[powerdns]\ndns_soa_record = ns1. host. 1 2 3\n", 2, "an SOA has 7 fields"),
                new Bad("[powerdns]\ndns_soa_record = ns1. host. one 2 3 4 5\n", 2, "SOA serial 'one' is not a number"),
                new Bad("[powerdns]\nrgw_endpoint = ftp://x\n", 2, "[powerdns] rgw_endpoint: 'ftp://x' is not host:port or an http(s) URL"),
                new Bad("[powerdns]\ndns_zone_typo = x\n", 2, "[powerdns] has no key 'dns_zone_typo'; fix: use one of"),
                new Bad("[powerdns]\njust some words\n", 2, "'just some words' is not 'key = value'"),
                new Bad("dns_zone = x\n", 1, "key 'dns_zone' comes before any [section]"),
                new Bad("[powerdns\n", 1, "has no closing ']'"),
                new Bad("[powerdns]\n[powerdns]\n", 2, "section [powerdns] appears twice (first on line 1)"),
                new Bad("[powerdns]\ndebug = true\nDebug = false\n", 3, "key 'debug' appears twice in its section (first on line 2); fix: keep one"),
                new Bad("[powerdns]\ndebug = maybe\n", 2, "[powerdns] debug: 'maybe' is not a boolean"),
                new Bad("[catalog]\nsource = ldap\n", 2, "[catalog] source: 'ldap' is not one of rgw, file; fix: write rgw or file"),
                new Bad("[catalog]\nsource = file\n", 1, "[catalog] source = file needs a file"),
                new Bad("[catalog]\nsource = file\nfile = nope.txt\n", 3, "does not exist"),
                new Bad("[catalog]\nunknown_bucket = drop\n", 2, "[catalog] unknown_bucket: 'drop' is not one of default, nxdomain"),
                new Bad("[zonegroup.eu]\n", 1, "[zonegroup.eu] has no hostname"),
                new Bad("[zonegroup.eu]\nhostname = bad_host!\n", 2, "is not a DNS name"),
                new Bad("[dns]\nlisten = 127.0.0.1\n", 2, "[dns] listen: '127.0.0.1' has no port"),
                new Bad("[dns]\na = 2001:db8::1\n", 2, "[dns] a: '2001:db8::1' is not an IPv4 address"),
                new Bad("[dns]\naaaa = 192.0.2.1\n", 2, "[dns] aaaa: '192.0.2.1' is not an IPv6 address"),
                new Bad("[dns]\nlisten = 0.0.0.0:0\n", 2, "[dns] listen: '0.0.0.0:0': a wildcard stands for every local address"),
                new Bad("[dns]\nrrl_responses_per_second = lots\n", 2, "[dns] rrl_responses_per_second: 'lots' is not a whole number"),
                new Bad("[dns]\nrrl_slip = -1\n", 2, "[dns] rrl_slip: -1 is outside 0..100"),
                new Bad("[dns]\nrrl_exempt = 10.0.0.0/8, 10.0.0.0/99\n", 2, "[dns] rrl_exempt: prefix length 99 outside 0..32"),
                new Bad("[catalog]\nunknown_ttl = soon\n", 2, "[catalog] unknown_ttl: 'soon' is not a whole number"),
                new Bad("[catalog]\nmiss_wait = 5s\n", 2, "[catalog] miss_wait: '5s' is outside 0s..2s; fix: write a duration, 0s to 2s, e.g. 300ms"),
                new Bad("[dns]\nrecords = www 60 IN A 192.0.2.1\n  mail 60 IN MX ten mail.example.com.\n", 3,
                        "[dns] records: 'mail 60 IN MX ten mail.example.com.':"),
                new Bad("[dns]\nrecords = www.example.org. 60 IN A 192.0.2.1\n", 2, "www.example.org. is outside the zone"),
                new Bad("[dns]\nrecords = www 60 IN NS ns.example.org.\n", 2, "bucketdns serves no delegations"),
                new Bad("[dns]\nrecords =\n  www 60 IN CNAME x.example.org.\n  www 60 IN A 192.0.2.1\n", 4, "a CNAME stands alone"),
                new Bad("[powerdns]\ndns_zone = o.example.com\n[dns]\nns = ns1.o.example.com\n", 4,
                        "[dns] ns: name server ns1.o.example.com. is inside zone o.example.com but has no address"));
        for (Bad b : cases) {
            assertThatThrownBy(() -> parse(b.text()))
                    .as(b.text())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(dir.resolve("rgw-pdns.conf") + ":" + b.line() + ": ")
                    .hasMessageContaining(b.message())
                    .hasMessageContaining("fix: ")
                    .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(b.line()));
        }
    }

    @Test
    void rateLimitingIsOnByDefaultAndConfigurable() {
        assertThat(parse(SEED_FILE).dnsRateLimit()).isEqualTo(new RateLimit.Settings(200, 2, List.of()));
        BucketDnsConfig c = parse(SEED_FILE + "[dns]\nrrl_responses_per_second = 50\nrrl_slip = 0\nrrl_exempt = 192.0.2.0/24, 2001:db8::1\n");
        assertThat(c.dnsRateLimit()).isEqualTo(new RateLimit.Settings(50, 0,
                List.of(RateLimit.Network.parse("192.0.2.0/24"), RateLimit.Network.parse("2001:db8::1/128"))));
        assertThat(parse(SEED_FILE + "[dns]\nrrl_responses_per_second = 0\n").dnsRateLimit().responsesPerSecond()).isZero();
    }

    @Test
    void fileSourceNeedsItsZonegroups() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "");
        assertThatThrownBy(() -> parse("[catalog]\nsource = file\nfile = b.txt\n"))
                .hasMessageContaining("needs the zonegroups' hostnames");
        assertThatThrownBy(() -> parse("[catalog]\nsource = file\nfile = b.txt\ndefault_zonegroup = ap\n[zonegroup.eu]\nhostname = a.eu\n"))
                .hasMessageContaining(":4: [catalog] default_zonegroup: zonegroup 'ap' has no [zonegroup.ap] section");
    }

    @Test
    void secretsNeverAppearInErrorsOrToString() {
        BucketDnsConfig c = parse("[powerdns]\nrgw_secret_key = s3cr3t-value\n");
        assertThat(c.rgw().toString()).doesNotContain("s3cr3t-value");
        assertThat(c.toString()).doesNotContain("s3cr3t-value");
        assertThatThrownBy(() -> parse("[powerdns]\nrgw_secret_key = s3cr3t-value\nrgw_secret_kee = s3cr3t-value\n"))
                .message().doesNotContain("s3cr3t-value");
    }

    @Test
    void unknownSectionsAreWarnedAboutNotFatal() {
        BucketDnsConfig c = parse("[powerdns]\n[apache]\nport = 80\n");
        assertThat(c.warnings()).singleElement().asString().contains(":2: section [apache] is not used by bucketdns");
    }

    @Test
    void locateFollowsTheSeedSearchPath() throws IOException {
        assertThat(ConfigLoader.SEARCH_PATH).map(Path::toString)
                .containsExactly("rgw-pdns.conf", System.getProperty("user.home") + "/rgw-pdns.conf", "/etc/ceph/rgw-pdns.conf");
        Path explicit = Files.writeString(dir.resolve("x.conf"), SEED_FILE);
        assertThat(ConfigLoader.locate(explicit)).isEqualTo(explicit);
        assertThatThrownBy(() -> ConfigLoader.locate(dir.resolve("missing.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("missing.conf") + ": config file not found; fix: check the path given to --config");
    }

    @Test
    void notUtf8IsAClearError() throws IOException {
        Path f = dir.resolve("latin1.conf");
        Files.write(f, new byte[] {'[', 'p', ']', '\n', 'x', '=', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ": not UTF-8 text; fix: save the file as UTF-8");
    }
}
