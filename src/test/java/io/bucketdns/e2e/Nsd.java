package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real NSD authoritative server ({@code nsd} from Debian) for a test: its own directory, one
 * loopback address and port, zones given as zone-file lines, no daemon, chroot, user switch or
 * remote control; stopped by its PID on {@link #close()}.
 *
 * <p>A test's "rest of the DNS": the regional names ({@code o.example.eu} with a wildcard A to a
 * gateway), a local root with delegations, or the same zone bucketdns serves, side by side.
 */
public final class Nsd implements AutoCloseable {
    private final Daemon daemon;
    private final String address;
    private final int port;

    private Nsd(Daemon daemon, String address, int port) {
        this.daemon = daemon;
        this.address = address;
        this.port = port;
    }

    /**
     * Starts NSD on {@code address:port} serving {@code zones} (zone name, without trailing dot
     * or {@code "."} for the root, to its zone-file lines; {@code $ORIGIN} is set to the zone),
     * and waits (at most 20 s) until it answers the SOA of each zone.
     *
     * @param dir its own directory: config, zone files, database, log
     * @param address a loopback address, e.g. {@code 127.0.4.54}
     * @throws IllegalStateException with NSD's log when it does not come up
     */
    public static Nsd start(Path dir, String address, int port, Map<String, List<String>> zones) throws IOException {
        Files.createDirectories(dir);
        List<String> conf = new ArrayList<>(List.of(
                "server:",
                "  ip-address: " + address + "@" + port,
                "  do-ip6: no",
                "  server-count: 1",
                "  username: \"\"",
                "  chroot: \"\"",
                "  zonesdir: \"" + dir + "\"",
                "  database: \"\"",
                "  zonelistfile: \"" + dir.resolve("zone.list") + "\"",
                "  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"",
                "  xfrdir: \"" + dir + "\"",
                "  pidfile: \"" + dir.resolve("nsd.pid") + "\"",
                "  logfile: \"" + dir.resolve("nsd.log") + "\"",
                "  verbosity: 1",
                "  hide-version: yes",
                "  refuse-any: no",
                "remote-control:",
                "  control-enable: no"));
        Map<String, List<String>> copy = new LinkedHashMap<>(zones);
        int i = 0;
        for (Map.Entry<String, List<String>> zone : copy.entrySet()) {
            String origin = zone.getKey().equals(".") ? "." : zone.getKey() + ".";
            Path file = dir.resolve("zone" + i++ + ".zone");
            List<String> lines = new ArrayList<>(List.of("$ORIGIN " + origin));
            lines.addAll(zone.getValue());
            Files.write(file, lines);
            conf.addAll(List.of("zone:", "  name: \"" + origin + "\"", "  zonefile: \"" + file + "\""));
        }
        Files.write(dir.resolve("nsd.conf"), conf);
        Daemon daemon = Daemon.start(List.of("nsd", "-d", "-c", dir.resolve("nsd.conf").toString()), dir.resolve("nsd.out"));
        Nsd nsd = new Nsd(daemon, address, port);
        for (String zone : copy.keySet()) {
            daemon.awaitAnswer(address, port, zone.equals(".") ? "." : zone, "SOA", "NOERROR", "nsd", dir.resolve("nsd.log"));
        }
        return nsd;
    }

    /** The address it answers on. */
    public String address() {
        return address;
    }

    /** The port it answers on, UDP and TCP. */
    public int port() {
        return port;
    }

    /** Asks this NSD with dig; {@code args} are dig's own (name, type, +options). */
    public Dig.Result dig(String... args) {
        return Dig.ask(address, port, args);
    }

    @Override
    public void close() {
        daemon.stop();
    }
}
