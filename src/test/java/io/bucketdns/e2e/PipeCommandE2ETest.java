package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(run.stdout).isEmpty();
        assertThat(run.stderr.strip()).startsWith("bucketdns: " + conf + ":3: [powerdns] unix_socket: directory /nonexistent/dir does not exist");
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
