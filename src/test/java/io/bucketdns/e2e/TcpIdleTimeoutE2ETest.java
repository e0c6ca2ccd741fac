package io.bucketdns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.Service;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [dns] tcp_idle_timeout}: an idle TCP client is let go after it, and a reload applies a new
 * value to the connections accepted after it. Real time on a real socket: the timeout is the
 * server's.
 */
class TcpIdleTimeoutE2ETest {
    @TempDir
    Path dir;

    @Test
    void anIdleConnectionIsClosedAfterTheTimeoutAndAReloadChangesIt() throws IOException {
        Path conf = BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:0", "tcp_idle_timeout = 1s"));
        try (Service service = Service.start(ConfigLoader.load(conf))) {
            InetSocketAddress address = service.dns().addresses().get(0);
            long closedAfter = idleUntilClosed(address, 10_000);
            assertThat(closedAfter).as("ms until the server closed an idle connection").isBetween(900L, 5_000L);

            BucketDnsFiles.write(dir, List.of(), List.of("listen = 127.0.0.1:0", "tcp_idle_timeout = 1h"));
            assertThat(service.reload()).contains("listeners unchanged");
            assertThat(idleUntilClosed(address, 3_000)).as("still open 3 s after the reload raised the timeout").isEqualTo(-1);
        }
    }

    /** Milliseconds until the server closes a connection that sends nothing; -1 when still open after {@code waitMillis}. */
    private static long idleUntilClosed(InetSocketAddress address, int waitMillis) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(waitMillis);
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            try {
                assertThat(in.read()).as("the server sends nothing before closing").isEqualTo(-1);
                return (System.nanoTime() - start) / 1_000_000;
            } catch (SocketTimeoutException e) {
                return -1;
            }
        }
    }
}
