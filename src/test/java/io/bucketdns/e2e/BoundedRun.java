package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end with its output in a file rather than a pipe: daemons it leaves behind
 * (the RGW lab's, a client's helpers) must not hold our pipe open, and the wait stays bounded
 * whatever the command does.
 */
final class BoundedRun {
    /** Its exit code and what it printed, stdout and stderr together. */
    record Outcome(int exitCode, String output) {}

    private BoundedRun() {}

    /**
     * @param env variables added to the test's environment
     * @param outDir where the output file goes, deleted afterwards
     * @param running holds the process while it runs, so that its owner can stop it on close
     * @throws AssertionError when it cannot start or does not end within {@code limit} (it is then
     *     stopped by its PID, with what it started)
     */
    static Outcome run(List<String> cmd, Map<String, String> env, Duration limit, Path outDir, Collection<Process> running) {
        Path out = null;
        try {
            out = Files.createTempFile(outDir, "run", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            running.add(p);
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    stop(p);
                    throw new AssertionError(String.join(" ", cmd) + " did not end within " + limit + ":\n" + Files.readString(out));
                }
            } finally {
                running.remove(p);
            }
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    /** Kills it and what it started, each by its PID. */
    static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
