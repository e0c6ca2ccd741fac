package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real unbound recursive resolver ({@code unbound} from Debian) for a test, as a client site
 * runs it: caching, QNAME minimisation on, DNSSEC validation only where a trust anchor is given
 * ({@link #startValidating}; most test zones are unsigned). It
 * reaches only the servers it is given: stub zones, and a root hint that points at a local root
 * or at nothing, so no question leaves the host. Stopped by its PID on {@link #close()}.
 */
public final class Unbound implements AutoCloseable {
    /** A loopback address nothing listens on: questions sent there are refused by the kernel at once. */
    public static final String NOWHERE = "127.255.255.254";

    private final Daemon daemon;
    private final String address;
    private final Path dir;

    private Unbound(Daemon daemon, String address, Path dir) {
        this.daemon = daemon;
        this.address = address;
        this.dir = dir;
    }

    /**
     * Starts unbound on {@code address} port 53 (where a stub resolver asks) and waits (at most
     * 20 s) until it answers.
     *
     * @param dir its own directory: config, root hints, log
     * @param address a loopback address, e.g. {@code 127.0.4.53}
     * @param stubs zone (without trailing dot) to the server it is asked of, as {@code
     *     ADDRESS@PORT}, e.g. {@code o.example.com -> 127.0.4.55@5300}
     * @param root the address (port 53) of a local root server, or null: then names outside the
     *     stubs are REFUSED at once (and the root hint points at {@link #NOWHERE}), so no question
     *     leaves the host
     * @throws IllegalStateException with unbound's log when it does not come up
     */
    public static Unbound start(Path dir, String address, Map<String, String> stubs, String root) throws IOException {
        return start(dir, address, stubs, root, List.of());
    }

    /**
     * {@link #start} with no root, validating: answers below each anchor must be signed by its
     * chain, and those that are come with the AD flag; a bogus one is SERVFAIL.
     *
     * @param trustAnchors records in presentation format, e.g. the zone's KSK {@code "o.example.com.
     *     3600 IN DNSKEY 257 3 13 ..."}
     */
    public static Unbound startValidating(Path dir, String address, Map<String, String> stubs, List<String> trustAnchors)
            throws IOException {
        return start(dir, address, stubs, null, trustAnchors);
    }

    private static Unbound start(Path dir, String address, Map<String, String> stubs, String root, List<String> trustAnchors)
            throws IOException {
        Files.createDirectories(dir);
        Path hints = dir.resolve("root.hints");
        Files.write(hints, List.of(". 3600000 NS root.test.", "root.test. 3600000 A " + (root != null ? root : NOWHERE)));
        List<String> conf = new ArrayList<>(List.of(
                "server:",
                "  interface: " + address + "@53",
                "  do-ip6: no",
                "  do-daemonize: no",
                "  username: \"\"",
                "  chroot: \"\"",
                "  directory: \"" + dir + "\"",
                "  pidfile: \"" + dir.resolve("unbound.pid") + "\"",
                "  logfile: \"" + dir.resolve("unbound.log") + "\"",
                "  use-syslog: no",
                "  verbosity: 1",
                "  root-hints: \"" + hints + "\"",
                "  do-not-query-localhost: no",
                "  access-control: 127.0.0.0/8 allow",
                "  module-config: \"" + (trustAnchors.isEmpty() ? "iterator" : "validator iterator") + "\"",
                "  qname-minimisation: yes",
                "  harden-below-nxdomain: yes",
                "  num-threads: 1"));
        trustAnchors.forEach(anchor -> conf.add("  trust-anchor: \"" + anchor + "\""));
        if (root == null) {
            conf.add("  local-zone: \".\" refuse");
            stubs.keySet().forEach(zone -> conf.add("  local-zone: \"" + zone + ".\" transparent"));
        }
        conf.addAll(List.of("remote-control:", "  control-enable: no"));
        for (Map.Entry<String, String> stub : stubs.entrySet()) {
            conf.addAll(List.of("stub-zone:", "  name: \"" + stub.getKey() + ".\"", "  stub-addr: " + stub.getValue()));
        }
        Files.write(dir.resolve("unbound.conf"), conf);
        Daemon daemon = Daemon.start(List.of("unbound", "-d", "-c", dir.resolve("unbound.conf").toString()), dir.resolve("unbound.out"));
        Unbound unbound = new Unbound(daemon, address, dir);
        // unbound answers localhost from its own default local zone: up, without any look-up
        daemon.awaitAnswer(address, 53, "localhost", "A", "NOERROR", "unbound", dir.resolve("unbound.log"));
        return unbound;
    }

    /** The address it answers on, port 53: the {@code nameserver} of a client's resolv.conf. */
    public String address() {
        return address;
    }

    /** Asks this resolver with dig (recursion desired); {@code args} are dig's own. */
    public Dig.Result dig(String... args) {
        return Dig.ask(address, 53, args);
    }

    /** What unbound logged so far. */
    public String log() throws IOException {
        Path log = dir.resolve("unbound.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        daemon.stop();
    }
}
