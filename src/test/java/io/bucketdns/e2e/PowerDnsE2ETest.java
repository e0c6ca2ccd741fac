package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The drop-in promise: the real PowerDNS 4.7 with {@code launch=remote} and default caches, asked
 * with the real dig, answers from bucketdns in each of the HTTP connector's three modes.
 */
class PowerDnsE2ETest {
    static final String CONFIG = """
            [powerdns]
            listen_addr = 127.0.0.1
            listen_port = %d
            dns_zone = o.example.com, s3.example.net
            dns_soa_record = ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 60
            dns_soa_ttl = 3600
            dns_default_ttl = 60

            [catalog]
            source = file
            file = buckets.txt
            unknown_bucket = default
            default_zonegroup = eu

            [zonegroup.eu]
            hostname = o.example.eu
            [zonegroup.us]
            hostname = o.example.us

            [dns]
            ns = ns1.example.com., ns2.example.com.

            [zone.s3.example.net]
            unknown_bucket = nxdomain

            [ops]
            listen = 127.0.0.1:%d
            """;

    /** Every test of one connector mode; each mode runs its own bucketdns and PowerDNS. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Mode {
        Path dir;

        Service bucketdns;
        PowerDns pdns;
        Path buckets;

        /** The options after the URL in PowerDNS's remote-connection-string. */
        abstract String connectorOptions();

        @BeforeAll
        void start() throws Exception {
            dir = Files.createTempDirectory("bucketdns-pdns-e2e");
            int httpPort = Ports.free();
            buckets = Files.writeString(dir.resolve("buckets.txt"), "foo eu\nbar us\neu.dotted.bucket eu\n");
            Path conf = Files.writeString(dir.resolve("rgw-pdns.conf"), CONFIG.formatted(httpPort, Ports.free()));
            bucketdns = Service.start(ConfigLoader.load(conf));
            pdns = PowerDns.start(dir.resolve("pdns"), "http:url=http://127.0.0.1:" + httpPort + "/dns" + connectorOptions(), "o.example.com");
        }

        @AfterAll
        void stop() {
            Scratch.closeAll(pdns, bucketdns);
            Scratch.delete(dir);
        }

        Dig.Result dig(String name, String type, String... options) {
            return Dig.query(pdns.port(), name, type, options);
        }

        @Test
        void aBucketIsACnameToItsZonegroupForEveryType() {
            for (String type : new String[] {"A", "AAAA", "ANY", "MX", "TXT", "CNAME"}) {
                Dig.Result r = dig("foo.o.example.com", type);
                assertThat(r.status()).as(type).isEqualTo("NOERROR");
                assertThat(r.aa()).as(type).isTrue();
                assertThat(r.answer()).as(type).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            }
            assertThat(dig("bar.o.example.com", "A").answer()).containsExactly("bar.o.example.com. 60 IN CNAME bar.o.example.us.");
        }

        @Test
        void dottedAndUpperCaseBucketNames() {
            assertThat(dig("eu.dotted.bucket.o.example.com", "A").answer())
                    .containsExactly("eu.dotted.bucket.o.example.com. 60 IN CNAME eu.dotted.bucket.o.example.eu.");
            Dig.Result upper = dig("BAR.O.Example.COM", "AAAA");
            assertThat(upper.status()).isEqualTo("NOERROR");
            assertThat(upper.answer()).singleElement().satisfies(line -> {
                assertThat(line).endsWithIgnoringCase(" 60 IN CNAME bar.o.example.us.");
                assertThat(line).startsWithIgnoringCase("bar.o.example.com. ");
            });
        }

        @Test
        void apexSoaAndNs() {
            Dig.Result soa = dig("o.example.com", "SOA");
            assertThat(soa.aa()).isTrue();
            assertThat(soa.answer()).containsExactly(
                    "o.example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 60");
            assertThat(dig("o.example.com", "NS").answer())
                    .containsExactlyInAnyOrder("o.example.com. 3600 IN NS ns1.example.com.", "o.example.com. 3600 IN NS ns2.example.com.");
            Dig.Result noA = dig("o.example.com", "A");
            assertThat(noA.status()).isEqualTo("NOERROR");
            assertThat(noA.answer()).isEmpty();
            assertThat(noA.authority()).singleElement().asString().startsWith("o.example.com. 60 IN SOA ns1.example.com.");
        }

        @Test
        void impossibleBucketNamesAreNxdomainWithTheSoa() {
            for (String name : new String[] {"_x.o.example.com", "ab.o.example.com", "a--b-.o.example.com"}) {
                Dig.Result r = dig(name, "A");
                assertThat(r.status()).as(name).isEqualTo("NXDOMAIN");
                assertThat(r.aa()).as(name).isTrue();
                assertThat(r.answer()).as(name).isEmpty();
                assertThat(r.authority()).as(name).singleElement().asString()
                        .isEqualTo("o.example.com. 60 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 60");
            }
        }

        @Test
        void unknownBucketsGoToTheDefaultZonegroupOrNxdomainAsConfigured() {
            assertThat(dig("not-created-yet.o.example.com", "A").answer())
                    .containsExactly("not-created-yet.o.example.com. 5 IN CNAME not-created-yet.o.example.eu."); // a guess: unknown_ttl
            Dig.Result strict = dig("not-created-yet.s3.example.net", "A");
            assertThat(strict.status()).isEqualTo("NXDOMAIN");
            assertThat(strict.authority()).singleElement().asString().startsWith("s3.example.net. 60 IN SOA ");
            assertThat(dig("bar.s3.example.net", "A").answer()).containsExactly("bar.s3.example.net. 60 IN CNAME bar.o.example.us.");
        }

        @Test
        void namesOutsideTheZonesAreRefused() {
            assertThat(dig("example.org", "A").status()).isEqualTo("REFUSED");
            assertThat(dig("foo.o.example.eu", "A").status()).isEqualTo("REFUSED");
        }

        @Test
        void aCatalogFileChangeIsAnsweredWithinTwoSeconds() throws Exception {
            String fresh = "fresh-" + connectorOptions().length() + "-" + System.nanoTime() % 100000;
            Path tmp = dir.resolve("buckets.new");
            Files.writeString(tmp, Files.readString(buckets) + fresh + " us\n");
            long changed = System.nanoTime();
            Files.move(tmp, buckets, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String expected = fresh + ".o.example.com. 60 IN CNAME " + fresh + ".o.example.us.";
            // poll with names PowerDNS has never cached, as a new bucket's first client would
            boolean seen = false;
            for (int i = 0; i < 40 && !seen && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(2); i++) {
                Thread.sleep(50);
                seen = bucketdns.catalog().current().zonegroupOf(fresh) != null;
            }
            assertThat(seen).as("catalog picked up the change within 2 s").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed)).isLessThan(2000);
            assertThat(dig(fresh + ".o.example.com", "A").answer()).containsExactly(expected);
        }

        @Test
        void metricsCountTheQuestionsPowerDnsAsked() throws Exception {
            String series = "bucketdns_dns_responses_total{frontend=\"http\",rcode=\"NOERROR\",rule=\"bucket\",zone=\"o.example.com\"}";
            double before = Scrape.value(bucketdns.ops().address().getPort(), series);
            // names PowerDNS has not cached yet, so each one reaches bucketdns
            for (int i = 0; i < 5; i++) {
                assertThat(dig("bar.o.example.com", "TYPE" + (65280 + i)).status()).isEqualTo("NOERROR");
            }
            assertThat(dig("eu.dotted.bucket.o.example.com", "TXT").status()).isEqualTo("NOERROR");
            double after = Scrape.value(bucketdns.ops().address().getPort(), series);
            assertThat(after - before).isGreaterThanOrEqualTo(1);
            String all = Scrape.text(bucketdns.ops().address().getPort(), "/metrics");
            assertThat(all).contains("bucketdns_catalog_buckets 3.0", "bucketdns_build_info{version=\"", "jvm_memory_used_bytes",
                    "bucketdns_dns_request_duration_seconds_bucket{frontend=\"http\"");
            assertThat(Scrape.text(bucketdns.ops().address().getPort(), "/readyz")).startsWith("ready: catalog loaded: 3 buckets");
            assertThat(Scrape.text(bucketdns.ops().address().getPort(), "/healthz")).isEqualTo("ok\n");
        }

        @Test
        void tcpAnswersTheSame() {
            assertThat(dig("foo.o.example.com", "A", "+tcp").answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
        }
    }

    @Nested
    class HttpGet extends Mode {
        @Override
        String connectorOptions() {
            return "";
        }
    }

    @Nested
    class HttpPost extends Mode {
        @Override
        String connectorOptions() {
            return ",post=1";
        }
    }

    @Nested
    class HttpPostJson extends Mode {
        @Override
        String connectorOptions() {
            return ",post=1,post_json=1";
        }
    }
}
