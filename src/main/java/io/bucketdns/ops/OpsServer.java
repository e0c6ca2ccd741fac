package io.bucketdns.ops;

import io.bucketdns.http.Http11Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operators' HTTP endpoints: {@code /healthz} (the process answers), {@code /readyz} (it should
 * get traffic, see {@link Readiness}), {@code /metrics} (Prometheus text format).
 */
public final class OpsServer implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final Http11Server server;

    /** Binds {@code address} and starts serving. */
    public OpsServer(InetSocketAddress address, Metrics metrics, Supplier<Readiness.Verdict> readiness) throws IOException {
        this.server = new Http11Server(address, 0, request -> {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                throw new Http11Server.HttpError(405, "use GET", false);
            }
            String path = request.target().split("\\?", 2)[0];
            return switch (path) {
                case "/healthz" -> text(200, "ok");
                case "/readyz" -> {
                    Readiness.Verdict v = readiness.get();
                    yield text(v.ready() ? 200 : 503, (v.ready() ? "ready: " : "not ready: ") + v.reason());
                }
                case "/metrics" -> new Http11Server.Response(200, PROMETHEUS, metrics.scrape());
                default -> throw new Http11Server.HttpError(404, "no such path; try /healthz, /readyz or /metrics", false);
            };
        }, reason -> (reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.address();
    }

    private static Http11Server.Response text(int status, String body) {
        return new Http11Server.Response(status, TEXT, (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
