package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release archive and the systemd unit, as an operator installs them. */
class PackagingE2ETest {
    static final Path ROOT = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int exit, String output) {}

    static Run run(Path cwd, String... command) throws IOException, InterruptedException {
        return run(cwd, null, command);
    }

    /** Runs {@code command} with {@code env} as its whole environment (null: this process's). */
    static Run run(Path cwd, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (env != null) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        Process p = builder.start();
        // reads while it runs: a chatty command must not block on a full pipe
        var output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), output.join());
    }

    static Path archive() throws IOException {
        try (var files = Files.list(ROOT.resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("bucketdns-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no release archive in target/; run mvn package"));
        }
    }

    @Test
    void theReleaseArchiveRunsOnItsOwn() throws Exception {
        Path tgz = archive();
        assertThat(run(dir, "tar", "xzf", tgz.toString()).exit()).isZero();
        Path release;
        try (var top = Files.list(dir)) {
            release = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        for (String f : List.of("bin/bucketdns", "bin/find-jdk", "lib/bucketdns.jar", "runtime/bin/java", "README.md", "examples/rgw-pdns.conf",
                "systemd/bucketdns.service", "systemd/bucketdns.service.d/low-port.conf")) {
            assertThat(release.resolve(f)).as(f).exists();
        }
        assertThat(Files.isExecutable(release.resolve("bin/bucketdns"))).isTrue();
        // from an unrelated directory, with no Maven project around it: the launcher must use lib/
        Run version = run(dir, release.resolve("bin/bucketdns").toString(), "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.output().strip()).matches("bucketdns \\d+\\.\\d+\\.\\d+.*");
        assertThat(version.output()).doesNotContain("building");
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        Files.writeString(dir.resolve("rgw-pdns.conf"), "[powerdns]\ndns_zone = o.example.com\n[catalog]\nsource = file\nfile = buckets.txt\n"
                + "[zonegroup.eu]\nhostname = o.example.eu\n");
        Run lookup = run(dir, release.resolve("bin/bucketdns").toString(), "lookup", "foo.o.example.com");
        assertThat(lookup.exit()).isZero();
        // the answer ends its line: whatever follows (a log line, the prompt) starts a new one
        assertThat(lookup.output()).contains("foo.o.example.com.\t60\tIN\tCNAME\tfoo.o.example.eu.\n");

        // on a host without Java it runs on its own runtime; without that runtime, on the JDK it is given
        Map<String, String> env = new HashMap<>(WithoutJava.environment(dir));
        env.put("BUCKETDNS_JAVA_OPTS", "-XshowSettings:properties");
        Run bundled = run(dir, env, release.resolve("bin/bucketdns").toString(), "--version");
        assertThat(bundled.exit()).as(bundled.output()).isZero();
        assertThat(bundled.output()).contains("java.home = " + release.resolve("runtime"));
        Scratch.delete(release.resolve("runtime"));
        String jdk = System.getProperty("java.home");
        env.put("JAVA_HOME", jdk);
        Run fallback = run(dir, env, release.resolve("bin/bucketdns").toString(), "--version");
        assertThat(fallback.exit()).as(fallback.output()).isZero();
        assertThat(fallback.output()).contains("java.home = " + jdk);
    }

    @Test
    void theSystemdUnitVerifiesCleanly() throws Exception {
        String unit = Files.readString(ROOT.resolve("packaging/systemd/bucketdns.service"));
        assertThat(unit).contains("ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "ProtectSystem=strict", "AmbientCapabilities=\n");
        // systemd-analyze insists that ExecStart exists: point it at this checkout's launcher
        Path local = dir.resolve("bucketdns.service");
        Files.writeString(local, unit.replace("ExecStart=bucketdns ", "ExecStart=" + ROOT.resolve("bin/bucketdns") + " "));
        Run verify = run(dir, "systemd-analyze", "verify", local.toString());
        assertThat(verify.exit()).isZero();
        // it only warns about unknown or malformed keys, so any output is a defect
        assertThat(verify.output()).isEmpty();

        Path dropIn = dir.resolve("bucketdns.service.d");
        Files.createDirectories(dropIn);
        Files.copy(ROOT.resolve("packaging/systemd/bucketdns.service.d/low-port.conf"), dropIn.resolve("low-port.conf"));
        Run withDropIn = run(dir, "systemd-analyze", "verify", local.toString());
        assertThat(withDropIn.exit()).isZero();
        assertThat(withDropIn.output()).isEmpty();
    }
}
