package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

/**
 * Zonemaster (Debian's {@code zonemaster-cli}) on {@code o.example.com} served by the standalone
 * bucketdns, side by side with NSD serving the same zone: bucketdns gets no message at WARNING or
 * above that NSD does not get too. Once with the name servers inside the zone (their addresses
 * from {@code [dns] records}, glue at the parent), once with name servers outside it.
 *
 * <p>Everything runs in a private network namespace ({@code unshare -n}, needs root) with its own
 * root, {@code com.}, {@code net.}, {@code example.com.} and {@code example.net.} on one NSD, so no
 * question leaves the host. Each run is one script whose servers it stops by PID.
 */
class ZonemasterE2ETest {
    private static final Pattern MESSAGE = Pattern.compile("^\\s*[\\d.]+\\s+(CRITICAL|ERROR|WARNING)\\s+(\\S+)\\s+(\\S+)\\s*(.*)$");
    private static final String ROOT_IP = "127.0.0.2";
    private static final List<String> CHILD_IPS = List.of("127.0.0.3", "127.0.0.4");
    private static final String SOA = "ns1.o.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600";
    private static Path dir;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("zonemaster");
        Files.write(dir.resolve("hints"), List.of(". 3600000 NS a.root.", "a.root. 3600000 A " + ROOT_IP));
    }

    @AfterAll
    static void clean() {
        Scratch.delete(dir);
    }

    @Test
    void inZoneNameServersWithAddressesFromRecords() throws Exception {
        compare("in-zone", List.of("ns1.o.example.com.", "ns2.o.example.com."));
    }

    @Test
    void nameServersOutsideTheZone() throws Exception {
        compare("out-of-zone", List.of("ns1.example.net.", "ns2.example.net."));
    }

    private void compare(String name, List<String> ns) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        Set<String> nsd = zonemaster(run.resolve("nsd"), ns, false);
        Set<String> bucketdns = zonemaster(run.resolve("bucketdns"), ns, true);

        Set<String> onlyBucketdns = new TreeSet<>(bucketdns);
        onlyBucketdns.removeAll(nsd);
        assertThat(onlyBucketdns).as("WARNING+ for bucketdns only (NSD got %s)", nsd).isEmpty();
    }

    /** Runs zonemaster-cli against one child server; returns its messages at WARNING and above. */
    private Set<String> zonemaster(Path run, List<String> ns, boolean bucketdns) throws Exception {
        Files.createDirectories(run);
        boolean inZone = ns.get(0).endsWith(".o.example.com.");
        List<String> glue = new ArrayList<>();
        for (int i = 0; i < ns.size(); i++) {
            glue.add(ns.get(i) + " 3600 IN A " + CHILD_IPS.get(i));
        }
        List<String> delegation = new ArrayList<>();
        ns.forEach(n -> delegation.add("o.example.com. 3600 IN NS " + n));
        List<String> exampleCom = new ArrayList<>(apex("example.com."));
        exampleCom.addAll(delegation);
        List<String> exampleNet = new ArrayList<>(apex("example.net."));
        (inZone ? exampleCom : exampleNet).addAll(glue);
        String parents = nsdConf(run, "parents", List.of(ROOT_IP), List.of(
                zone(run, ".", List.of(". 3600 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300", ". 3600 IN NS a.root.",
                        "a.root. 3600 IN A " + ROOT_IP, "com. 3600 IN NS a.root.", "net. 3600 IN NS a.root.")),
                zone(run, "com.", apex("com.")), zone(run, "net.", apex("net.")),
                zone(run, "example.com.", exampleCom), zone(run, "example.net.", exampleNet)));
        String child;
        if (bucketdns) {
            child = String.join(" ", bucketdnsCommand(run, ns, inZone ? glue : List.of()));
        } else {
            List<String> zone = new ArrayList<>(List.of("o.example.com. 3600 IN SOA " + SOA));
            ns.forEach(n -> zone.add("o.example.com. 3600 IN NS " + n));
            if (inZone) {
                zone.addAll(glue);
            }
            zone.add("foo.o.example.com. 60 IN CNAME foo.o.example.eu.");
            child = "nsd -d -c " + nsdConf(run, "child", CHILD_IPS, List.of(zone(run, "o.example.com.", zone)));
        }
        Path script = run.resolve("run.sh");
        Files.write(script, List.of(
                "set -u",
                "ip link set lo up",
                "nsd -d -c " + parents + " > " + run.resolve("parents.out") + " 2>&1 & P=$!",
                child + " > " + run.resolve("child.out") + " 2>&1 & C=$!",
                "trap 'kill $P $C 2>/dev/null; wait' EXIT",
                "for i in $(seq 100); do",
                "  dig @" + CHILD_IPS.get(1) + " o.example.com SOA +norec +time=1 +tries=1 | grep -q 'status: NOERROR'"
                        + " && dig @" + ROOT_IP + " . SOA +norec +time=1 +tries=1 | grep -q 'status: NOERROR' && break",
                "  sleep 0.2",
                "done",
                "timeout 300 zonemaster-cli --hints " + dir.resolve("hints") + " --no-ipv6 --level WARNING --raw --show-testcase"
                        + " --no-progress o.example.com"));
        Process p = new ProcessBuilder("unshare", "--net", "--", "bash", script.toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("zonemaster.out").toFile()).start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("zonemaster run did not end:\n" + Files.readString(run.resolve("zonemaster.out")));
        }
        String out = Files.readString(run.resolve("zonemaster.out"));
        Set<String> messages = new TreeSet<>();
        for (String line : out.lines().toList()) {
            Matcher m = MESSAGE.matcher(line);
            if (m.matches()) {
                messages.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4).strip());
            }
        }
        assertThat(out).as("zonemaster ran to the end (%s)", run).contains("ADDRESS01");
        return messages;
    }

    private static List<String> apex(String zone) {
        return List.of(zone + " 3600 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300", zone + " 3600 IN NS a.root.");
    }

    /** Writes a zone file; returns its {@code zone:} lines for nsd.conf. */
    private static String zone(Path run, String name, List<String> records) throws IOException {
        Path file = run.resolve((name.equals(".") ? "root" : name) + "zone");
        Files.write(file, records);
        return "zone:\n  name: \"" + name + "\"\n  zonefile: \"" + file + "\"";
    }

    private static String nsdConf(Path run, String name, List<String> addresses, List<String> zones) throws IOException {
        List<String> conf = new ArrayList<>(List.of("server:"));
        addresses.forEach(a -> conf.add("  ip-address: " + a));
        conf.addAll(List.of("  do-ip6: no", "  server-count: 1", "  username: \"\"", "  chroot: \"\"", "  database: \"\"",
                "  zonelistfile: \"" + run.resolve(name + ".list") + "\"", "  xfrdfile: \"" + run.resolve(name + ".xfrd") + "\"",
                "  pidfile: \"" + run.resolve(name + ".pid") + "\"", "  hide-version: yes",
                "remote-control:", "  control-enable: no"));
        conf.addAll(zones);
        Path file = run.resolve(name + ".conf");
        Files.write(file, conf);
        return file.toString();
    }

    private static List<String> bucketdnsCommand(Path run, List<String> ns, List<String> records) throws IOException {
        Files.write(run.resolve("buckets.txt"), List.of("foo eu"));
        List<String> conf = new ArrayList<>(List.of(
                "[powerdns]", "listen_addr =", "dns_zone = o.example.com", "dns_soa_record = " + SOA, "dns_soa_ttl = 3600",
                "dns_default_ttl = 60",
                "[catalog]", "source = file", "file = buckets.txt",
                "[zonegroup.eu]", "hostname = o.example.eu",
                "[dns]", "listen = " + CHILD_IPS.get(0) + ":53, " + CHILD_IPS.get(1) + ":53", "ns = " + String.join(", ", ns)));
        if (!records.isEmpty()) {
            conf.add("records = " + records.get(0));
            records.subList(1, records.size()).forEach(r -> conf.add("    " + r));
        }
        conf.addAll(List.of("[ops]", "listen ="));
        Path file = run.resolve("rgw-pdns.conf");
        Files.write(file, conf);
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target/bucketdns.jar").toAbsolutePath().toString(), "serve", "--config", file.toString());
    }
}
