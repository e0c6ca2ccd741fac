package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.frontend.dns.RateLimit.Kind;
import io.bucketdns.frontend.dns.RateLimit.Verdict;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final long SECOND = 1_000_000_000L;
    private final long t0 = System.nanoTime();

    /** Verdicts for {@code n} responses spread evenly over {@code seconds}, starting at {@code t0}. */
    private static Map<Verdict, Integer> flood(RateLimit limit, byte[] client, Kind kind, String name, int n, long t0, int seconds) {
        Map<Verdict, Integer> out = new EnumMap<>(Verdict.class);
        for (int i = 0; i < n; i++) {
            out.merge(limit.admit(client, kind, name, t0 + i * (seconds * SECOND / n)), 1, Integer::sum);
        }
        return out;
    }

    private static byte[] ip(String a) throws Exception {
        return InetAddress.getByName(a).getAddress();
    }

    @Test
    void sendsTheRatePlusOneSecondsBurstAndNoMore() throws Exception {
        RateLimit limit = RateLimit.of(new RateLimit.Settings(100, 0, List.of()));
        Map<Verdict, Integer> v = flood(limit, ip("192.0.2.7"), Kind.POSITIVE, "foo.o.example.com.", 10_000, t0, 10);
        // 1000 a second asked, 100 a second allowed, plus the first second's burst
        assertThat(v.get(Verdict.SEND)).isBetween(1_000, 1_100);
        assertThat(v.get(Verdict.DROP)).isEqualTo(10_000 - v.get(Verdict.SEND));
        assertThat(v).doesNotContainKey(Verdict.SLIP);
    }

    @Test
    void aClientUnderTheRateIsNeverLimited() throws Exception {
        RateLimit limit = RateLimit.of(new RateLimit.Settings(100, 2, List.of()));
        assertThat(flood(limit, ip("192.0.2.7"), Kind.POSITIVE, "foo.o.example.com.", 900, t0, 10)).containsOnlyKeys(Verdict.SEND);
    }

    @Test
    void countsPerNetworkKindAndNameIgnoringCase() throws Exception {
        RateLimit limit = RateLimit.of(new RateLimit.Settings(10, 0, List.of()));
        flood(limit, ip("192.0.2.7"), Kind.POSITIVE, "foo.o.example.com.", 100, t0, 1);
        long now = t0 + SECOND - SECOND / 100; // the flood's last instant
        assertThat(limit.admit(ip("192.0.2.200"), Kind.POSITIVE, "FOO.o.example.COM.", now)).as("same /24, same name in another case")
                .isEqualTo(Verdict.DROP);
        assertThat(limit.admit(ip("192.0.3.7"), Kind.POSITIVE, "foo.o.example.com.", now)).as("next /24").isEqualTo(Verdict.SEND);
        assertThat(limit.admit(ip("192.0.2.7"), Kind.POSITIVE, "bar.o.example.com.", now)).as("another bucket").isEqualTo(Verdict.SEND);
        assertThat(limit.admit(ip("192.0.2.7"), Kind.NXDOMAIN, "foo.o.example.com.", now)).as("another kind").isEqualTo(Verdict.SEND);

        flood(limit, ip("2001:db8:0:100::1"), Kind.ERROR, null, 100, t0, 1);
        assertThat(limit.admit(ip("2001:db8:0:1ff:ffff::9"), Kind.ERROR, null, now)).as("same /56").isEqualTo(Verdict.DROP);
        assertThat(limit.admit(ip("2001:db8:0:200::1"), Kind.ERROR, null, now)).as("next /56").isEqualTo(Verdict.SEND);
    }

    @Test
    void aLimitedClientRecoversAtTheRate() throws Exception {
        RateLimit limit = RateLimit.of(new RateLimit.Settings(10, 0, List.of()));
        byte[] client = ip("192.0.2.7");
        flood(limit, client, Kind.POSITIVE, "foo.", 1000, t0, 1);
        assertThat(limit.admit(client, Kind.POSITIVE, "foo.", t0 + SECOND - SECOND / 1000)).isEqualTo(Verdict.DROP);
        assertThat(limit.admit(client, Kind.POSITIVE, "foo.", t0 + 3 * SECOND)).isEqualTo(Verdict.SEND);
    }

    @Test
    void slipSendsOneInNTruncated() throws Exception {
        byte[] client = ip("192.0.2.7");
        Map<Verdict, Integer> half = flood(RateLimit.of(new RateLimit.Settings(10, 2, List.of())), client, Kind.POSITIVE, "foo.", 10_000, t0, 1);
        assertThat(half.get(Verdict.SLIP)).isBetween(4_500, 5_500);
        Map<Verdict, Integer> all = flood(RateLimit.of(new RateLimit.Settings(10, 1, List.of())), client, Kind.POSITIVE, "foo.", 1000, t0, 1);
        assertThat(all).doesNotContainKey(Verdict.DROP);
    }

    @Test
    void exemptNetworksAreNeverLimited() throws Exception {
        RateLimit limit = RateLimit.of(new RateLimit.Settings(10, 0,
                List.of(RateLimit.Network.parse("192.0.2.128/25"), RateLimit.Network.parse("2001:db8::/32"))));
        assertThat(flood(limit, ip("192.0.2.129"), Kind.POSITIVE, "foo.", 1000, t0, 1)).containsOnlyKeys(Verdict.SEND);
        assertThat(flood(limit, ip("2001:db8:1::1"), Kind.POSITIVE, "foo.", 1000, t0, 1)).containsOnlyKeys(Verdict.SEND);
        assertThat(flood(limit, ip("192.0.2.127"), Kind.POSITIVE, "foo.", 1000, t0, 1)).containsKey(Verdict.DROP);
    }

    @Test
    void aRateOfZeroSwitchesItOff() {
        assertThat(RateLimit.of(new RateLimit.Settings(0, 2, List.of()))).isNull();
    }

    @Test
    void networksParseOrSayWhy() {
        assertThat(RateLimit.Network.parse("10.1.2.3/8").toString()).isEqualTo("10.1.2.3/8");
        assertThat(RateLimit.Network.parse("2001:db8::1").bits()).isEqualTo(128);
        assertThat(RateLimit.Network.parse("10.0.0.0/8")).isEqualTo(RateLimit.Network.parse("10.0.0.0/8"));
        assertThatThrownBy(() -> RateLimit.Network.parse("example.com/8")).hasMessageContaining("not an address/prefix");
        assertThatThrownBy(() -> RateLimit.Network.parse("10.0.0.0/33")).hasMessageContaining("prefix length 33 outside 0..32");
        assertThatThrownBy(() -> RateLimit.Network.parse("10.0.0.0/x")).hasMessageContaining("no numeric prefix length");
    }
}
