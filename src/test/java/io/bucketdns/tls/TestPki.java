package io.bucketdns.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * CAs and server certificates made by the real {@code openssl}, as an operator makes them, in a
 * directory of the test's.
 */
public final class TestPki {
    private final Path dir;

    public TestPki(Path dir) {
        this.dir = dir;
    }

    /** A self-signed CA named {@code name}: {@code name.pem} (certificate) and {@code name.key}. */
    public Path ca(String name) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-days", "30", "-keyout", name + ".key", "-out", name + ".pem");
        return dir.resolve(name + ".pem");
    }

    /**
     * A server certificate signed by CA {@code ca}, for {@code subjectAltName} (e.g. {@code
     * IP:127.0.0.1}), valid {@code days} from now (-1: expired yesterday); returns a PKCS#12 key
     * store (password {@code test}) with its key and chain.
     */
    public Path server(String name, String ca, String subjectAltName, int days) {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-keyout", name + ".key", "-out", name + ".csr");
        write(name + ".ext", "subjectAltName=" + subjectAltName + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-days", String.valueOf(days),
                "-extfile", name + ".ext", "-out", name + ".pem");
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-certfile", ca + ".pem",
                "-passout", "pass:test", "-out", name + ".p12");
        return dir.resolve(name + ".p12");
    }

    /** A server-side context presenting the key store {@link #server} made. */
    public static SSLContext serverContext(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "test".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A file in the directory. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Writes a file in the directory; returns its path. */
    public Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.out").toFile()).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
            assertThat(p.exitValue()).as("%s: %s", cmd, Files.readString(dir.resolve("openssl.out"))).isZero();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
