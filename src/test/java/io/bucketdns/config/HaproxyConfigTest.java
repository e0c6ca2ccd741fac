package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyConfigTest {
    @TempDir
    Path dir;

    BucketDnsConfig parse(String text) {
        return ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), text.lines().toList());
    }

    @Test
    void absentSectionMeansOff() {
        assertThat(parse("[powerdns]\n").haproxy()).isNull();
    }

    @Test
    void mapSocketAndOmittedZonegroup() {
        BucketDnsConfig c = parse("[haproxy]\nmap = buckets.map\nruntime_socket = /run/haproxy/admin.sock\nomit_zonegroup = eu\n");

        assertThat(c.haproxy().map()).isEqualTo(dir.resolve("buckets.map"));
        assertThat(c.haproxy().runtimeSocket()).isEqualTo(UnixDomainSocketAddress.of("/run/haproxy/admin.sock"));
        assertThat(c.haproxy().omitZonegroup()).isEqualTo("eu");
    }

    @Test
    void runtimeSocketMayBeTcpOrAbsent() {
        assertThat(parse("[haproxy]\nmap = m\nruntime_socket = 127.0.0.1:9999\n").haproxy().runtimeSocket())
                .isEqualTo(new InetSocketAddress("127.0.0.1", 9999));
        assertThat(parse("[haproxy]\nmap = m\n").haproxy().runtimeSocket()).isNull();
        assertThat(parse("[haproxy]\nmap = m\n").haproxy().omitZonegroup()).isNull();
    }

    @Test
    void theShippedExampleLoads() throws IOException {
        Path example = Path.of("examples/haproxy/rgw-pdns.conf").toAbsolutePath();
        // /etc/haproxy and /var/lib/bucketdns exist only where HAProxy and bucketdns are installed
        List<String> lines = Files.readAllLines(example).stream().map(l -> l.replace("/etc/haproxy/", dir + "/").replace("/var/lib/bucketdns/", dir + "/")).toList();

        BucketDnsConfig c = ConfigLoader.parse(example, lines);

        assertThat(c.haproxy().map()).isEqualTo(dir.resolve("buckets.map"));
        assertThat(c.haproxy().runtimeSocket()).isEqualTo(UnixDomainSocketAddress.of("/run/haproxy/admin.sock"));
        assertThat(c.haproxy().regionMap()).isEqualTo(dir.resolve("regions.map"));
        assertThat(c.haproxy().lookup()).isEqualTo(new InetSocketAddress("127.0.0.1", 9781));
        assertThat(c.zones().get(0).ipv4()).containsExactly("192.0.2.10");
        assertThat(Files.readString(example.resolveSibling("haproxy.cfg")))
                .contains("bind 192.0.2.10:80", "map(/etc/haproxy/buckets.map)", "map(/etc/haproxy/regions.map)",
                        "stats socket /run/haproxy/admin.sock", "setenv BUCKETDNS_LOOKUP 127.0.0.1:9781",
                        "lua-load /etc/haproxy/bucketdns.lua", "http-request lua.bucketdns-route");
        assertThat(example.resolveSibling("bucketdns.lua")).exists();
    }

    @Test
    void theRegionMapSitsBesideTheBucketMapAndTheLookUpOnLoopbackUnlessSaidOtherwise() {
        BucketDnsConfig.Haproxy defaults = parse("[haproxy]\nmap = buckets.map\n").haproxy();
        BucketDnsConfig.Haproxy set = parse("[haproxy]\nmap = buckets.map\nregion_map = r.map\nlookup = 127.0.0.9:1234\n").haproxy();
        BucketDnsConfig.Haproxy off = parse("[haproxy]\nmap = buckets.map\nlookup =\n").haproxy();

        assertThat(defaults.regionMap()).isEqualTo(dir.resolve("regions.map"));
        assertThat(defaults.lookup()).isEqualTo(new InetSocketAddress("127.0.0.1", 9781));
        assertThat(set.regionMap()).isEqualTo(dir.resolve("r.map"));
        assertThat(set.lookup()).isEqualTo(new InetSocketAddress("127.0.0.9", 1234));
        assertThat(off.lookup()).isNull();
        assertThatThrownBy(() -> parse("[haproxy]\nmap = buckets.map\nregion_map = buckets.map\n"))
                .hasMessageContaining(":3").hasMessageContaining("[haproxy] region_map: is the bucket map's file");
    }

    @Test
    void badSettingsNameTheLineAndTheFix() throws IOException {
        assertThatThrownBy(() -> parse("[haproxy]\nruntime_socket = /run/haproxy/admin.sock\n"))
                .hasMessageContaining("rgw-pdns.conf:1").hasMessageContaining("needs a map file").hasMessageContaining("fix:");
        assertThatThrownBy(() -> parse("[haproxy]\nmap = /no/such/dir/buckets.map\n"))
                .hasMessageContaining(":2").hasMessageContaining("[haproxy] map: directory /no/such/dir does not exist");
        assertThatThrownBy(() -> parse("[haproxy]\nmap = m\nruntime_socket = localhost\n"))
                .hasMessageContaining(":3").hasMessageContaining("[haproxy] runtime_socket: 'localhost' has no port");
        assertThatThrownBy(() -> parse("[haproxy]\nmap = m\nsocket = /x\n"))
                .hasMessageContaining("[haproxy] has no key 'socket'").hasMessageContaining("runtime_socket");
        Files.writeString(dir.resolve("b.txt"), "foo eu\n");
        assertThatThrownBy(() -> parse("[catalog]\nsource = file\nfile = b.txt\n[zonegroup.eu]\nhostname = a.eu\n"
                + "[haproxy]\nmap = m\nomit_zonegroup = us\n"))
                .hasMessageContaining(":8").hasMessageContaining("zonegroup 'us' has no [zonegroup.us] section").hasMessageContaining("eu");
    }
}
