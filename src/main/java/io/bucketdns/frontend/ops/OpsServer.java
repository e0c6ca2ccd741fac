package io.bucketdns.frontend.ops;

import io.bucketdns.catalog.Readiness;
import io.bucketdns.frontend.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operators' HTTP endpoints: {@code /healthz} (the process answers), {@code /readyz} (it should
 * get traffic, see {@link Readiness}), {@code /metrics} (Prometheus text format), and {@code POST
 * /reload} (re-read the config, what {@code bucketdns reload} and SIGHUP do). Bind it to loopback
 * or a management network: it has no authentication.
 */
public final class OpsServer implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    /**
     * Binds {@code address} and starts serving.
     *
     * @param metrics the body of {@code /metrics}, Prometheus text
     * @param reload applies the config file again and says what changed; throws with a one-line
     *     reason when the new config is refused
     */
    public OpsServer(InetSocketAddress address, Supplier<byte[]> metrics, Supplier<Readiness.Verdict> readiness, Supplier<String> reload)
            throws IOException {
        this.server = new HttpServer(address, 0, request -> {
            String path = request.target().split("\\?", 2)[0];
            if (path.equals("/reload")) {
                if (!request.method().equals("POST")) {
                    throw new HttpServer.HttpError(405, "use POST /reload", false);
                }
                try {
                    return text(200, "reloaded: " + reload.get());
                } catch (RuntimeException e) {
                    return text(409, "refused: " + e.getMessage() + "; the previous config keeps serving");
                }
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                throw new HttpServer.HttpError(405, "use GET", false);
            }
            return switch (path) {
                case "/healthz" -> text(200, "ok");
                case "/readyz" -> {
                    Readiness.Verdict v = readiness.get();
                    yield text(v.ready() ? 200 : 503, (v.ready() ? "ready: " : "not ready: ") + v.reason());
                }
                case "/metrics" -> new HttpServer.Response(200, PROMETHEUS, metrics.get());
                default -> throw new HttpServer.HttpError(404, "no such path; try /healthz, /readyz, /metrics or POST /reload", false);
            };
        }, reason -> (reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.address();
    }

    private static HttpServer.Response text(int status, String body) {
        return new HttpServer.Response(status, TEXT, (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
