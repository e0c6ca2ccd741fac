package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs stock clients (awscli, rclone, curl...) the way a user's machine runs them, except that
 * they see only the test's resolver: each command runs in its own mount namespace ({@code unshare
 * -m}, needs root) where {@code /etc/resolv.conf} is a bind mount of this namespace's own file.
 * The machine's resolv.conf is never touched, and the clients resolve names with the system's
 * stub resolver as usual. Commands still running on {@link #close()} are stopped by their PID.
 */
public final class ClientNamespace implements AutoCloseable {
    private final Path resolvConf;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    private ClientNamespace(Path resolvConf) {
        this.resolvConf = resolvConf;
    }

    /**
     * A namespace whose clients ask {@code nameserver} (port 53), only it, once, with no search
     * list.
     *
     * @param dir where its resolv.conf and the commands' output go
     */
    public static ClientNamespace create(Path dir, String nameserver) throws IOException {
        Files.createDirectories(dir);
        Path resolv = dir.resolve("resolv.conf");
        Files.write(resolv, List.of("nameserver " + nameserver, "options attempts:1 timeout:2"));
        return new ClientNamespace(resolv);
    }

    /** What a command did. */
    public record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    /**
     * Runs {@code command} in a fresh mount namespace with this resolv.conf; stdout and stderr
     * together in {@link Result#output()}.
     *
     * @param env variables added to the test's environment (credentials, config files)
     * @param limit stopped by PID, and an {@link AssertionError}, past this
     */
    public Result run(Duration limit, Map<String, String> env, String... command) {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
        cmd.addAll(List.of(command));
        BoundedRun.Outcome o = BoundedRun.run(cmd, env, limit, resolvConf.getParent(), running);
        return new Result(o.exitCode(), o.output());
    }

    @Override
    public void close() {
        running.forEach(BoundedRun::stop);
    }
}
