package io.bucketdns.e2e;

import static io.bucketdns.e2e.PackagingE2ETest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketdns.e2e.PackagingE2ETest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The .deb that {@code mvn package} builds, installed on this machine with dpkg as an operator
 * installs it on a Debian 12 host without Java: install, the example config, serving, upgrade,
 * remove and purge, in that order. The package is purged before the first step (a run that died
 * may have left it) and after the last, whatever failed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageE2ETest {
    static final Path CONF = Path.of("/etc/ceph/rgw-pdns.conf");
    static final Path RUNTIME = Path.of("/usr/lib/bucketdns/runtime");
    /** What the package or its service may add outside its own file list; purge must remove each. */
    static final List<Path> STATE = List.of(Path.of("/var/lib/bucketdns"), Path.of("/var/lib/private/bucketdns"),
            Path.of("/var/lib/systemd/deb-systemd-helper-enabled/bucketdns.service.dsh-also"));

    static Path scratch;
    static Path deb;
    static Map<String, String> withoutJava;
    /** Paths in the package that existed before it was installed (/etc, /usr/bin, ...): purge leaves those. */
    static Set<String> preexisting;
    static Set<String> contents;

    @BeforeAll
    static void purgeLeftovers() throws Exception {
        scratch = Files.createTempDirectory("bucketdns-deb");
        deb = debIn(PackagingE2ETest.ROOT.resolve("target"));
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root; run bin/test as root to try the .deb");
        withoutJava = WithoutJava.environment(scratch);
        dpkg("--purge", "bucketdns");
        assumeTrue(!Files.exists(CONF), CONF + " exists and is no package's: this test would replace it; move it away to run the test");
        contents = new TreeSet<>();
        for (String line : run(scratch, "dpkg-deb", "-c", deb.toString()).output().lines().toList()) {
            String path = line.substring(line.indexOf("./") + 1).replaceAll(" -> .*", "");
            contents.add(path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }
        preexisting = new TreeSet<>();
        for (String p : contents) {
            if (Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)) {
                preexisting.add(p);
            }
        }
    }

    @AfterAll
    static void purge() throws Exception {
        if (withoutJava != null) {
            dpkg("--purge", "bucketdns");
        }
        Scratch.delete(scratch);
    }

    static Path debIn(Path target) throws IOException {
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("bucketdns_.*\\.deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .deb in target/; run mvn package"));
        }
    }

    /** dpkg with {@code args}; while another dpkg or apt holds dpkg's lock, tries again for up to two minutes. */
    static Run dpkg(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "dpkg";
        System.arraycopy(args, 0, command, 1, args.length);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        Run r = run(scratch, withoutJava, command);
        while (r.exit() != 0 && (r.output().contains("frontend lock") || r.output().contains("database is locked"))
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            r = run(scratch, withoutJava, command);
        }
        return r;
    }

    @Test
    @Order(1)
    void installsAndRunsOnAHostWithoutJava() throws Exception {
        assertThat(run(scratch, withoutJava, "bash", "-c", "command -v java").exit()).as("java on the test's PATH").isNotZero();
        Run install = dpkg("-i", deb.toString());
        assertThat(install.exit()).as(install.output()).isZero();

        Run version = run(scratch, withoutJava, "bucketdns", "--version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output().strip()).matches("bucketdns \\d+\\.\\d+\\.\\d+.*");
        // the JVM says which runtime it is: the package's own, not one of this machine's JDKs
        Map<String, String> showing = new java.util.HashMap<>(withoutJava);
        showing.put("BUCKETDNS_JAVA_OPTS", "-XshowSettings:properties");
        assertThat(run(scratch, showing, "bucketdns", "--version").output()).contains("java.home = " + RUNTIME);

        assertThat(run(scratch, "dpkg-query", "-W", "-f=${Conffiles}", "bucketdns").output()).contains(CONF.toString());
        assertThat(Path.of("/var/lib/bucketdns")).as("the snapshot's directory").isDirectory();
        Run verify = run(scratch, "systemd-analyze", "verify", "/lib/systemd/system/bucketdns.service");
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
    }

    @Test
    @Order(2)
    void checksTheExampleConfigAndNamesWhatToEdit() throws Exception {
        // The example names RGW endpoints that do not exist (rgw-eu.example.com): check says so, with the fix.
        Run check = run(scratch, withoutJava, "bucketdns", "check", "--config", CONF.toString());
        assertThat(check.exit()).as(check.output()).isEqualTo(2);
        assertThat(check.output()).contains("ok   config /etc/ceph/rgw-pdns.conf: zones [o.example.com]",
                "FAIL rgw http://rgw-eu.example.com:8080: unreachable", "; fix: start its radosgw, or remove it from rgw_endpoint");
    }

    /** The operator's edit of the conffile: a file catalog in the state directory, DNS and ops on free loopback ports. */
    static String editedConfig(int dnsPort, int opsPort) {
        return """
                ; edited by the operator
                [powerdns]
                listen_addr =
                dns_zone = o.example.com
                [catalog]
                source = file
                file = /var/lib/bucketdns/buckets.txt
                snapshot = /var/lib/bucketdns/catalog.snapshot
                [zonegroup.eu]
                hostname = o.example.eu
                [dns]
                listen = 127.0.0.1:%d
                ns = ns1.example.com.
                [ops]
                listen = 127.0.0.1:%d
                """.formatted(dnsPort, opsPort);
    }

    static int dnsPort;

    @Test
    @Order(3)
    void servesTheEditedConfigOnItsOwnRuntime() throws Exception {
        dnsPort = Ports.free();
        Files.writeString(Path.of("/var/lib/bucketdns/buckets.txt"), "foo eu\n");
        Files.writeString(CONF, editedConfig(dnsPort, Ports.free()));
        Run check = run(scratch, withoutJava, "bucketdns", "check", "--config", CONF.toString());
        assertThat(check.exit()).as(check.output()).isZero();

        Path log = scratch.resolve("serve.log");
        ProcessBuilder serve = new ProcessBuilder("bucketdns", "serve", "--config", CONF.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        serve.environment().clear();
        serve.environment().putAll(withoutJava);
        Process p = serve.start();
        try {
            assertThat(Ports.await(60, () -> Ports.accepts(dnsPort))).as("serving; log:\n%s", Files.readString(log)).isTrue();
            assertThat(Dig.query(dnsPort, "foo.o.example.com", "A").answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            // the launcher replaced itself with the bundled runtime's java
            assertThat(Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "exe"))).isEqualTo(RUNTIME.resolve("bin/java"));
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    @Order(4)
    void systemdStartsItAndItAnswers() throws Exception {
        String init = Files.readString(Path.of("/proc/1/comm")).strip();
        assumeTrue("systemd".equals(init), "systemd is not PID 1 here (PID 1 is " + init + "): systemctl start bucketdns is not tried");
        assumeTrue(dnsPort != 0, "needs the edited config of servesTheEditedConfigOnItsOwnRuntime");
        Run start = run(scratch, "systemctl", "start", "bucketdns");
        try {
            assertThat(start.exit()).as(start.output()).isZero();
            assertThat(Ports.await(60, () -> Ports.accepts(dnsPort)))
                    .as("started; journal:\n%s", run(scratch, "journalctl", "-u", "bucketdns", "--no-pager", "-n", "50").output()).isTrue();
            assertThat(Dig.query(dnsPort, "foo.o.example.com", "A").answer()).containsExactly("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
        } finally {
            run(scratch, "systemctl", "stop", "bucketdns");
        }
    }

    @Test
    @Order(5)
    void anUpgradeKeepsTheEditedConfig() throws Exception {
        String edited = Files.readString(CONF);
        assertThat(edited).startsWith("; edited by the operator");
        String version = run(scratch, "dpkg-query", "-W", "-f=${Version}", "bucketdns").output().strip();
        String next = version + "+1";
        // the next build: the same package under a higher version
        Path tree = scratch.resolve("next");
        assertThat(run(scratch, "dpkg-deb", "-R", deb.toString(), tree.toString()).exit()).isZero();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replace("Version: " + version + "\n", "Version: " + next + "\n"));
        Path nextDeb = scratch.resolve("bucketdns_next.deb");
        Run build = run(scratch, "dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", tree.toString(), nextDeb.toString());
        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(run(scratch, "dpkg", "--compare-versions", next, "gt", version).exit()).isZero();

        Run upgrade = dpkg("-i", nextDeb.toString());
        assertThat(upgrade.exit()).as(upgrade.output()).isZero();
        assertThat(upgrade.output()).contains("Unpacking bucketdns (" + next + ") over (" + version + ")").doesNotContain("Configuration file");
        assertThat(run(scratch, "dpkg-query", "-W", "-f=${Version}", "bucketdns").output().strip()).isEqualTo(next);
        assertThat(Files.readString(CONF)).isEqualTo(edited);
        assertThat(Path.of(CONF + ".dpkg-new")).doesNotExist();
        assertThat(Path.of(CONF + ".dpkg-dist")).doesNotExist();
    }

    @Test
    @Order(6)
    void removeKeepsTheConffileAndPurgeRemovesEverything() throws Exception {
        Run remove = dpkg("--remove", "bucketdns");
        assertThat(remove.exit()).as(remove.output()).isZero();
        assertThat(Path.of("/usr/bin/bucketdns")).doesNotExist();
        assertThat(RUNTIME).doesNotExist();
        // Debian's rule: removing a package keeps its conffiles; only purge deletes them
        assertThat(CONF).exists();
        assertThat(run(scratch, "dpkg-query", "-W", "-f=${Status}", "bucketdns").output()).isEqualTo("deinstall ok config-files");

        Run purge = dpkg("--purge", "bucketdns");
        assertThat(purge.exit()).as(purge.output()).isZero();
        Set<String> left = new TreeSet<>();
        for (String p : contents) {
            if (!preexisting.contains(p) && Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)) {
                left.add(p);
            }
        }
        assertThat(left).as("installed by the package, still there after purge").isEmpty();
        assertThat(STATE).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(run(scratch, "dpkg-query", "-W", "bucketdns").exit()).as("dpkg still knows the package").isNotZero();
    }

    @Test
    void lintianFindsNoErrors() throws Exception {
        Run lintian = run(scratch, "lintian", "--tag-display-limit", "0", deb.toString());
        assertThat(lintian.output().lines().filter(l -> l.startsWith("E: ")).toList()).as(lintian.output()).isEmpty();
        assertThat(lintian.exit()).as(lintian.output()).isZero();
    }
}
