package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The {@code scripts/rgw-lab} instance (a real Ceph RGW multisite, zonegroups eu and us) that
 * every lab test class of a test run shares: a start is ~5 s, and the lab suite should stay fast on
 * a 2-core CI machine.
 *
 * <p>A test class gets it with {@code @ExtendWith(RgwLab.Extension.class)} and an {@code RgwLab}
 * parameter of its {@code @BeforeAll} method. The first such class starts the lab; it is stopped
 * when JUnit finishes, or by a shutdown hook when the JVM ends first. After each class, the
 * extension puts back what a class may change ({@link #stopGateways}, {@link #hostnames}), so
 * every class starts on the lab as {@code rgw-lab start} left it, whatever the order and even after
 * a failure.
 *
 * <p>Its run dir, addresses and mon port differ from the script's defaults, so a lab someone runs
 * by hand is left alone. Buckets stay for the whole run: classes name theirs uniquely.
 *
 * <p>{@link #startTls} starts another lab, on https, that one class owns and closes.
 */
public final class RgwLab implements ExtensionContext.Store.CloseableResource {
    private static final Path SCRIPT = Path.of("scripts/rgw-lab").toAbsolutePath();

    private static final Pattern EXPORT = Pattern.compile("(\\w+)=(?:'([^']*)'|(\\S*))");
    private static final List<String> ZONEGROUPS = List.of("eu", "us");

    /**
     * Which lab this run uses: {@code BUCKETDNS_LAB_SLOT} (default 0). Runs on one machine with
     * different slots (several work trees at once) get their own run dir, addresses and mon port.
     */
    static int labSlot() {
        String slot = System.getenv().getOrDefault("BUCKETDNS_LAB_SLOT", "0");
        int s = Integer.parseInt(slot.isBlank() ? "0" : slot.trim());
        if (s < 0 || s > 9) {
            throw new IllegalArgumentException("BUCKETDNS_LAB_SLOT must be 0 to 9, not " + slot);
        }
        return s;
    }

    /** Slots 0-9 are shared labs (one per work tree); 10-19 their private ones. */
    static Map<String, String> settings(int slot) {
        return Map.of(
                "RGWLAB_RUN", slot == 0 ? "/tmp/bucketdns-rgw-e2e" : "/tmp/bucketdns-rgw-e2e-" + slot,
                "RGWLAB_EU_ADDR", "127.0." + slot + ".21:8000",
                "RGWLAB_US_ADDR", "127.0." + slot + ".22:8000",
                "RGWLAB_MON_ADDR", "127.0.0.1:" + (3390 + slot));
    }

    /** The https lab of a slot: a run dir, addresses and mon port of its own, beside the shared http lab. */
    static Map<String, String> tlsSettings(int slot) {
        return Map.of(
                "RGWLAB_RUN", "/tmp/bucketdns-rgw-e2e-tls-" + slot,
                "RGWLAB_EU_ADDR", "127.0." + slot + ".31:8443",
                "RGWLAB_US_ADDR", "127.0." + slot + ".32:8443",
                "RGWLAB_MON_ADDR", "127.0.0.1:" + (3420 + slot),
                "RGWLAB_TLS", "1");
    }

    private final Map<String, String> settings;
    private Map<String, String> env = Map.of();
    private final Thread shutdownHook = new Thread(this::stop, "rgw-lab-stop");
    private boolean gatewaysStopped;
    private final List<String> changedHostnames = new ArrayList<>();

    private RgwLab(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * Starts a fresh lab, installing Ceph first when missing. One left up by a run that was killed
     * is stopped first rather than reused: it may have been left with a zonegroup's hostnames changed.
     */
    static RgwLab start() {
        return start(settings(labSlot()), "shared by every lab test class");
    }

    /**
     * A lab of its own, beside the shared one (its own run dir, addresses and mon port), for a
     * test that fills it with thousands of buckets or restarts its gateways at will. The caller
     * stops it with {@link #close}.
     */
    public static RgwLab startPrivate() {
        return start(settings(labSlot() + 10), "private");
    }

    /**
     * Starts this slot's https lab (gateways on https with a CA of its own, {@code
     * RGWLAB_CA_FILE}), for one test class, which {@link #close}s it. The shared http lab is left
     * alone.
     */
    static RgwLab startTls() {
        return start(tlsSettings(labSlot()), "https, for one class");
    }

    private static RgwLab start(Map<String, String> settings, String use) {
        long t = System.nanoTime();
        RgwLab lab = new RgwLab(settings);
        try {
            lab.run(Duration.ofMinutes(1), Map.of(), "stop");
            lab.run(Duration.ofMinutes(10), Map.of(), "start"); // the first start on a machine installs Ceph packages
        } catch (AssertionError | RuntimeException e) {
            lab.run(Duration.ofMinutes(1), Map.of(), "stop"); // whatever part of it runs
            throw e;
        }
        lab.env = parseEnv(lab.run(Duration.ofSeconds(30), Map.of(), "env"));
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        System.out.printf("rgw-lab %s: up in %d ms, %s%n", settings.get("RGWLAB_RUN"), (System.nanoTime() - t) / 1_000_000, use);
        return lab;
    }

    static Map<String, String> parseEnv(String out) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("export ")) {
                Matcher m = EXPORT.matcher(line.substring("export ".length()));
                while (m.find()) {
                    vars.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
                }
            }
        }
        return vars;
    }

    /** A variable of {@code rgw-lab env}, e.g. {@code RGWLAB_ADMIN_ACCESS_KEY}. */
    public String env(String name) {
        String v = env.get(name);
        if (v == null) {
            throw new IllegalArgumentException("rgw-lab env has no " + name + ": " + env.keySet());
        }
        return v;
    }

    /** The gateway of zonegroup {@code eu} or {@code us}, as {@code host:port}. */
    public String endpoint(String zonegroup) {
        String url = env("RGWLAB_" + zonegroup.toUpperCase(java.util.Locale.ROOT) + "_URL");
        return url.substring(url.indexOf("://") + 3);
    }

    /** The socket address of a zonegroup's gateway. */
    public InetSocketAddress address(String zonegroup) {
        String e = endpoint(zonegroup);
        int colon = e.lastIndexOf(':');
        return new InetSocketAddress(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
    }

    /** The hostnames {@code rgw-lab start} gave a zonegroup, its own first, then the global one. */
    public List<String> hostnamesOf(String zonegroup) {
        return List.of(env("RGWLAB_" + zonegroup.toUpperCase(java.util.Locale.ROOT) + "_HOSTNAMES").split(" "));
    }

    /**
     * The zonegroup whose own (first) hostname is {@code host}: where a client that followed a
     * CNAME to {@code BUCKET.host} connects. DNS carries no ports, the lab's gateways differ by IP.
     */
    public String zonegroupServing(String host) {
        return ZONEGROUPS.stream().filter(z -> hostnamesOf(z).get(0).equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError(host + " is no zonegroup's own hostname in the lab"));
    }

    /** The other zonegroup: the wrong region for a bucket of {@code zonegroup}. */
    public static String other(String zonegroup) {
        return zonegroup.equals("eu") ? "us" : "eu";
    }

    /**
     * The {@code [powerdns]} lines that point bucketdns at both gateways with the lab's admin
     * user (caps {@code metadata=read;zone=read;mdlog=read}); us first, so that bucketdns has to
     * find the metadata master (eu) itself.
     */
    public List<String> rgwSettings() {
        return List.of(
                "rgw_endpoint = " + env("RGWLAB_US_URL") + ", " + env("RGWLAB_EU_URL"),
                "rgw_access_key = " + env("RGWLAB_ADMIN_ACCESS_KEY"),
                "rgw_secret_key = " + env("RGWLAB_ADMIN_SECRET_KEY"));
    }

    /** Creates a bucket as the S3 user; returns once both gateways know it. */
    public void mkbucket(String bucket, String zonegroup) {
        run(Duration.ofMinutes(2), Map.of(), "mkbucket", bucket, zonegroup);
    }

    /** Creates a bucket and returns right after RGW said so, without waiting for the other zone's sync. */
    public void mkbucketNow(String bucket, String zonegroup) {
        run(Duration.ofMinutes(1), Map.of("RGWLAB_SYNC", "0"), "mkbucket", bucket, zonegroup);
    }

    /** Empties and deletes a bucket and returns right after RGW said so. */
    public void rmbucketNow(String bucket) {
        run(Duration.ofMinutes(1), Map.of("RGWLAB_SYNC", "0"), "rmbucket", bucket);
    }

    /** Puts a public-read object whose body is {@code hello from rgw-lab\n}. */
    public void put(String bucket, String key) {
        run(Duration.ofMinutes(1), Map.of(), "put", bucket, key);
    }

    /** Stops both radosgw: RGW is down for bucketdns (mon, osd and buckets stay). Undone after the class. */
    public void stopGateways() {
        gatewaysStopped = true;
        run(Duration.ofMinutes(1), Map.of(), "gateways", "stop");
    }

    /** Starts both radosgw again on the same cluster; returns once they answer. */
    public void startGateways() {
        run(Duration.ofMinutes(2), Map.of(), "gateways", "start");
        gatewaysStopped = false;
    }

    /** Sets a zonegroup's hostnames (period committed, its radosgw restarted). Undone after the class. */
    public void hostnames(String zonegroup, String... names) {
        changedHostnames.add(zonegroup);
        List<String> args = new ArrayList<>(List.of("hostnames", zonegroup));
        args.addAll(List.of(names));
        run(Duration.ofMinutes(2), Map.of(), args.toArray(String[]::new));
    }

    /** Stops one zonegroup's radosgw (eu: the metadata master), as a rolling upgrade does. Not undone after the class. */
    public void stopGateway(String zonegroup) {
        run(Duration.ofMinutes(1), Map.of(), "gateway", zonegroup, "stop");
    }

    /** Starts one zonegroup's radosgw again; returns once both gateways answer. */
    public void startGateway(String zonegroup) {
        run(Duration.ofMinutes(2), Map.of(), "gateway", zonegroup, "start");
    }

    /** The log of a zonegroup's radosgw, where beast writes one line per request it served. */
    public Path gatewayLog(String zonegroup) {
        return Path.of(env("RGWLAB_RUN"), "log", "client.rgw." + zonegroup + ".log");
    }

    /** Runs {@code radosgw-admin} on the lab's cluster; returns what it printed. */
    public String radosgwAdmin(String... args) {
        List<String> cmd = new ArrayList<>(List.of("radosgw-admin"));
        cmd.addAll(List.of(args));
        return exec(cmd, Map.of("CEPH_CONF", env("RGWLAB_CEPH_CONF")), Duration.ofSeconds(60));
    }

    /** The zonegroup a bucket was created in, as {@code radosgw-admin bucket stats} says; null when it does not exist. */
    public String zonegroupOf(String bucket) {
        BoundedRun.Outcome stats = BoundedRun.run(List.of("radosgw-admin", "bucket", "stats", "--bucket=" + bucket),
                Map.of("CEPH_CONF", env("RGWLAB_CEPH_CONF")), Duration.ofSeconds(60), Path.of(System.getProperty("java.io.tmpdir")),
                new ArrayList<>());
        if (stats.exitCode() != 0) {
            return null;
        }
        String id = json(stats.output()).path("zonegroup").asText();
        for (String zg : ZONEGROUPS) {
            if (json(radosgwAdmin("zonegroup", "get", "--rgw-zonegroup=" + zg)).path("id").asText().equals(id)) {
                return zg;
            }
        }
        throw new AssertionError("bucket " + bucket + " names zonegroup id " + id + ", none of " + ZONEGROUPS);
    }

    /** The JSON object in what radosgw-admin printed (its warnings go to the same output). */
    private static com.fasterxml.jackson.databind.JsonNode json(String printed) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(printed.substring(printed.indexOf('{'), printed.lastIndexOf('}') + 1));
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("radosgw-admin printed no JSON object: " + printed, e);
        }
    }

    /** Puts back what {@link #stopGateways} and {@link #hostnames} changed: the lab as started. */
    public void restore() {
        if (gatewaysStopped) {
            startGateways();
        }
        for (String zonegroup : List.copyOf(changedHostnames)) {
            List<String> args = new ArrayList<>(List.of("hostnames", zonegroup));
            args.addAll(hostnamesOf(zonegroup));
            run(Duration.ofMinutes(2), Map.of(), args.toArray(String[]::new));
            changedHostnames.remove(zonegroup);
        }
    }

    private void stop() {
        run(Duration.ofMinutes(1), Map.of(), "stop");
    }

    /** JUnit closes the root store's resources when every test class has run. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook runs (or ran) the stop
        }
        stop();
    }

    /** Runs scripts/rgw-lab with this lab's settings; fails the test with its output when it fails. */
    private String run(Duration limit, Map<String, String> extraEnv, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> e = new LinkedHashMap<>(settings);
        e.putAll(extraEnv);
        return exec(cmd, e, limit);
    }

    /** Runs a command to its end, bounded; fails on a non-zero exit with what it printed. */
    private static String exec(List<String> cmd, Map<String, String> extraEnv, Duration limit) {
        BoundedRun.Outcome o = BoundedRun.run(cmd, extraEnv, limit, Path.of(System.getProperty("java.io.tmpdir")), new ArrayList<>());
        assertThat(o.exitCode()).as("%s:%n%s", String.join(" ", cmd), o.output()).isZero();
        return o.output();
    }

    /** Hands the shared lab to {@code @BeforeAll} methods and restores it after each class. */
    public static final class Extension implements ParameterResolver, AfterAllCallback {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RgwLab.class);

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == RgwLab.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return lab(c);
        }

        @Override
        public void afterAll(ExtensionContext c) {
            RgwLab lab = c.getRoot().getStore(NS).get(RgwLab.class, RgwLab.class);
            if (lab != null) {
                lab.restore();
            }
        }

        private static RgwLab lab(ExtensionContext c) {
            // the root context lives for the whole run: one lab for every class, closed at the end
            return c.getRoot().getStore(NS).getOrComputeIfAbsent(RgwLab.class, k -> RgwLab.start(), RgwLab.class);
        }
    }
}
