package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** NSD and Knot from Debian as secondaries, each started from a shipped example config in a directory of its own. */
final class Secondaries {
    private Secondaries() {}

    /**
     * Starts {@code nsd} on {@code config} (an example with this run's ports in it) and waits until
     * it answers {@code zone}'s SOA on {@code port}: what the example holds, plus what a test run
     * needs: no user switch, chroot or remote control, its files in {@code d}.
     */
    static Daemon nsd(Path d, String config, int port, String zone) throws IOException {
        Files.createDirectories(d);
        Files.writeString(d.resolve("nsd.conf"), config.replace("/var/lib/nsd", d.toString())
                .replace("server:\n", String.join("\n", "server:", "  do-ip6: no", "  server-count: 1", "  username: \"\"", "  chroot: \"\"",
                        "  database: \"\"", "  zonelistfile: \"" + d.resolve("zone.list") + "\"", "  xfrdfile: \"" + d.resolve("xfrd.state") + "\"",
                        "  pidfile: \"" + d.resolve("nsd.pid") + "\"", "  logfile: \"" + d.resolve("nsd.log") + "\"", "  verbosity: 2", "  refuse-any: no", ""))
                + "\nremote-control:\n  control-enable: no\n");
        Daemon nsd = Daemon.start(List.of("nsd", "-d", "-c", d.resolve("nsd.conf").toString()), d.resolve("nsd.out"));
        nsd.awaitAnswer("127.0.0.1", port, zone, "SOA", "NOERROR", "nsd (secondary)", d.resolve("nsd.log"));
        return nsd;
    }

    /**
     * Starts {@code knotd} on {@code config} (an example with this run's ports in it) and waits until
     * it answers {@code zone}'s SOA on {@code port}: what the example holds, plus what a test run
     * needs: its files in {@code d}, nothing kept beyond the journal, the log on stderr.
     */
    static Daemon knot(Path d, String config, int port, String zone) throws IOException {
        Files.createDirectories(d);
        Files.writeString(d.resolve("knot.conf"), "database:\n  storage: \"" + d + "\"\nlog:\n  - target: stderr\n    any: info\n"
                + config.replace("server:\n", "server:\n  rundir: \"" + d + "\"\n")
                        .replace("    acl: notify-from-bucketdns\n", "    acl: notify-from-bucketdns\n    storage: \"" + d + "\"\n"
                                + "    zonefile-sync: -1\n    zonefile-load: none\n"));
        Daemon k = Daemon.start(List.of("knotd", "-c", d.resolve("knot.conf").toString()), d.resolve("knot.out"));
        k.awaitAnswer("127.0.0.1", port, zone, "SOA", "NOERROR", "knot (secondary)", null);
        return k;
    }
}
