package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.cli.BucketDnsCommand;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Path-style clients as in production: the RGW lab's eu and us gateways, the shipped HAProxy
 * config ({@code examples/haproxy/haproxy.cfg}) on a third loopback address fed by bucketdns (rgw
 * source) with the bucket map, bucketdns authoritative for {@code o.example.com} with the apex A
 * on the proxy, NSD for the regional names, unbound as the clients' only resolver, and Debian's
 * awscli and rclone with their default (path-style) settings in their own mount namespace.
 *
 * <p>Which gateway served a request is read in the gateways' own access logs, and which backend
 * HAProxy chose in its log. The contrast, in the same run: the same clients with {@code
 * o.example.com} pointing straight at the eu gateway fail on the us bucket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RgwLab.Extension.class)
class HaproxyRoutingE2ETest {
    private static final String PREFIX = "127.0." + RgwLab.labSlot() + ".";
    private static final String PROXY = PREFIX + "23";
    private static final String BUCKETDNS = PREFIX + "55";
    private static final int BUCKETDNS_PORT = 5300;
    /** [haproxy] lookup's default port, on this test's own address. */
    private static final int LOOKUP_PORT = 9781;
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(120);
    private static final String KEY = "hello.txt";
    private static final String BODY = "hello from rgw-lab\n";

    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    /** Bucket to zonegroup, each with a public object {@link #KEY}. */
    private final Map<String, String> buckets = new LinkedHashMap<>();
    private String eu;
    private String us;
    private RgwLab lab;
    private Path dir;
    private Path mapFile;
    private Path regionFile;
    private Path config;
    private int port;
    private Service bucketdns;
    private Haproxy haproxy;
    private Nsd nsd;
    private Unbound resolver;
    private Unbound directResolver;
    private ClientNamespace clients;
    private ClientNamespace directClients;

    @BeforeAll
    void start(RgwLab lab) throws Exception {
        this.lab = lab;
        eu = "e2e-hx-eu-" + suffix;
        us = "e2e-hx-us-" + suffix;
        buckets.put(eu, "eu");
        buckets.put(us, "us");
        buckets.put("us.dotted.hx-" + suffix, "us"); // path style carries dotted names as they are
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            lab.mkbucket(b.getKey(), b.getValue());
            lab.put(b.getKey(), KEY);
        }
        port = lab.address("eu").getPort(); // the proxy listens on the gateways' port: o.example.com:PORT
        dir = Files.createTempDirectory("haproxy-routing-e2e");
        mapFile = dir.resolve("buckets.map");
        regionFile = dir.resolve("regions.map");
        Files.writeString(mapFile, "");

        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]",
                "listen_addr =",
                "dns_zone = o.example.com",
                "dns_soa_record = ns1.o.example.com. hostmaster.example.com. 1 7200 3600 1209600 60",
                "dns_default_ttl = 60"));
        conf.addAll(lab.rgwSettings());
        conf.addAll(List.of("[catalog]", "source = rgw")); // every timing at its default: log_sweep, miss_wait, the rate
        conf.addAll(List.of(
                "[dns]",
                "listen = " + BUCKETDNS + ":" + BUCKETDNS_PORT,
                "ns = ns1.o.example.com.",
                "records = ns1.o.example.com. 3600 IN A " + BUCKETDNS, // an in-zone name server needs its address
                "a = " + PROXY,
                "[haproxy]",
                "map = " + mapFile,
                "runtime_socket = " + Haproxy.socketIn(dir.resolve("haproxy")),
                "lookup = " + BUCKETDNS + ":" + LOOKUP_PORT));
        config = Files.write(dir.resolve("rgw-pdns.conf"), conf);
        bucketdns = Service.start(ConfigLoader.load(config));
        awaitMap(us, "us", Duration.ofSeconds(30)); // HAProxy starts from a current map file

        haproxy = Haproxy.start(dir.resolve("haproxy"), shippedHaproxyConfig());

        Map<String, List<String>> zones = new LinkedHashMap<>();
        zones.put("o.example.eu", region(lab.address("eu")));
        zones.put("o.example.us", region(lab.address("us")));
        zones.put("o.example.com", region(lab.address("eu"))); // only the direct resolver asks NSD for it
        nsd = Nsd.start(dir.resolve("nsd"), PREFIX + "54", 5354, zones);
        String nsdAt = nsd.address() + "@" + nsd.port();
        resolver = Unbound.start(dir.resolve("unbound"), PREFIX + "53", Map.of(
                "o.example.com", BUCKETDNS + "@" + BUCKETDNS_PORT, "o.example.eu", nsdAt, "o.example.us", nsdAt), null);
        directResolver = Unbound.start(dir.resolve("unbound-direct"), PREFIX + "56", Map.of(
                "o.example.com", nsdAt, "o.example.eu", nsdAt, "o.example.us", nsdAt), null);
        clients = ClientNamespace.create(dir.resolve("clients"), resolver.address());
        directClients = ClientNamespace.create(dir.resolve("clients-direct"), directResolver.address());
    }

    /** examples/haproxy/haproxy.cfg as shipped, with this run's addresses, paths and gateways. */
    private List<String> shippedHaproxyConfig() throws IOException {
        String eu = lab.endpoint("eu");
        String us = lab.endpoint("us");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("examples/haproxy/haproxy.cfg"))) {
            lines.add(line
                    .replace("/run/haproxy/admin.sock", Haproxy.socketIn(dir.resolve("haproxy")).toString())
                    .replace("/etc/haproxy/buckets.map", mapFile.toString())
                    .replace("/etc/haproxy/regions.map", regionFile.toString())
                    .replace("/etc/haproxy/bucketdns.lua", Path.of("examples/haproxy/bucketdns.lua").toAbsolutePath().toString())
                    .replace("setenv BUCKETDNS_LOOKUP 127.0.0.1:" + LOOKUP_PORT, "setenv BUCKETDNS_LOOKUP " + BUCKETDNS + ":" + LOOKUP_PORT)
                    .replace("bind 192.0.2.10:80", "bind " + PROXY + ":" + port)
                    .replace("10.0.1.5:8080", eu).replace("10.0.1.6:8080", eu)
                    .replace("10.0.2.5:8080", us));
        }
        assertThat(lines).as("the example's lines this test adapts").contains("    server us1 " + us + " check")
                .anyMatch(l -> l.contains("bind " + PROXY)).anyMatch(l -> l.contains("map(" + mapFile + ")"))
                .anyMatch(l -> l.contains("map(" + regionFile + ")")).anyMatch(l -> l.contains("setenv BUCKETDNS_LOOKUP " + BUCKETDNS))
                .anyMatch(l -> l.contains("lua-load /"));
        return lines;
    }

    /** A regional zone whose every name is the zonegroup's gateway. */
    private static List<String> region(InetSocketAddress gateway) {
        String ip = gateway.getAddress().getHostAddress();
        return List.of("@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 60", "@ 3600 IN NS ns", "ns 3600 IN A " + ip,
                "@ 60 IN A " + ip, "* 60 IN A " + ip);
    }

    @AfterAll
    void stop() {
        Scratch.closeAll(clients, directClients, resolver, directResolver, nsd, haproxy, bucketdns);
        Scratch.delete(dir);
    }

    private Map<String, String> awsEnv() throws IOException {
        Path empty = Files.writeString(dir.resolve("aws-empty"), ""); // default settings: no profile, no s3 options
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", lab.env("RGWLAB_S3_ACCESS_KEY"));
        env.put("AWS_SECRET_ACCESS_KEY", lab.env("RGWLAB_S3_SECRET_KEY"));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", empty.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CA_BUNDLE", ""); // a CA bundle set for the test's own environment is no part of the client's
        env.put("HOME", dir.toString());
        return env;
    }

    /** Debian's awscli (not another aws on the PATH), endpoint the global name, nothing else configured. */
    private ClientNamespace.Result aws(ClientNamespace ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", "http://o.example.com:" + port));
        cmd.addAll(List.of(args));
        return ns.run(CLIENT_LIMIT, awsEnv(), cmd.toArray(String[]::new));
    }

    /** rclone with the Ceph provider's defaults (path style), remote "lab:". */
    private ClientNamespace.Result rclone(ClientNamespace ns, String... args) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(awsEnv());
        env.put("RCLONE_CONFIG_LAB_TYPE", "s3");
        env.put("RCLONE_CONFIG_LAB_PROVIDER", "Ceph");
        env.put("RCLONE_CONFIG_LAB_ENDPOINT", "http://o.example.com:" + port);
        env.put("RCLONE_CONFIG_LAB_ACCESS_KEY_ID", lab.env("RGWLAB_S3_ACCESS_KEY"));
        env.put("RCLONE_CONFIG_LAB_SECRET_ACCESS_KEY", lab.env("RGWLAB_S3_SECRET_KEY"));
        List<String> cmd = new ArrayList<>(List.of("rclone", "--config", dir.resolve("rclone.conf").toString(), "--low-level-retries", "1",
                "--retries", "1"));
        cmd.addAll(List.of(args));
        return ns.run(CLIENT_LIMIT, env, cmd.toArray(String[]::new));
    }

    /** What a gateway logged from now on. */
    private final class GatewayLog {
        private final Map<String, Long> start = new LinkedHashMap<>();

        GatewayLog() throws IOException {
            for (String zg : List.of("eu", "us")) {
                start.put(zg, Files.size(logOf(zg)));
            }
        }

        /** Access-log lines of {@code zonegroup}'s gateway since this was made, for requests under {@code /bucket/}. */
        List<String> requests(String zonegroup, String bucket) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(logOf(zonegroup).toFile(), "r")) {
                f.seek(start.get(zonegroup));
                byte[] b = new byte[(int) (f.length() - start.get(zonegroup))];
                f.readFully(b);
                return new String(b, StandardCharsets.UTF_8).lines()
                        .filter(l -> l.contains(" beast: ")
                                && (l.contains(" /" + bucket + "/") || l.contains(" /" + bucket + " ") || l.contains(" /" + bucket + "?")))
                        .toList();
            }
        }

        private Path logOf(String zonegroup) {
            return Path.of(lab.env("RGWLAB_RUN"), "log", "client.rgw." + zonegroup + ".log");
        }
    }

    @Test
    @Order(1)
    void theGlobalNameIsTheProxyAndEachBucketACnameToItsRegion() {
        assertThat(resolver.dig("o.example.com", "A").answer()).singleElement().matches(l -> l.endsWith(" IN A " + PROXY), "the proxy");
        assertThat(resolver.dig(us + ".o.example.com", "A").answer())
                .anyMatch(l -> l.contains(" IN CNAME " + us + ".o.example.us."))
                .anyMatch(l -> l.endsWith(" IN A " + lab.address("us").getAddress().getHostAddress()));
    }

    @Test
    @Order(2)
    void awscliWithDefaultSettingsGetsAndPutsInEveryRegionThroughTheProxyWithoutARedirect() throws Exception {
        Path upload = Files.writeString(dir.resolve("up.txt"), "uploaded through the proxy\n");
        GatewayLog logs = new GatewayLog();
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            String bucket = b.getKey();
            ClientNamespace.Result get = aws(clients, "s3", "cp", "s3://" + bucket + "/" + KEY, "-");
            ClientNamespace.Result put = aws(clients, "s3", "cp", upload.toString(), "s3://" + bucket + "/up.txt");

            assertThat(get.exitCode()).as("get from %s: %s", bucket, get).isZero();
            assertThat(get.output()).as(bucket).contains(BODY);
            assertThat(put.exitCode()).as("put into %s: %s", bucket, put).isZero();
        }
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            String bucket = b.getKey();
            String home = b.getValue();
            List<String> served = logs.requests(home, bucket);
            assertThat(served).as("%s's own gateway (%s)", bucket, home)
                    .anyMatch(l -> l.contains("\"GET /" + bucket + "/" + KEY + " HTTP/1.1\" 200"))
                    .anyMatch(l -> l.contains("\"PUT /" + bucket + "/up.txt HTTP/1.1\" 200"))
                    .noneMatch(l -> l.contains("\" 301 "));
            assertThat(logs.requests(RgwLab.other(home), bucket)).as("the other gateway never saw %s", bucket).isEmpty();
            assertThat(haproxy.output().lines().filter(l -> l.contains("GET /" + bucket + "/" + KEY)))
                    .as("HAProxy's log").isNotEmpty().allMatch(l -> l.contains(" rgw_" + home + "/"));
        }
    }

    @Test
    @Order(3)
    void rcloneWithTheCephProvidersDefaultsListsAndCopiesFromAUsBucket() throws Exception {
        GatewayLog logs = new GatewayLog();
        Path into = dir.resolve("rclone-copy");

        ClientNamespace.Result list = rclone(clients, "lsf", "lab:" + us);
        ClientNamespace.Result copy = rclone(clients, "copy", "lab:" + us + "/" + KEY, into.toString());

        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.output().lines()).contains(KEY);
        assertThat(copy.exitCode()).as("%s", copy).isZero();
        assertThat(Files.readString(into.resolve(KEY))).isEqualTo(BODY);
        assertThat(logs.requests("us", us)).isNotEmpty().noneMatch(l -> l.contains("\" 301 "));
        assertThat(logs.requests("eu", us)).isEmpty();
    }

    @Test
    @Order(3)
    void checkSaysTheMapFileAndHaproxysMapAgreeWithTheCatalog() {
        StringWriter out = new StringWriter();
        var cl = BucketDnsCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));

        int exit = cl.execute("check", "--config", config.toString());

        assertThat(exit).as("%s", out).isZero();
        assertThat(out.toString().lines())
                .anyMatch(l -> l.startsWith("ok   haproxy map file " + mapFile + ": ") && l.endsWith(" entries, agrees with the catalog"))
                .anyMatch(l -> l.startsWith("ok   haproxy runtime " + haproxy.socket() + " (HAProxy 2.")
                        && l.endsWith(" entries, agrees with the catalog"))
                .contains("ok   haproxy region map file " + regionFile + ": 2 entries, agrees with the catalog",
                        "ok   haproxy regions: every zonegroup's api_name is its own {eu=eu, us=us}")
                .anyMatch(l -> l.startsWith("ok   haproxy lookup http://" + BUCKETDNS + ":" + LOOKUP_PORT + ": HAProxy's bucketdns.lua said hello "));
    }

    @Test
    @Order(4)
    void withTheGlobalNameStraightAtTheEuGatewayTheSameClientsFailOnTheUsBucket() throws Exception {
        GatewayLog logs = new GatewayLog();

        ClientNamespace.Result euGet = aws(directClients, "s3", "cp", "s3://" + eu + "/" + KEY, "-");
        ClientNamespace.Result usGet = aws(directClients, "s3", "cp", "s3://" + us + "/" + KEY, "-");
        ClientNamespace.Result usList = rclone(directClients, "lsf", "lab:" + us);

        String euGateway = lab.address("eu").getAddress().getHostAddress();
        assertThat(directResolver.dig("o.example.com", "A").answer()).singleElement()
                .matches(l -> l.endsWith(" IN A " + euGateway), "the eu gateway");
        assertThat(euGet.exitCode()).as("%s", euGet).isZero();
        assertThat(usGet.exitCode()).as("%s", usGet).isNotZero();
        assertThat(usList.exitCode()).as("%s", usList).isNotZero();
        assertThat(logs.requests("eu", us)).as("the eu gateway redirects").anyMatch(l -> l.contains("\" 301 "));
    }

    @Test
    @Order(5)
    void aBucketMadeAtTheUsGatewayIsReadThroughTheProxyOnTheFirstTryAndLeavesTheMapWithinOneSweep() throws Exception {
        String fresh = "e2e-hx-new-" + suffix;
        InetSocketAddress proxy = new InetSocketAddress(PROXY, port);

        lab.mkbucketNow(fresh, "us");
        long made = System.nanoTime();
        RawHttp.Reply first = RawHttp.get(proxy, "o.example.com:" + port, "/" + fresh + "/");
        long tookMs = (System.nanoTime() - made) / 1_000_000;
        lab.put(fresh, KEY); // asks both gateways which one serves the bucket: the logs start after it
        GatewayLog logs = new GatewayLog();
        ClientNamespace.Result get = aws(clients, "s3", "cp", "s3://" + fresh + "/" + KEY, "-");

        assertThat(first.status()).as("the first request, at home (anonymous list: 403): %s", first).isEqualTo(403);
        assertThat(tookMs).as("answered within 1 s of the creation").isLessThan(1000);
        assertThat(get.exitCode()).as("awscli's first try: %s", get).isZero();
        assertThat(get.output()).contains(BODY);
        // radosgw writes its log a moment after it answered
        assertThat(E2EWait.within(Duration.ofSeconds(5), () -> logs.requests("us", fresh).stream()
                .anyMatch(l -> l.contains("\"GET /" + fresh + "/" + KEY + " HTTP/1.1\" 200")))).as("the us gateway served it").isTrue();
        assertThat(logs.requests("us", fresh)).noneMatch(l -> l.contains("\" 301 "));
        assertThat(logs.requests("eu", fresh)).as("the eu gateway never saw it").isEmpty();

        // Nobody asks about a removed bucket, so only the sweep sees it go: within log_sweep (40 s by
        // default) and the time to push the change.
        lab.rmbucketNow(fresh);
        assertThat(E2EWait.within(Duration.ofSeconds(50), () -> !haproxy.map(mapFile).containsKey(fresh)))
                .as("gone from HAProxy's map within one sweep").isTrue();
    }

    @Test
    @Order(5)
    void awsMbThroughTheGlobalNameMakesTheBucketInTheRegionItIsSignedFor() throws Exception {
        Path upload = Files.writeString(dir.resolve("mb.txt"), "made in its region\n");
        for (String region : List.of("us", "eu")) {
            String bucket = "e2e-hx-mb-" + region + "-" + suffix;
            GatewayLog logs = new GatewayLog();

            ClientNamespace.Result mb = aws(clients, "--region", region, "s3", "mb", "s3://" + bucket);
            RawHttp.Reply anonymous = anonymousListing(bucket);
            ClientNamespace.Result put = aws(clients, "--region", region, "s3", "cp", upload.toString(), "s3://" + bucket + "/mb.txt");
            ClientNamespace.Result get = aws(clients, "--region", region, "s3", "cp", "s3://" + bucket + "/mb.txt", "-");

            assertThat(mb.exitCode()).as("mb --region %s: %s", region, mb).isZero();
            assertThat(lab.zonegroupOf(bucket)).as("radosgw-admin: where %s was made", bucket).isEqualTo(region);
            assertThat(anonymous.status()).as("an unsigned GET at once, from %s's gateway: %s", region, anonymous).isEqualTo(403);
            assertThat(anonymous.body()).contains("AccessDenied");
            assertThat(put.exitCode()).as("%s", put).isZero();
            assertThat(get.exitCode()).as("%s", get).isZero();
            assertThat(get.output()).contains("made in its region");
            assertThat(logs.requests(region, bucket)).as("%s's gateway served it all", region)
                    .anyMatch(l -> l.contains("\"PUT /" + bucket + " HTTP/1.1\" 200"))
                    .anyMatch(l -> l.contains("\"PUT /" + bucket + "/mb.txt HTTP/1.1\" 200"))
                    .anyMatch(l -> l.contains("\"GET /" + bucket + "/mb.txt HTTP/1.1\" 200"));
            // but for RGW's own forward of the creation to the metadata master (eu), signed rgwx-uid=
            assertThat(logs.requests(RgwLab.other(region), bucket)).as("the other gateway never saw %s from a client", bucket)
                    .allMatch(l -> l.contains("?rgwx-uid="));
            lab.rmbucketNow(bucket);
        }
    }

    @Test
    @Order(5)
    void aPresignedCreateBucketUrlSignedForUsLandsInUs() throws Exception {
        String bucket = "e2e-hx-presigned-" + suffix;
        BoundedRun.Outcome url = BoundedRun.run(List.of("/usr/bin/python3", "-c", String.join("\n",
                "import sys",
                "from awscli.botocore.session import Session", // Debian's awscli carries its botocore
                "from awscli.botocore.config import Config",
                "c = Session().create_client('s3', region_name='us', endpoint_url=sys.argv[1],",
                "    config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))",
                "print(c.generate_presigned_url('create_bucket', Params={'Bucket': sys.argv[2]}, ExpiresIn=600, HttpMethod='PUT'))"),
                "http://o.example.com:" + port, bucket), awsEnv(), CLIENT_LIMIT, dir, new ArrayList<>());
        assertThat(url.exitCode()).as("%s", url.output()).isZero();
        String presigned = url.output().strip();
        assertThat(presigned).contains("X-Amz-Credential=").contains("%2Fus%2Fs3%2Faws4_request");
        GatewayLog logs = new GatewayLog();

        RawHttp.Reply created = RawHttp.request(new InetSocketAddress(PROXY, port), "PUT", "o.example.com:" + port,
                presigned.substring(presigned.indexOf('/', "http://".length())));

        RawHttp.Reply anonymous = anonymousListing(bucket);

        assertThat(created.status()).as("%s", created).isEqualTo(200);
        assertThat(lab.zonegroupOf(bucket)).isEqualTo("us");
        assertThat(anonymous.status()).as("an unsigned GET at once, from the us gateway: %s", anonymous).isEqualTo(403);
        assertThat(anonymous.body()).contains("AccessDenied");
        assertThat(E2EWait.within(Duration.ofSeconds(5), () -> logs.requests("us", bucket).stream()
                .anyMatch(l -> l.contains("\"PUT /" + bucket + "?X-Amz-Algorithm=")))).as("the us gateway served it").isTrue();
        lab.rmbucketNow(bucket);
    }

    @Test
    @Order(5)
    void anUnknownRegionGoesToTheMasterAndGetsRgwsOwnError() throws Exception {
        String bucket = "e2e-hx-xx-" + suffix;
        GatewayLog logs = new GatewayLog();

        ClientNamespace.Result mb = aws(clients, "--region", "xx-nowhere-1", "s3", "mb", "s3://" + bucket);

        assertThat(mb.exitCode()).as("%s", mb).isNotZero();
        assertThat(mb.output()).as("RGW's own error, not the proxy's").contains("InvalidLocationConstraint");
        assertThat(logs.requests("eu", bucket)).as("the master's gateway answered").anyMatch(l -> l.contains("\"PUT /" + bucket + " HTTP/1.1\" 400"));
        assertThat(logs.requests("us", bucket)).isEmpty();
        assertThat(lab.zonegroupOf(bucket)).as("nothing made").isNull();
    }

    @Test
    @Order(5)
    void aFloodOfRandomUnknownBucketsStaysWithinTheLookUpRateAndEveryRequestIsAnswered() {
        InetSocketAddress proxy = new InetSocketAddress(PROXY, port);
        long before = bucketdns.catalog().health().missLookups();
        long t0 = System.nanoTime();
        int answered = 0;
        for (int i = 0; i < 300; i++) {
            RawHttp.Reply r = RawHttp.get(proxy, "o.example.com:" + port, "/e2e-hx-flood-" + suffix + "-" + i + "/k");
            if (r.status() == 404 && r.body().contains("NoSuchBucket")) {
                answered++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long lookUps = bucketdns.catalog().health().missLookups() - before;

        assertThat(answered).as("every request answered by RGW (NoSuchBucket)").isEqualTo(300);
        // miss_lookups_per_second = 20 at its default, with a burst of as many
        assertThat(lookUps).as("RGW look-ups for 300 random names in %.1f s", seconds).isPositive().isLessThanOrEqualTo(20 + Math.round(20 * seconds));
    }

    @Test
    @Order(6)
    void aRestartedHaproxyRoutesAtOnceFromTheMapFile() throws Exception {
        InetSocketAddress proxy = new InetSocketAddress(PROXY, port);

        haproxy.restart();
        RawHttp.Reply first = RawHttp.get(proxy, "o.example.com:" + port, "/" + us + "/" + KEY);

        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.body()).isEqualTo(BODY);
    }

    @Test
    @Order(7)
    void withBucketdnsStoppedHaproxyKeepsRoutingAndARestartedBucketdnsResyncsTheMap() throws Exception {
        InetSocketAddress proxy = new InetSocketAddress(PROXY, port);
        String madeWhileDown = "e2e-hx-down-" + suffix;

        bucketdns.close();
        bucketdns = null;
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            RawHttp.Reply r = RawHttp.get(proxy, "o.example.com:" + port, "/" + b.getKey() + "/" + KEY);
            assertThat(r.status()).as("%s while bucketdns is down: %s", b.getKey(), r).isEqualTo(200);
        }
        assertUnknownGoesToTheMasterWithin(Duration.ofMillis(400), "bucketdns down: the Lua's connection is refused");
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(BUCKETDNS, LOOKUP_PORT)); // accepts (the kernel's backlog), never answers
            assertUnknownGoesToTheMasterWithin(Duration.ofMillis(1500), "bucketdns slow: the Lua's 0.5 s bound");
            RawHttp.Reply known = RawHttp.get(proxy, "o.example.com:" + port, "/" + us + "/" + KEY);
            assertThat(known.status()).as("a known bucket, by the map alone: %s", known).isEqualTo(200);
        }
        lab.mkbucket(madeWhileDown, "us");
        assertThat(haproxy.map(mapFile)).doesNotContainKey(madeWhileDown);

        bucketdns = Service.start(ConfigLoader.load(config));

        awaitMap(madeWhileDown, "us", Duration.ofSeconds(30));
        assertThat(RawHttp.get(proxy, "o.example.com:" + port, "/" + madeWhileDown + "/").status()).isEqualTo(403);
        assertThat(haproxy.map(mapFile)).containsEntry(us, "us").containsEntry(eu, "eu");
    }

    /** A request for a bucket nobody knows is answered by the master's gateway (NoSuchBucket) within {@code limit}. */
    /**
     * An unsigned listing of a bucket just made: its own gateway says 403 AccessDenied, any other
     * the 301 clients cannot follow. So it shows that the creation left no stale "unknown" behind.
     */
    private RawHttp.Reply anonymousListing(String bucket) {
        return RawHttp.get(new InetSocketAddress(PROXY, port), "o.example.com:" + port, "/" + bucket);
    }

    private void assertUnknownGoesToTheMasterWithin(Duration limit, String why) throws IOException {
        String unknown = "e2e-hx-unknown-" + suffix + "-" + System.nanoTime();
        GatewayLog logs = new GatewayLog();
        long t0 = System.nanoTime();
        RawHttp.Reply r = RawHttp.get(new InetSocketAddress(PROXY, port), "o.example.com:" + port, "/" + unknown + "/k");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.status()).as("%s: %s", why, r).isEqualTo(404);
        assertThat(r.body()).contains("NoSuchBucket");
        assertThat(ms).as("%s: answered in %d ms", why, ms).isLessThan(limit.toMillis());
        // radosgw writes its log a moment after it answered
        assertThat(E2EWait.within(Duration.ofSeconds(5), () -> !logs.requests("eu", unknown).isEmpty())).as(why).isTrue();
    }

    /** Waits until the map file and, once HAProxy runs, its map say {@code bucket zonegroup}. */
    private void awaitMap(String bucket, String zonegroup, Duration limit) {
        boolean ok = E2EWait.within(limit, () -> Files.readAllLines(mapFile).contains(bucket + " " + zonegroup)
                && (haproxy == null || zonegroup.equals(haproxy.map(mapFile).get(bucket))));
        assertThat(ok).as("%s %s in the map within %s", bucket, zonegroup, limit).isTrue();
    }
}
