package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server as dig sees it, over UDP and TCP, on IPv4 and IPv6 loopback. */
class StandaloneDnsE2ETest {
    private static final String SOA = "o.example.com. 60 IN SOA " + BucketDnsFiles.SOA;
    /** The SOA of a negative answer that is only a guess: its TTL is unknown_ttl (default 5), not the minimum. */
    private static final String GUESS_SOA = "o.example.com. 5 IN SOA " + BucketDnsFiles.SOA;
    private static final int APEX_AAAA = 60;

    @TempDir
    static Path dir;
    static Service service;
    static int port4;
    static int port6;

    @BeforeAll
    static void start() throws Exception {
        List<String> aaaa = new ArrayList<>();
        for (int i = 1; i <= APEX_AAAA; i++) {
            aaaa.add("2001:db8::" + Integer.toHexString(i));
        }
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of(
                "listen = 127.0.0.1:0, [::1]:0", "ns = ns1.example.com., ns2.example.com.", "a = 192.0.2.10",
                "aaaa = " + String.join(", ", aaaa)));
        service = Service.start(ConfigLoader.load(conf));
        List<InetSocketAddress> bound = service.dns().addresses();
        port4 = bound.get(0).getPort();
        port6 = bound.get(1).getPort();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aBucketIsACnameToItsZonegroupWithAuthority() {
        Dig.Result r = dig("foo.o.example.com", "A");
        assertThat(r.status()).as(r.output()).isEqualTo("NOERROR");
        assertThat(r.flags()).as(r.output()).contains("qr", "aa", "rd").doesNotContain("ra", "tc");
        assertThat(r.answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
        assertThat(r.authority()).isEmpty();
        assertThat(r.transport()).isEqualTo("UDP");
    }

    @Test
    void overTcpTheAnswerIsTheSame() {
        Dig.Result r = dig("bar.o.example.com", "AAAA", "+tcp");
        assertThat(r.transport()).as(r.output()).isEqualTo("TCP");
        assertThat(r.flags()).contains("aa");
        assertThat(r.answer()).containsExactly("bar.o.example.com. 60 IN CNAME bar.o.example.us.");
    }

    @Test
    void severalQueriesShareOneTcpConnection() {
        Dig.Result r = dig("foo.o.example.com", "A", "+tcp", "+keepopen", "bar.o.example.com", "MX", "nope.o.example.com", "A");
        assertThat(r.output()).as(r.output()).contains("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu.")
                .contains("bar.o.example.com.\t60\tIN\tCNAME\tbar.o.example.us.").contains("status: NXDOMAIN");
    }

    @Test
    void theOwnerKeepsTheQuestionsCaseAndTheTargetIsLowercase() {
        Dig.Result r = dig("PHOTOS.O.Example.COM", "A");
        assertThat(r.answer()).as(r.output()).containsExactly("PHOTOS.O.Example.COM. 60 IN CNAME photos.o.example.eu.");
    }

    @Test
    void aDottedBucketIsEverythingLeftOfTheZone() {
        assertThat(dig("eu.dotted.bucket.o.example.com", "MX").answer())
                .containsExactly("eu.dotted.bucket.o.example.com. 60 IN CNAME eu.dotted.bucket.o.example.eu.");
    }

    @Test
    void noRecursionIsOfferedAndRdIsCopied() {
        Dig.Result r = dig("foo.o.example.com", "A", "+norecurse");
        assertThat(r.flags()).as(r.output()).containsExactlyInAnyOrder("qr", "aa");
    }

    @Test
    void anUnknownBucketIsNxdomainWithTheSoa() {
        Dig.Result r = dig("nope.o.example.com", "A");
        assertThat(r.status()).as(r.output()).isEqualTo("NXDOMAIN");
        assertThat(r.flags()).contains("aa");
        assertThat(r.answer()).isEmpty();
        assertThat(r.authority()).containsExactly(GUESS_SOA);
    }

    @Test
    void theApexHasItsSoaAndNs() {
        assertThat(dig("o.example.com", "SOA").answer()).containsExactly("o.example.com. 3600 IN SOA " + BucketDnsFiles.SOA);
        assertThat(dig("o.example.com", "NS").answer())
                .containsExactly("o.example.com. 3600 IN NS ns1.example.com.", "o.example.com. 3600 IN NS ns2.example.com.");
        assertThat(dig("o.example.com", "A").answer()).containsExactly("o.example.com. 60 IN A 192.0.2.10");
    }

    @Test
    void aTypeTheApexLacksIsNodataWithTheSoa() {
        Dig.Result r = dig("o.example.com", "MX");
        assertThat(r.status()).isEqualTo("NOERROR");
        assertThat(r.answer()).isEmpty();
        assertThat(r.authority()).containsExactly(SOA);
    }

    @Test
    void anyFollowsRfc8482() {
        assertThat(dig("o.example.com", "ANY", "+notcp").answer()).containsExactly("o.example.com. 3600 IN HINFO \"RFC8482\" \"\"");
        assertThat(dig("foo.o.example.com", "ANY", "+notcp").answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
    }

    @Test
    void namesOutsideTheZoneAreRefused() {
        Dig.Result r = dig("www.example.org", "A");
        assertThat(r.status()).as(r.output()).isEqualTo("REFUSED");
        assertThat(r.flags()).doesNotContain("aa");
        assertThat(r.answer()).isEmpty();
    }

    @Test
    void ednsIsAnsweredWithOurSizeAndPlainQueriesWithout() {
        Dig.Result edns = dig("foo.o.example.com", "A", "+bufsize=4096");
        assertThat(edns.edns()).isTrue();
        assertThat(edns.output()).contains("udp: 1232");
        assertThat(dig("foo.o.example.com", "A", "+noedns").edns()).isFalse();
    }

    /** RFC 6891 7: errors to an EDNS query carry an OPT too. */
    @Test
    void errorsToEdnsQueriesCarryTheOpt() {
        Dig.Result formerr = dig("+header-only");
        assertThat(formerr.status()).as(formerr.output()).isEqualTo("FORMERR");
        assertThat(formerr.edns()).as(formerr.output()).isTrue();
        Dig.Result notimp = dig("o.example.com", "SOA", "+opcode=notify");
        assertThat(notimp.status()).as(notimp.output()).isEqualTo("NOTIMP");
        assertThat(notimp.edns()).as(notimp.output()).isTrue();
        Dig.Result refused = dig("www.example.org", "A");
        assertThat(refused.edns()).as(refused.output()).isTrue();
        assertThat(dig("+header-only", "+noedns").edns()).isFalse();
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndDigGetsItAllOverTcp() {
        Dig.Result truncated = dig("o.example.com", "AAAA", "+bufsize=512", "+ignore");
        assertThat(truncated.flags()).as(truncated.output()).contains("tc", "aa");
        assertThat(truncated.answer()).isEmpty();

        Dig.Result retried = dig("o.example.com", "AAAA", "+bufsize=512");
        assertThat(retried.output()).contains("Truncated, retrying in TCP mode");
        assertThat(retried.transport()).isEqualTo("TCP");
        assertThat(retried.answer()).hasSize(APEX_AAAA);
    }

    @Test
    void ipv6LoopbackIsServedToo() {
        Dig.Result udp = Dig.ask("::1", port6, "foo.o.example.com", "A");
        Dig.Result tcp = Dig.ask("::1", port6, "foo.o.example.com", "A", "+tcp");
        assertThat(udp.answer()).as(udp.output()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
        assertThat(tcp.answer()).as(tcp.output()).isEqualTo(udp.answer());
    }

    private static Dig.Result dig(String... args) {
        return Dig.ask("127.0.0.1", port4, args);
    }
}
