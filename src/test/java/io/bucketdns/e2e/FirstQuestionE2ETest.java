package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Right on the first question, as a user sees it: the real RGW lab (eu and us gateways on their
 * own loopback addresses), bucketdns answering {@code o.example.com} with the seed's default SOA
 * (minimum 3600), NSD serving the regional names, unbound as the site's resolver, and Debian's
 * stock awscli (virtual-host style, one global endpoint) in its own mount namespace seeing only
 * that resolver. Once through the standalone server, once through the real PowerDNS.
 *
 * <p>Which gateway served a request, and whether any redirected, is read from the gateways' own
 * access logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RgwLab.Extension.class)
class FirstQuestionE2ETest {
    private static final String PREFIX = "127.0." + RgwLab.labSlot() + ".";
    private static final String KEY = "hello.txt";
    private static final String BODY = "hello from rgw-lab";

    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private RgwLab lab;
    private Path dir;
    private Service bucketdns;
    private PowerDns pdns;
    private Nsd nsd;
    private final List<AutoCloseable> worlds = new ArrayList<>();
    /** Clients that resolve through the standalone server, and through PowerDNS. */
    private ClientNamespace viaStandalone;
    private ClientNamespace viaPowerDns;
    private Unbound standaloneResolver;
    private Unbound powerDnsResolver;
    private int port;

    @BeforeAll
    void start(RgwLab lab) throws Exception {
        this.lab = lab;
        dir = Files.createTempDirectory("first-question");
        String euIp = lab.address("eu").getHostString();
        String usIp = lab.address("us").getHostString();
        port = lab.address("eu").getPort();
        nsd = Nsd.start(dir.resolve("nsd"), PREFIX + "54", 5354, Map.of(
                "o.example.eu", regional("o.example.eu", euIp),
                "o.example.us", regional("o.example.us", usIp)));
        int dnsPort = Ports.free();
        int httpPort = Ports.free();
        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + httpPort,
                "dns_zone = o.example.com")); // no dns_soa_record: the seed's SOA, minimum 3600
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of(
                "[catalog]",
                "source = rgw",
                "[dns]",
                "listen = " + PREFIX + "55:" + dnsPort,
                "ns = ns1.o.example.com",
                "a = " + euIp, // the global name itself: the gateway of the master zonegroup
                "records = ns1.o.example.com. 3600 IN A " + PREFIX + "55",
                "[ops]",
                "listen ="));
        bucketdns = Service.start(ConfigLoader.load(Files.write(dir.resolve("rgw-pdns.conf"), conf)));
        pdns = PowerDns.start(dir.resolve("pdns"), "http:url=http://127.0.0.1:" + httpPort + "/dns", "o.example.com");
        String regionalNsd = nsd.address() + "@" + nsd.port();
        standaloneResolver = Unbound.start(dir.resolve("unbound-standalone"), PREFIX + "53", stubs(PREFIX + "55@" + dnsPort, regionalNsd), null);
        worlds.add(standaloneResolver);
        powerDnsResolver = Unbound.start(dir.resolve("unbound-pdns"), PREFIX + "56", stubs("127.0.0.1@" + pdns.port(), regionalNsd), null);
        worlds.add(powerDnsResolver);
        viaStandalone = ClientNamespace.create(dir.resolve("clients-standalone"), standaloneResolver.address());
        worlds.add(viaStandalone);
        viaPowerDns = ClientNamespace.create(dir.resolve("clients-pdns"), powerDnsResolver.address());
        worlds.add(viaPowerDns);
        Files.write(dir.resolve("aws.config"), List.of("[default]", "region = us-east-1", "s3 =", "  addressing_style = virtual"));
    }

    private static List<String> regional(String zone, String gateway) {
        return List.of("@ 3600 IN SOA ns." + zone + ". hostmaster." + zone + ". 1 7200 3600 1209600 60",
                "@ 3600 IN NS ns." + zone + ".", "ns 3600 IN A " + PREFIX + "54", "@ 60 IN A " + gateway, "* 60 IN A " + gateway);
    }

    private static Map<String, String> stubs(String global, String regional) {
        Map<String, String> stubs = new LinkedHashMap<>();
        stubs.put("o.example.com", global);
        stubs.put("o.example.eu", regional);
        stubs.put("o.example.us", regional);
        return stubs;
    }

    @AfterAll
    void stop() {
        Scratch.closeAll(worlds.toArray(AutoCloseable[]::new));
        Scratch.closeAll(pdns, bucketdns, nsd);
        Scratch.delete(dir);
    }

    @Test
    void aBucketMadeAtTheUsGatewayIsRightOnTheFirstQuestionAndReadableThroughTheGlobalName() throws Exception {
        madeAtUsThenRead("fq-us-" + suffix, standaloneResolver, viaStandalone);
    }

    @Test
    void aBucketCreatedThroughTheGlobalNameIsUsableAtOnce() throws Exception {
        createdThroughGlobalNameThenUsed("fq-global-" + suffix, viaStandalone);
    }

    @Test
    void theSameThroughPowerDns() throws Exception {
        madeAtUsThenRead("fq-pdns-us-" + suffix, powerDnsResolver, viaPowerDns);
        createdThroughGlobalNameThenUsed("fq-pdns-global-" + suffix, viaPowerDns);
    }

    private void madeAtUsThenRead(String bucket, Unbound resolver, ClientNamespace clients) throws Exception {
        lab.mkbucketNow(bucket, "us");
        boolean knownBefore = bucketdns.catalog().current().zonegroupOf(bucket) != null;
        Dig.Result first = resolver.dig(bucket + ".o.example.com", "A");
        long asked = System.nanoTime();

        assertThat(first.answer()).as("first answer (catalog knew it before: %s):%n%s", knownBefore, first)
                .first().asString().isEqualTo(bucket + ".o.example.com. 60 IN CNAME " + bucket + ".o.example.us.");

        lab.put(bucket, KEY);
        sleepUntil(asked, Duration.ofSeconds(6));
        Logs logs = new Logs();
        ClientNamespace.Result get = aws(clients, "s3", "cp", "s3://" + bucket + "/" + KEY, "-");

        assertThat(get.exitCode()).as("%s", get).isZero();
        assertThat(get.output()).contains(BODY);
        assertThat(logs.served("us")).as("us gateway").anyMatch(l -> l.contains("\"GET /" + KEY + " HTTP/1.1\" 200"));
        assertThat(logs.served("eu")).as("eu gateway").isEmpty();
        assertThat(logs.redirects()).isEmpty();
    }

    private void createdThroughGlobalNameThenUsed(String bucket, ClientNamespace clients) throws Exception {
        Logs logs = new Logs();
        ClientNamespace.Result made = aws(clients, "s3api", "create-bucket", "--bucket", bucket);
        Path file = Files.writeString(dir.resolve(bucket + ".txt"), BODY + "\n");
        ClientNamespace.Result put = aws(clients, "s3", "cp", file.toString(), "s3://" + bucket + "/" + KEY);
        ClientNamespace.Result get = aws(clients, "s3", "cp", "s3://" + bucket + "/" + KEY, "-");

        assertThat(made.exitCode()).as("%s", made).isZero();
        assertThat(put.exitCode()).as("%s", put).isZero();
        assertThat(get.exitCode()).as("%s", get).isZero();
        assertThat(get.output()).contains(BODY);
        String recorded = lab.zonegroupOf(bucket); // RGW's record, the oracle, not bucketdns
        assertThat(logs.served(recorded)).as("the gateway of %s, where RGW recorded the bucket", recorded)
                .anyMatch(l -> l.contains("\"PUT /" + KEY + " HTTP/1.1\" 200"))
                .anyMatch(l -> l.contains("\"GET /" + KEY + " HTTP/1.1\" 200"));
        assertThat(logs.served(RgwLab.other(recorded))).as("the other gateway").noneMatch(l -> l.contains("/" + KEY));
        assertThat(logs.redirects()).isEmpty();
    }

    private ClientNamespace.Result aws(ClientNamespace clients, String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", "http://o.example.com:" + port));
        cmd.addAll(List.of(args));
        return clients.run(Duration.ofSeconds(90), Map.of(
                "HOME", dir.toString(),
                "AWS_CONFIG_FILE", dir.resolve("aws.config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString(),
                "AWS_ACCESS_KEY_ID", lab.env("RGWLAB_S3_ACCESS_KEY"),
                "AWS_SECRET_ACCESS_KEY", lab.env("RGWLAB_S3_SECRET_KEY"),
                "AWS_EC2_METADATA_DISABLED", "true",
                "AWS_PAGER", ""), cmd.toArray(String[]::new));
    }

    private static void sleepUntil(long start, Duration after) throws InterruptedException {
        long left = start + after.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }

    /**
     * The gateways' access-log lines written from now on, S3 requests only (bucketdns's own admin
     * requests left out).
     */
    private final class Logs {
        private final Map<String, Long> from = new LinkedHashMap<>();

        Logs() throws IOException {
            for (String zonegroup : List.of("eu", "us")) {
                from.put(zonegroup, Files.size(log(zonegroup)));
            }
        }

        private Path log(String zonegroup) {
            return Path.of(lab.env("RGWLAB_RUN"), "log", "client.rgw." + zonegroup + ".log");
        }

        List<String> served(String zonegroup) throws IOException {
            byte[] all = Files.readAllBytes(log(zonegroup));
            int start = (int) Math.min(all.length, from.get(zonegroup));
            String text = new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8);
            return text.lines().filter(l -> l.contains(" beast: ") && l.contains(" HTTP/1.1\" ") && !l.contains(" /admin/")).toList();
        }

        List<String> redirects() throws IOException {
            List<String> out = new ArrayList<>();
            for (String zonegroup : from.keySet()) {
                served(zonegroup).stream().filter(l -> l.matches(".*HTTP/1\\.1\" 30\\d .*")).forEach(l -> out.add(zonegroup + ": " + l));
            }
            return out;
        }
    }
}
