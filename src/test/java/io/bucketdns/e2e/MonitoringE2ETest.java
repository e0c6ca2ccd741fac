package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.e2e.PackagingE2ETest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard and the Prometheus alert rules in monitoring/: every metric they use is in
 * a real scrape of bucketdns following the real RGW lab, and promtool accepts and tests the rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RgwLab.Extension.class)
class MonitoringE2ETest {
    static final Path MONITORING = PackagingE2ETest.ROOT.resolve("monitoring");
    /** A metric name of bucketdns, its JVM or its process; PromQL functions and labels never match. */
    static final Pattern METRIC = Pattern.compile("\\b(?:bucketdns|jvm|process)_[a-z0-9_]+\\b");

    private Path dir;
    private Process bucketdns;
    private Set<String> scraped;

    @BeforeAll
    void scrapeARunningBucketdns(RgwLab lab) throws Exception {
        dir = Files.createTempDirectory("bucketdns-monitoring-e2e");
        int dnsPort = Ports.free();
        int opsPort = Ports.free();
        List<String> conf = new ArrayList<>(List.of("[powerdns]", "listen_addr =", "dns_zone = o.example.com"));
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of("[catalog]", "source = rgw", "[dns]", "listen = 127.0.0.1:" + dnsPort, "ns = ns1.example.com.",
                "[ops]", "listen = 127.0.0.1:" + opsPort));
        Files.write(dir.resolve("rgw-pdns.conf"), conf);
        Path log = dir.resolve("serve.log");
        bucketdns = new ProcessBuilder(PackagingE2ETest.ROOT.resolve("bin/bucketdns").toString(), "serve", "--config",
                dir.resolve("rgw-pdns.conf").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(Ports.await(90, () -> readyz(opsPort) == 200)).as("ready; log:\n%s", Files.readString(log)).isTrue();
        // a bucket name the catalog does not know (a look-up in RGW), and the apex; a JVM just started
        // on a busy machine may miss dig's first two seconds
        assertThat(Ports.await(30, () -> "NOERROR".equals(Dig.query(dnsPort, "no-such-bucket-monitoring.o.example.com", "A").status())))
                .as("answered; log:\n%s", Files.readString(log)).isTrue();
        assertThat(Dig.query(dnsPort, "o.example.com", "SOA").status()).isEqualTo("NOERROR");
        scraped = new TreeSet<>();
        for (String line : Scrape.text(opsPort, "/metrics").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                scraped.add(line.split("[{ ]", 2)[0]);
            }
        }
    }

    private static int readyz(int port) {
        try {
            return Scrape.get(port, "/readyz").statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (bucketdns != null) {
            bucketdns.destroy();
            if (!bucketdns.waitFor(20, TimeUnit.SECONDS)) {
                bucketdns.destroyForcibly();
            }
        }
        Scratch.delete(dir);
    }

    static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void everyDashboardQueryUsesExportedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("bucketdns-dashboard.json").toFile());
        List<String> exprs = dashboard.findValuesAsText("expr");
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(15);
        Set<String> used = metricsIn(String.join("\n", exprs));
        assertThat(used).contains("bucketdns_dns_requests_total", "bucketdns_dns_responses_total",
                "bucketdns_dns_request_duration_seconds_bucket", "bucketdns_catalog_sync_lag_seconds",
                "bucketdns_catalog_miss_lookups_refused_total", "bucketdns_rgw_request_duration_seconds_bucket");
        assertThat(scraped).as("the scrape").containsAll(used);
        // the instance picker lists what every bucketdns exports
        assertThat(dashboard.toString()).contains("label_values(bucketdns_build_info, instance)");
    }

    @Test
    void everyAlertUsesExportedMetrics() throws Exception {
        String rules = Files.readString(MONITORING.resolve("bucketdns-alerts.yml"));
        Set<String> used = metricsIn(rules);
        assertThat(used).hasSizeGreaterThanOrEqualTo(4);
        assertThat(scraped).as("the scrape").containsAll(used);
        // the one series bucketdns cannot export: Prometheus's own, for a target it cannot scrape
        assertThat(rules).contains("expr: up{job=\"bucketdns\"} == 0");
    }

    @Test
    void promtoolAcceptsAndTestsTheRules() throws Exception {
        Run check = PackagingE2ETest.run(MONITORING, "promtool", "check", "rules", "bucketdns-alerts.yml");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 5 rules found");
        Run test = PackagingE2ETest.run(MONITORING, "promtool", "test", "rules", "bucketdns-alerts.test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }
}
