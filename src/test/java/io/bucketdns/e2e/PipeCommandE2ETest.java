package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/bucketdns pipe} as PowerDNS runs it: stdout carries replies and nothing else. */
class PipeCommandE2ETest {
    @TempDir
    Path dir;

    @Test
    void stdoutHasOneReplyPerCallAndTheLogGoesToStderr() throws Exception {
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of());
        Run run = pipe(conf, """
                {"method":"initialize","parameters":{"command":"bin/bucketdns pipe","timeout":"2000"}}
                {"method":"lookup","parameters":{"qname":"Foo.o.example.com.","qtype":"ANY"}}
                {"method":"lookup","parameters":{"qname":"*.o.example.com.","qtype":"ANY"}}
                """);
        assertThat(run.exit).as(run.stderr).isZero();
        assertThat(run.stdout.lines().toList()).containsExactly(
                "{\"result\":true}",
                "{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"Foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}",
                "{\"result\":[]}");
        assertThat(run.stderr).contains("catalog: 5 buckets");
    }

    @Test
    void aBadConfigIsOneLineOnStderrAndNothingOnStdout() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "[powerdns]\ndns_zone = o.example.com\nunix_socket = /nonexistent/dir/x.sock\n");
        Run run = pipe(conf, "{\"method\":\"initialize\"}\n");
        assertThat(run.exit).isEqualTo(2);
        // the launcher answers 'initialize' before the JVM reads the config; nothing else reaches stdout
        assertThat(run.stdout).isEqualTo("{\"result\":true}\n");
        assertThat(run.stderr.strip()).startsWith("bucketdns: " + conf + ":3: [powerdns] unix_socket: directory /nonexistent/dir does not exist");
    }

    /**
     * PowerDNS keeps a co-process whose 'initialize' reply came after its timeout but forgets that
     * reply is still coming: every later call then reads the answer to the call before. The launcher
     * answers it at once, so it never waits for the JVM: here the JVM is held at its start until the
     * reply has been read, and the stream stays in step afterwards.
     */
    @Test
    void initializeIsAnsweredBeforeTheJvmStartsAndTheStreamStaysInStep() throws Exception {
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of());
        Path pause = dir.resolve("jvm.paused");
        ProcessBuilder b = new ProcessBuilder(Path.of("bin", "bucketdns").toAbsolutePath().toString(), "pipe", "--config", conf.toString())
                .redirectError(dir.resolve("stderr.txt").toFile());
        b.environment().put("BUCKETDNS_JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:+PauseAtStartup -XX:PauseAtStartupFile=" + pause);
        Process p = b.start();
        try (OutputStream in = p.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write("{\"method\": \"initialize\", \"parameters\": {\"timeout\": \"2000\"}}\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(20, TimeUnit.SECONDS)).isEqualTo("{\"result\":true}");
            assertThat(E2EWait.within(Duration.ofSeconds(120), () -> Files.exists(pause)))
                    .as("the JVM reached its start and waits for %s", pause).isTrue();
            Files.delete(pause);
            in.write("{\"method\":\"lookup\",\"parameters\":{\"qname\":\"foo.o.example.com.\",\"qtype\":\"ANY\"}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS)).isEqualTo(
                    "{\"result\":[{\"qtype\":\"CNAME\",\"qname\":\"foo.o.example.com.\",\"content\":\"foo.o.example.eu.\",\"ttl\":60}]}");
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Run pipe(Path conf, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of("bin", "bucketdns").toAbsolutePath().toString(), "pipe", "--config", conf.toString()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bucketdns pipe did not end after stdin closed");
        }
        return new Run(p.exitValue(), out, err);
    }

    private record Run(int exit, String stdout, String stderr) {}
}
