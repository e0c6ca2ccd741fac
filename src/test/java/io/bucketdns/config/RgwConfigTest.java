package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config keys of the rgw catalog source. */
class RgwConfigTest {
    private static final Path FILE = Path.of("/etc/ceph/rgw-pdns.conf");

    @Test
    void defaultsFitAnExistingSeedConfig() {
        BucketDnsConfig c = parse("[powerdns]", "rgw_endpoint = 10.0.0.1:8080, https://rgw2.example");

        assertThat(c.rgw().endpoints()).containsExactly("http://10.0.0.1:8080", "https://rgw2.example");
        assertThat(c.rgw().signature()).isEqualTo(BucketDnsConfig.Signature.V4);
        assertThat(c.catalog().snapshot()).isNull();
        assertThat(c.catalog().maxStaleness()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.catalog().missLookupsPerSecond()).isEqualTo(20);
        assertThat(c.catalog().relistInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void readsEveryKey() {
        BucketDnsConfig c = parse("[powerdns]", "rgw_signature = v2", "[catalog]", "snapshot = catalog.gz", "max_staleness = 90s",
                "miss_lookups_per_second = 0", "relist_interval = 2h");

        assertThat(c.rgw().signature()).isEqualTo(BucketDnsConfig.Signature.V2);
        assertThat(c.catalog().snapshot()).isEqualTo(Path.of("/etc/ceph/catalog.gz"));
        assertThat(c.catalog().maxStaleness()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.catalog().missLookupsPerSecond()).isZero();
        assertThat(c.catalog().relistInterval()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void badValuesNameFileLineAndFix() {
        assertThatThrownBy(() -> parse("[powerdns]", "rgw_signature = v3"))
                .hasMessage("/etc/ceph/rgw-pdns.conf:2: [powerdns] rgw_signature: 'v3' is not one of v4, v2; fix: write v4 or v2");
        assertThatThrownBy(() -> parse("[catalog]", "max_staleness = soon"))
                .hasMessageStartingWith("/etc/ceph/rgw-pdns.conf:2: [catalog] max_staleness: 'soon' is not a duration");
        assertThatThrownBy(() -> parse("[catalog]", "", "relist_interval = 10s"))
                .hasMessageStartingWith("/etc/ceph/rgw-pdns.conf:3: [catalog] relist_interval:").hasMessageContaining("is outside 1m..365d; fix: write a duration, 1m to 365d, e.g. 1h");
        assertThatThrownBy(() -> parse("[catalog]", "miss_lookups_per_second = -1"))
                .hasMessageContaining("[catalog] miss_lookups_per_second: -1 is outside 0..10000");
        assertThatThrownBy(() -> parse("[catalog]", "snapshot = /no/such/dir/catalog.gz"))
                .hasMessageContaining("[catalog] snapshot: directory /no/such/dir does not exist");
    }

    private static BucketDnsConfig parse(String... lines) {
        List<String> all = new ArrayList<>(List.of(lines));
        return ConfigLoader.parse(FILE, all);
    }
}
