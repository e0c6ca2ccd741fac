package io.bucketdns.frontend.pdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketdns.Fixtures;
import io.bucketdns.LiveAuthority;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unix connector against a crowd of local clients running as another user ({@code nobody}, a
 * child process started through {@code setpriv}): the socket's mode refuses users outside its
 * group, and a member's 2,000 connections stop at the cap without the server's memory growing.
 */
class UnixConnectorE2ETest {
    private static final String USER = "nobody";
    private static final String GROUP = "nogroup";
    static Path dir;
    static UnixConnector rootOnly;
    static UnixConnector forNogroup;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching to another user needs root (CI runs bin/test as root)");
        // a directory every user may traverse: only the sockets' own modes may refuse anyone
        dir = Files.createTempDirectory(Path.of("/tmp"), "bucketdns-unix-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        RemoteBackend backend = new RemoteBackend(LiveAuthority.of(List.of(Fixtures.ZONE), Fixtures.liveCatalog()), "unix");
        rootOnly = UnixConnector.start(dir.resolve("root.sock"), PosixFilePermissions.fromString("rw-rw----"), null, backend);
        forNogroup = UnixConnector.start(dir.resolve("nogroup.sock"), PosixFilePermissions.fromString("rw-rw----"), GROUP, backend);
    }

    @AfterAll
    static void stop() throws IOException {
        for (UnixConnector c : new UnixConnector[] {rootOnly, forNogroup}) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null) {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void anotherUserIsRefusedByTheSocketsMode() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootOnly.path()))).isEqualTo("rw-rw----");
        assertThat(clients(rootOnly.path(), 2000)).isEqualTo("refused=2000 answered=0 closed=0");
    }

    @Test
    void aMembersCrowdStopsAtTheCapAndMemoryStaysFlat() throws Exception {
        assertThat(Files.readAttributes(forNogroup.path(), java.nio.file.attribute.PosixFileAttributes.class).group().getName()).isEqualTo(GROUP);
        long before = heapAfterGc();
        String result = clients(forNogroup.path(), 2000);
        long after = heapAfterGc();
        // every connection got in, the newest MAX_CONNECTIONS are still served, the idlest were closed to make room
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("refused=0 answered=(\\d+) closed=(\\d+)").matcher(result);
        assertThat(m.matches()).as(result).isTrue();
        int answered = Integer.parseInt(m.group(1));
        assertThat(answered + Integer.parseInt(m.group(2))).isEqualTo(2000);
        assertThat(answered).isBetween(UnixConnector.MAX_CONNECTIONS / 2, UnixConnector.MAX_CONNECTIONS);
        assertThat(forNogroup.connections()).isLessThanOrEqualTo(UnixConnector.MAX_CONNECTIONS);
        // 2,000 connections of the old 72 KiB buffers each would be 140 MiB
        assertThat(after - before).as("heap growth in bytes").isLessThan(16L << 20);
    }

    /** Runs {@link UnixClients} as nobody:nogroup with no other groups; returns its one line. */
    private static String clients(Path socket, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("setpriv", "--reuid=" + USER, "--regid=" + GROUP, "--clear-groups", "--",
                java, "-Xshare:auto", "-cp", Path.of("target", "test-classes").toAbsolutePath() + ":" + Path.of("target", "classes").toAbsolutePath(),
                UnixClients.class.getName(), socket.toString(), String.valueOf(n))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("clients ended").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
