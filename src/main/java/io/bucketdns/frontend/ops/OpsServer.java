package io.bucketdns.frontend.ops;

import io.bucketdns.catalog.Readiness;
import io.bucketdns.frontend.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The operators' HTTP endpoints: {@code /healthz} (the process answers), {@code /readyz} (it should
 * get traffic, see {@link Readiness}), {@code /metrics} (Prometheus text format), and {@code POST
 * /reload} (re-read the config, what {@code bucketdns reload} and SIGHUP do). Bind it to loopback
 * or a management network: it has no authentication.
 */
public final class OpsServer implements AutoCloseable {
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
                    return HttpServer.Response.text(200, "reloaded: " + reload.get());
                } catch (RuntimeException e) {
                    return HttpServer.Response.text(409, "refused: " + e.getMessage() + "; the previous config keeps serving");
                }
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                throw new HttpServer.HttpError(405, "use GET", false);
            }
            return switch (path) {
                case "/healthz" -> HttpServer.Response.text(200, "ok");
                case "/readyz" -> {
                    Readiness.Verdict v = readiness.get();
                    yield HttpServer.Response.text(v.ready() ? 200 : 503, (v.ready() ? "ready: " : "not ready: ") + v.reason());
                }
                case "/metrics" -> new HttpServer.Response(200, PROMETHEUS, metrics.get());
                default -> throw new HttpServer.HttpError(404, "no such path; try /healthz, /readyz, /metrics or POST /reload", false);
            };
        }, HttpServer.ErrorBody.LINE);
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
