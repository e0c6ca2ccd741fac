package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Knot from Debian as a secondary, started from a shipped example config in a directory of its own. */
final class KnotSecondary {
    private KnotSecondary() {}

    /**
     * Starts {@code knotd} on {@code config} (an example with this run's ports in it) and waits until
     * it answers {@code zone}'s SOA on {@code port}: what the example holds, plus what a test run
     * needs: its files in {@code d}, nothing kept beyond the journal, the log on stderr.
     */
    static Daemon start(Path d, String config, int port, String zone) throws IOException {
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
