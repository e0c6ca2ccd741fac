package io.bucketdns.frontend.proxy;

import io.bucketdns.answer.Authority;
import io.bucketdns.answer.BucketName;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.frontend.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What HAProxy's Lua action ({@code bucketdns.lua}) asks when its bucket map lacks a request's
 * bucket: {@code GET /zonegroup/BUCKET} answers {@code 200} with the zonegroup's name, from the
 * catalog or after the on-demand RGW look-up DNS misses get ({@link Authority#locate}), or {@code
 * 404} while the bucket stays unknown. A path-style request for a bucket made a moment ago in
 * another region is then routed right the first time, which the map alone learns only from the
 * metadata log.
 *
 * <p>{@code GET /hello} is the Lua's heartbeat, and {@code GET /status} says when it was last
 * heard, for {@code bucketdns check}: without it nobody could tell a proxy that asks from one that
 * never loaded the script. Plain HTTP/1.0 text both ways, since the Lua side is a bare socket.
 */
public final class LookupServer implements AutoCloseable {
    /** The Lua sends a heartbeat every 10 s: three missed say it is gone. */
    public static final Duration HEARD_WITHIN = Duration.ofSeconds(30);
    /**
     * A look-up ends by {@code miss_wait} (at most 2 s) whatever RGW does; this bound only keeps a
     * thread from waiting on a stage that somehow never completes.
     */
    private static final long MAX_WAIT_MILLIS = 2500;

    private final HttpServer server;
    private final Authority authority;
    private final InstantSource clock;
    private volatile Instant heard;

    /** Binds {@code address} and starts answering from {@code authority}; {@code clock} dates the heartbeats. */
    public LookupServer(InetSocketAddress address, Authority authority, InstantSource clock) throws IOException {
        this.authority = authority;
        this.clock = clock;
        this.server = new HttpServer(address, 0, this::handle, HttpServer.ErrorBody.LINE);
    }

    private HttpServer.Response handle(HttpServer.Request request) {
        if (!request.method().equals("GET")) {
            throw new HttpServer.HttpError(405, "use GET", false);
        }
        String path = request.target().split("\\?", 2)[0];
        if (path.startsWith("/zonegroup/")) {
            return zonegroupOf(path.substring("/zonegroup/".length()));
        }
        return switch (path) {
            case "/hello" -> {
                heard = clock.instant();
                yield HttpServer.Response.text(200, "bucketdns");
            }
            case "/status" -> HttpServer.Response.text(200, "lua " + (heard == null ? "never" : Duration.between(heard, clock.instant()).toSeconds()));
            default -> throw new HttpServer.HttpError(404, "no such path; try /zonegroup/BUCKET", false);
        };
    }

    private HttpServer.Response zonegroupOf(String bucket) {
        if (!BucketName.isValid(bucket)) {
            return HttpServer.Response.text(400, "not a bucket name");
        }
        Zonegroup z;
        try {
            z = authority.locate(bucket).toCompletableFuture().get(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            z = null;
        } catch (ExecutionException | TimeoutException e) {
            z = null;
        }
        return z == null ? HttpServer.Response.text(404, "unknown") : HttpServer.Response.text(200, z.name());
    }

    /** When the Lua's heartbeat was last heard; null before the first. */
    Instant heard() {
        return heard;
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
