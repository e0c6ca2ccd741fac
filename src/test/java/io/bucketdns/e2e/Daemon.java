package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server process a test started in the foreground: its output in a file, readiness awaited on
 * an answer or another check (failing at once when it exits), stopped by its PID together with the
 * processes it forked (NSD's server and xfrd, PowerDNS's pipe co-processes).
 */
final class Daemon {
    static final Duration READY_LIMIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path output;

    private Daemon(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static Daemon start(List<String> command, Path output) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Daemon(p, output);
    }

    /**
     * Waits until {@code address:port} answers {@code name type} with {@code status}; stops the
     * process and fails with its output (and {@code log}) when it exits or the limit passes.
     */
    void awaitAnswer(String address, int port, String name, String type, String status, String what, Path log) {
        await(READY_LIMIT, () -> status.equals(Dig.ask(address, port, name, type, "+time=1", "+norec").status()),
                what + " on " + address + ":" + port + " did not answer " + name + " " + type + " with " + status, log);
    }

    /**
     * Waits until {@code ready}; stops the process and fails with {@code failure}, its output and
     * {@code log} (may be null) when it exits first or the limit passes.
     */
    void await(Duration limit, BooleanSupplier ready, String failure, Path log) {
        boolean up = Ports.await((int) limit.toSeconds(), () -> !process.isAlive() || ready.getAsBoolean());
        if (!up || !process.isAlive()) {
            String text = read(output) + (log == null ? "" : read(log));
            stop();
            throw new IllegalStateException(failure + " within " + limit.toSeconds() + " s; its output:\n" + text);
        }
    }

    /** What it printed so far. */
    String output() {
        return read(output);
    }

    void stop() {
        stop(process);
    }

    /**
     * Stops a process by its PID, then any it started that do not end with it (NSD's children,
     * PowerDNS's pipe co-processes), each by its PID.
     */
    static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable " + file + ": " + e.getMessage() + ")";
        }
    }
}
