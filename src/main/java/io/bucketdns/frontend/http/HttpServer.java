package io.bucketdns.frontend.http;

import io.bucketdns.frontend.dns.Connections;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server under the PowerDNS remote-backend connector and the ops endpoints, on Jetty's
 * core API (no servlet container): keep-alive, TCP_NODELAY, a bounded pool of handler threads, strict
 * limits, and one body format for every error.
 *
 * <p>Jetty rather than a parser of our own: it is maintained, and it gets RFC 9112 framing
 * (Content-Length and chunked bodies, the ambiguities request smuggling lives on, header limits) and
 * slow clients right release after release; its core is three small jars.
 *
 * <p>Two guarantees Jetty does not give by itself are added here, so that no client can wedge the
 * server. A request must arrive whole within a deadline from its first byte (else 408 and close):
 * Jetty's idle timeout alone never ends a client that sends one byte every few seconds. And at the
 * connection limit the connection idle the longest since its last request is closed to admit the new
 * one, as the DNS TCP listener does ({@link Connections}); Jetty's {@code ConnectionLimit} and {@code
 * NetworkConnectionLimit} only stop accepting at the bound, which would leave PowerDNS waiting in the
 * backlog behind a crowd of stalled clients. Framing that RFC 9112 calls invalid (a second or malformed
 * Content-Length, Content-Length beside Transfer-Encoding, bad chunking, whitespace before a header's
 * colon, line folding) is answered 400 and the connection closed, since the next request's start can
 * no longer be trusted. A handler that throws gets a 500 with its reason. Every error, Jetty's or a
 * handler's, carries the body the owner formats ({@link ErrorBody}), never an HTML page.
 *
 * <p>It runs past 350 lines because it is one entry point: the small values its users build
 * ({@link Request}, {@link Response}, {@link Limits}) and the three Jetty hooks behind those
 * guarantees (the dispatching handler, the error handler, the guarded connection) are nested here,
 * so the hooks stay private and nothing else sees Jetty's types.
 */
public final class HttpServer implements AutoCloseable {
    /** The request line and the header fields together, in bytes; more is answered 414 or 431. */
    public static final int MAX_HEADER_BYTES = 8192;
    public static final int MAX_HEADERS = 100;
    /** How long a connection closed after its last reply keeps reading (and dropping) what the client still sends. */
    static final long LINGER_MILLIS = 1000;
    static final long MAX_LINGER_BYTES = 1 << 20;
    /** The content type of JSON replies, the default. */
    public static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final byte[] NO_BODY = new byte[0];

    /** A parsed request. {@code target} is the raw request target (path and query, still escaped). */
    public record Request(String method, String target, byte[] body) {}

    /**
     * A reply with a standard status code, and either a body or a writer of a body too large to hold
     * in memory (sent chunked, or until the connection closes to an HTTP/1.0 client).
     */
    public record Response(int status, String contentType, byte[] body, Body stream) {
        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, null);
        }

        /** A JSON reply. */
        public Response(int status, byte[] body) {
            this(status, JSON, body, null);
        }

        /** A plain-text reply of one line (the newline is added), as the ops and look-up endpoints answer. */
        public static Response text(int status, String line) {
            return new Response(status, TEXT, ErrorBody.LINE.of(line), null);
        }

        /** A JSON reply written as it is produced. */
        public static Response streamed(int status, Body stream) {
            return new Response(status, JSON, NO_BODY, stream);
        }
    }

    /** Writes a body; an exception half-way closes the connection, the reply cut short. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Turns requests into responses; may throw {@link HttpError} for a request it refuses. */
    public interface Handler {
        Response handle(Request request);
    }

    /** A request refused with a status and a reason; the connection is closed when {@code fatal}. */
    public static class HttpError extends RuntimeException {
        final int status;
        final boolean fatal;

        public HttpError(int status, String reason, boolean fatal) {
            super(reason, null, false, false);
            this.status = status;
            this.fatal = fatal;
        }
    }

    /** Formats the body of an error reply from its one-line reason. */
    public interface ErrorBody {
        /** The reason as one line of plain text, as {@link Response#text} answers. */
        ErrorBody LINE = new ErrorBody() {
            @Override
            public byte[] of(String reason) {
                return (reason + "\n").getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String contentType() {
                return TEXT;
            }
        };

        byte[] of(String reason);

        /** What the body is; JSON unless said otherwise. */
        default String contentType() {
            return JSON;
        }
    }

    /**
     * How long and how many.
     *
     * @param maxConnections open connections; one more closes the idlest
     * @param idleTimeout how long a kept-alive connection may wait for its next request
     * @param requestDeadline how long a request may take to arrive whole, from its first byte
     */
    public record Limits(int maxConnections, Duration idleTimeout, Duration requestDeadline) {
        /** 512 connections, 60 s idle, 10 s per request. */
        public static final Limits DEFAULT = new Limits(512, Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    private final Server server;
    private final ServerConnector connector;
    private final Connections<Connection> connections;

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param maxBody larger request bodies are refused with 413
     * @param errorBody the JSON (or text) body of a 4xx reply, from its one-line reason
     */
    public HttpServer(InetSocketAddress address, int maxBody, Handler handler, ErrorBody errorBody) throws IOException {
        this(address, maxBody, handler, errorBody, Limits.DEFAULT);
    }

    /** As above, with other limits. */
    public HttpServer(InetSocketAddress address, int maxBody, Handler handler, ErrorBody errorBody, Limits limits) throws IOException {
        this.connections = new Connections<>(limits.maxConnections());
        // Handlers run on Jetty's own platform threads, where the selector can run a call itself
        // with its bytes still in cache. A virtual thread per call put a hand-off on every call's
        // path and cost PowerDNS 5 to 10 % of its answers (bench/pdns-backends, docs/BENCHMARKS.md).
        // A call that waits for an RGW look-up (miss_wait, rate-limited) holds its thread; 64 are
        // far more than PowerDNS's backend threads ask at once.
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("http");
        threads.setDaemon(true);
        this.server = new Server(threads, new ScheduledExecutorScheduler("http-timeouts", true), null);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        config.setSendServerVersion(false);
        config.setSendDateHeader(false);
        // no normalising or ambiguity checks: the handlers read the target as sent and decode it
        // themselves, saying what is wrong with it (Jetty still refuses a malformed %-escape)
        config.setUriCompliance(UriCompliance.UNSAFE);
        long deadlineMillis = limits.requestDeadline().toMillis();
        HttpConnectionFactory http = new HttpConnectionFactory(config) {
            @Override
            public Connection newConnection(Connector connector, EndPoint endPoint) {
                return configure(new GuardedConnection(getHttpConfiguration(), connector, endPoint, connections,
                        limits.idleTimeout().toMillis(), deadlineMillis), connector, endPoint);
            }
        };
        this.connector = new ServerConnector(server, 1, 1, http);
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        connector.setReuseAddress(true);
        // PowerDNS sends one call at a time per connection: a 40 ms delayed ACK would cost more than the answer
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        server.setHandler(new Dispatch(handler, errorBody, maxBody, limits));
        server.setErrorHandler(new ErrorReply(errorBody));
        try {
            server.start();
        } catch (Exception e) {
            close();
            // a bind failure in the JDK's words ("Address already in use"), which operators know
            if (e.getCause() instanceof BindException bind) {
                throw bind;
            }
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /** The bound address (useful when started on port 0). */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** Open connections now. */
    int connections() {
        return connections.size();
    }

    /** Stops accepting and ends every connection. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("http: stop: {}", e.toString());
        }
        connections.closeAll();
    }

    /** Turns a Jetty request into a {@link Request} for the handler, and its {@link Response} back. */
    private static final class Dispatch extends org.eclipse.jetty.server.Handler.Abstract {
        private final Handler handler;
        private final ErrorBody errorBody;
        private final int maxBody;
        private final Limits limits;

        Dispatch(Handler handler, ErrorBody errorBody, int maxBody, Limits limits) {
            this.handler = handler;
            this.errorBody = errorBody;
            this.maxBody = maxBody;
            this.limits = limits;
        }

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
            GuardedConnection connection = (GuardedConnection) request.getConnectionMetaData().getConnection();
            // the headers are in: from here on the connection waits as long as a kept-alive one may
            connection.getEndPoint().setIdleTimeout(limits.idleTimeout().toMillis());
            String method = request.getMethod();
            String target = target(request.getHttpURI());
            Response reply;
            boolean close = false;
            try {
                if (request.getHeaders().size() > MAX_HEADERS) {
                    throw new HttpError(431, "more than " + MAX_HEADERS + " header fields", true);
                }
                byte[] body = body(request, connection);
                connection.served();
                try {
                    reply = handler.handle(new Request(method, target, body));
                } catch (HttpError e) {
                    reply = new Response(e.status, errorBody.contentType(), errorBody.of(e.getMessage()));
                    close = e.fatal;
                } catch (RuntimeException e) {
                    LOG.error("http: {} {} failed", method, target.length() > 100 ? target.substring(0, 100) + "..." : target, e);
                    reply = new Response(500, errorBody.contentType(), errorBody.of("internal error: " + e.getClass().getSimpleName()
                            + "; the request was not handled, the server keeps answering"));
                }
            } catch (HttpError e) {
                reply = new Response(e.status, errorBody.contentType(), errorBody.of(e.getMessage()));
                close = true;
            }
            if (close) {
                // what is left of the request counts as consumed: Jetty then sends the reply whole and
                // lingers, instead of aborting the connection over a body it could not read
                connection.getParser().close();
            }
            send(request, response, callback, reply, close);
            return true;
        }

        /** The body, whole, within the request's deadline. */
        private byte[] body(org.eclipse.jetty.server.Request request, GuardedConnection connection) {
            long length = request.getLength();
            if (length > maxBody) {
                throw new HttpError(413, "request body larger than " + maxBody + " bytes", true);
            }
            if (length == 0) {
                return NO_BODY;
            }
            long deadline = request.getBeginNanoTime() + limits.requestDeadline().toNanos();
            ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 1024);
            try {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw timedOut(limits);
                        }
                        // Jetty's idle timeout wakes the wait below with a TimeoutException chunk
                        connection.getEndPoint().setIdleTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                        CountDownLatch ready = new CountDownLatch(1);
                        request.demand(ready::countDown);
                        awaitUninterruptibly(ready);
                        continue;
                    }
                    try {
                        if (Content.Chunk.isFailure(chunk)) {
                            Throwable failure = chunk.getFailure();
                            throw failure instanceof TimeoutException ? timedOut(limits)
                                    // Jetty reports both as an early end: the chunk's own fault is not kept
                                    : new HttpError(400, "request body: invalid chunked framing, or cut short", true);
                        }
                        if (body.size() + chunk.remaining() > maxBody) {
                            throw new HttpError(413, "request body larger than " + maxBody + " bytes", true);
                        }
                        ByteBuffer bytes = chunk.getByteBuffer();
                        while (bytes.hasRemaining()) {
                            body.write(bytes.get());
                        }
                        if (chunk.isLast()) {
                            return body.toByteArray();
                        }
                    } finally {
                        chunk.release();
                    }
                }
            } finally {
                connection.getEndPoint().setIdleTimeout(limits.idleTimeout().toMillis());
            }
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private static void send(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback,
                Response reply, boolean close) {
            response.setStatus(reply.status());
            HttpFields.Mutable headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
            if (close) {
                headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            if (reply.stream() == null) {
                headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
                return;
            }
            if (HttpMethod.HEAD.is(request.getMethod())) {
                response.write(true, null, callback);
                return;
            }
            // no Content-Length: chunked to an HTTP/1.1 client, until the close to an HTTP/1.0 one
            try {
                OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 16 * 1024);
                reply.stream().writeTo(out);
                out.close(); // only after a whole body: one cut short must not look complete
                callback.succeeded();
            } catch (IOException | RuntimeException e) {
                LOG.debug("http: streamed reply to {} {} cut short: {}", request.getMethod(), request.getHttpURI().getPath(), e.toString());
                callback.failed(e);
            }
        }
    }

    /** The raw target: path and query as the client sent them, not decoded. */
    private static String target(HttpURI uri) {
        String path = uri.getPath() == null ? "/" : uri.getPath();
        return uri.getQuery() == null ? path : path + "?" + uri.getQuery();
    }

    private static HttpError timedOut(Limits limits) {
        return new HttpError(408, "request not complete within " + limits.requestDeadline().toMillis() + " ms", true);
    }

    /** The reason of an error Jetty found, in the words operators read in the reply. */
    static String reason(int status, String message, Throwable cause) {
        return switch (status) {
            case 414 -> "request line longer than " + MAX_HEADER_BYTES + " bytes";
            case 431 -> "request line and header fields longer than " + MAX_HEADER_BYTES + " bytes";
            default -> {
                boolean generic = message == null || message.equals(HttpStatus.getMessage(status));
                // Jetty's generic reason hides the one its cause carries (a bad %-escape in the target, say)
                if (generic && cause != null && cause.getCause() != null && cause.getCause().getMessage() != null) {
                    yield "bad request: " + cause.getCause().getMessage();
                }
                yield message != null ? message : HttpStatus.getMessage(status);
            }
        };
    }

    /** Answers the errors Jetty finds itself (framing, limits) with the owner's body instead of an HTML page. */
    private static final class ErrorReply extends org.eclipse.jetty.server.Handler.Abstract.NonBlocking {
        private final ErrorBody errorBody;

        ErrorReply(ErrorBody errorBody) {
            this.errorBody = errorBody;
        }

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
            int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
            Throwable cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
            String message = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String m ? m : null;
            if (cause instanceof HttpException http && http.getReason() != null) {
                message = http.getReason();
            }
            byte[] body = errorBody.of(reason(status, message, cause));
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, errorBody.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            if (!request.getConnectionMetaData().isPersistent()) {
                // said outright: Jetty leaves it out when the request line never got as far as a version
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    /**
     * Jetty's HTTP/1.1 connection with the two guarantees of this server: a slot among the open
     * connections (admitting it may close the idlest), and a deadline on each request from its first
     * byte. The deadline rides on the endpoint's idle timeout, which is set to the time left whenever
     * the connection waits for more of a request begun; Jetty's own timeout machinery then fires on
     * time, and with the parser to itself. Jetty has no other hook on a request's first byte or on a
     * connection's idle handling than this class, public but in its {@code internal} package, so
     * a Jetty upgrade is checked by HttpServerTest before anything else.
     */
    private static final class GuardedConnection extends HttpConnection {
        private final Connections<Connection> connections;
        private final long idleMillis;
        private final long deadlineMillis;
        private Connections.Connection<Connection> slot;
        /** When lingering after the last reply ends (System.nanoTime), 0 before; only the connection's current thread uses these two. */
        private long lingerEnd;
        private long drained;
        /** Set by {@link #newRequestHandler}, which Jetty calls from its constructor. */
        private RequestHandler parserEvents;

        GuardedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Connections<Connection> connections,
                long idleMillis, long deadlineMillis) {
            super(config, connector, endPoint);
            this.connections = connections;
            this.idleMillis = idleMillis;
            this.deadlineMillis = deadlineMillis;
        }

        @Override
        protected RequestHandler newRequestHandler() {
            parserEvents = super.newRequestHandler();
            return parserEvents;
        }

        /** A whole request arrived: this connection is now the least idle. */
        void served() {
            slot.touch();
        }

        @Override
        public void onOpen() {
            slot = connections.admit(this);
            super.onOpen();
        }

        @Override
        public void onClose(Throwable cause) {
            connections.remove(slot);
            super.onClose(cause);
        }

        @Override
        public void fillInterested(Callback callback) {
            HttpParser parser = getParser();
            long timeout;
            if (parser.isStart()) {
                timeout = idleMillis;
            } else if (parser.isTerminated()) {
                timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(lingerLeft()));
            } else {
                long left = parser.getBeginNanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis) - System.nanoTime();
                timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            }
            getEndPoint().setIdleTimeout(timeout);
            super.fillInterested(callback);
        }

        /**
         * After the last reply (Connection: close), reads and drops what the client still sends, for
         * a moment, before the close. Jetty closes at once, and closing with unread input makes the
         * kernel send a reset, which can destroy the reply before the client reads it: a client still
         * writing a request would see "connection reset", not the reason.
         */
        @Override
        public void onFillable() {
            if (!getParser().isTerminated()) {
                super.onFillable();
                return;
            }
            ByteBuffer sink = BufferUtil.allocate(8192);
            try {
                while (lingerLeft() > 0 && drained < MAX_LINGER_BYTES) {
                    int n = getEndPoint().fill(sink);
                    BufferUtil.clear(sink);
                    if (n == 0) {
                        fillInterested();
                        return;
                    }
                    if (n < 0) {
                        break;
                    }
                    drained += n;
                }
            } catch (IOException e) {
                // the client went away first: nothing left to protect
            }
            getEndPoint().close();
        }

        /** Nanoseconds left to linger, from the first time it is asked. */
        private long lingerLeft() {
            long now = System.nanoTime();
            if (lingerEnd == 0) {
                lingerEnd = now + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
                slot.finishing();
            }
            return lingerEnd - now;
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            HttpParser parser = getParser();
            if (cause instanceof TimeoutException && !parser.isStart() && !parser.isTerminated()) {
                // Jetty just closes a connection idle in the middle of a request; say why instead. With
                // the parser closed, what is left of the request counts as consumed: the reply goes out
                // whole, then the connection reads and drops the rest for a moment. This runs on the
                // scheduler's one thread, inside the endpoint's idle handling, which fails any write
                // under way once it returns: the reply is started after it, by the same thread.
                parser.close();
                getConnector().getScheduler().schedule(
                        () -> parserEvents.badMessage(new BadMessageException(408, "request not complete within " + deadlineMillis + " ms")),
                        0, TimeUnit.MILLISECONDS);
                return;
            }
            super.onFillInterestedFailed(cause);
        }
    }
}
