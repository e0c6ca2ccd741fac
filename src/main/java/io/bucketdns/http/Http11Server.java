package io.bucketdns.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the PowerDNS remote-backend connector and the ops endpoints: one
 * virtual thread per connection, keep-alive, TCP_NODELAY, Content-Length bodies only, strict limits.
 *
 * <p>Written here rather than taken from the JDK's {@code com.sun.net.httpserver} because that one
 * answers malformed requests itself with HTML pages that name Java exceptions, and operators
 * should get the same clear reason for every bad request. It also lets every limit be
 * explicit: a request line or header of more than {@value #MAX_LINE} bytes, more than {@value
 * #MAX_HEADERS} headers, or a body larger than the handler allows is answered with a 4xx and the
 * connection closed.
 */
public final class Http11Server implements AutoCloseable {
    public static final int MAX_LINE = 8192;
    public static final int MAX_HEADERS = 100;
    static final int MAX_CONNECTIONS = 512;
    static final int IDLE_TIMEOUT_MILLIS = 60_000;
    static final int LINGER_MILLIS = 1000;
    static final long MAX_LINGER_BYTES = 1 << 20;
    /** The content type of JSON replies, the default. */
    public static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(Http11Server.class);

    /** A parsed request. {@code target} is the raw request target (path and query, still escaped). */
    public record Request(String method, String target, byte[] body) {}

    /** A reply with a standard status code. */
    public record Response(int status, String contentType, byte[] body) {
        /** A JSON reply. */
        public Response(int status, byte[] body) {
            this(status, JSON, body);
        }
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

    /** Formats the body of an error reply, in the server's own content type. */
    public interface ErrorBody {
        byte[] of(String reason);
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final ErrorBody errorBody;
    private final int maxBody;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Thread acceptor;

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param maxBody larger request bodies are refused with 413
     * @param errorBody the JSON (or text) body of a 4xx reply, from its one-line reason
     */
    public Http11Server(InetSocketAddress address, int maxBody, Handler handler, ErrorBody errorBody) throws IOException {
        this.socket = new ServerSocket();
        this.socket.setReuseAddress(true);
        this.socket.bind(address, 128);
        this.handler = handler;
        this.errorBody = errorBody;
        this.maxBody = maxBody;
        this.acceptor = Thread.ofPlatform().daemon().name("http-accept-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    /** The bound address (useful when started on port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                if (!slots.tryAcquire()) {
                    // Over the limit: refuse at once rather than queue, so a flood cannot starve PowerDNS's few connections forever.
                    s.close();
                    continue;
                }
                connections.execute(() -> {
                    try (s) {
                        serve(s);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("http: connection from {} ended: {}", s.getRemoteSocketAddress(), e.toString());
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("http: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        s.setSoTimeout(IDLE_TIMEOUT_MILLIS);
        InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
        while (true) {
            boolean keepAlive;
            Response response;
            boolean head = false;
            try {
                String requestLine = readLine(in, true);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ", -1);
                if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                    throw new HttpError(400, "not an HTTP/1.x request line", true);
                }
                boolean http10 = parts[2].equals("HTTP/1.0");
                keepAlive = !http10;
                long contentLength = 0;
                boolean expectContinue = false;
                for (int n = 0; ; n++) {
                    String line = readLine(in, false);
                    if (line == null) {
                        return;
                    }
                    if (line.isEmpty()) {
                        break;
                    }
                    if (n >= MAX_HEADERS) {
                        throw new HttpError(431, "more than " + MAX_HEADERS + " header fields", true);
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new HttpError(400, "malformed header field", true);
                    }
                    String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).strip();
                    switch (name) {
                        case "content-length" -> contentLength = contentLength(value);
                        case "transfer-encoding" -> throw new HttpError(501, "Transfer-Encoding is not supported; send Content-Length", true);
                        case "connection" -> keepAlive = value.equalsIgnoreCase("keep-alive") || (!http10 && !value.equalsIgnoreCase("close"));
                        case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                        default -> { }
                    }
                }
                if (contentLength > maxBody) {
                    throw new HttpError(413, "request body larger than " + maxBody + " bytes", true);
                }
                if (expectContinue && contentLength > 0) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                byte[] body = in.readNBytes((int) contentLength);
                if (body.length < contentLength) {
                    return;
                }
                head = parts[0].equals("HEAD");
                try {
                    response = handler.handle(new Request(parts[0], parts[1], body));
                } catch (HttpError e) {
                    response = new Response(e.status, errorBody.of(e.getMessage()));
                    keepAlive &= !e.fatal;
                }
            } catch (HttpError e) {
                response = new Response(e.status, errorBody.of(e.getMessage()));
                keepAlive = false;
            } catch (SocketTimeoutException | SocketException e) {
                return;
            }
            write(out, response, keepAlive, head);
            if (!keepAlive) {
                lingeringClose(s, in);
                return;
            }
        }
    }

    /**
     * Half-closes, then reads and drops what the client is still sending, for a moment. Closing with
     * unread input makes the kernel send a reset, which can destroy the error reply before the client
     * reads it: a client still writing a huge request would see "connection reset", not the reason.
     */
    private static void lingeringClose(Socket s, InputStream in) {
        try {
            s.shutdownOutput();
            s.setSoTimeout(LINGER_MILLIS);
            byte[] sink = new byte[8192];
            long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
            long drained = 0;
            int n;
            while (drained < MAX_LINGER_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) > 0) {
                drained += n;
            }
        } catch (IOException e) {
            // the client went away first: nothing left to protect
        }
    }

    private static long contentLength(String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new HttpError(400, "Content-Length '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "' is not a length", true);
    }

    /** One CRLF- (or LF-) terminated line as Latin-1; null at a clean end of stream before any byte. */
    private static String readLine(InputStream in, boolean requestLine) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new HttpError(400, "connection closed in the middle of a line", true);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw requestLine
                        ? new HttpError(414, "request line longer than " + MAX_LINE + " bytes", true)
                        : new HttpError(431, "header field longer than " + MAX_LINE + " bytes", true);
            }
            line.write(b);
        }
    }

    private static void write(OutputStream out, Response r, boolean keepAlive, boolean head) throws IOException {
        StringBuilder h = new StringBuilder(128)
                .append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n")
                .append("Content-Type: ").append(r.contentType()).append("\r\n")
                .append("Content-Length: ").append(r.body().length).append("\r\n");
        if (!keepAlive) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        if (!head) {
            out.write(r.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            default -> status >= 500 ? "Server Error" : "Error";
        };
    }

    /** Stops accepting and ends every connection. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("http: close: {}", e.toString());
        }
        connections.shutdownNow();
    }
}
