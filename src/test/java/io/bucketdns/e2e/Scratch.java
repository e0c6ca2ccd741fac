package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories, and what end-to-end tests started, whose lifetime spans a whole test class. */
final class Scratch {
    private Scratch() {}

    /**
     * Closes each of {@code started} in order, skipping what never started (null) and going on past
     * a failure, so that one broken server does not leave the others running.
     */
    static void closeAll(AutoCloseable... started) {
        for (AutoCloseable c : started) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the others still stop; the test's own result says what went wrong
            }
        }
    }

    /** Deletes {@code dir} and everything below it; a missing directory is fine. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in the temp dir are harmless; the test result is what matters
        }
    }
}
