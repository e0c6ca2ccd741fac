package io.bucketdns.http;

import io.bucketdns.server.Connections;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the PowerDNS remote-backend connector and the ops endpoints: one
 * virtual thread per connection, keep-alive, TCP_NODELAY, Content-Length bodies only, strict limits.
 *
 * <p>No client can wedge it: a request must arrive whole within a deadline from its first byte
 * (else 408 and close), and at the connection limit the connection idle the longest since its last
 * request is closed to admit the new one, as the DNS TCP listener does; a crowd of slow or stalled
 * clients only ever costs PowerDNS a reconnect. Framing that RFC 9112 calls invalid (a second or
 * malformed Content-Length, whitespace before a header's colon, a header name that is not a token,
 * control characters in a value, line folding) is answered 400 and the connection closed, since the
 * next request's start can no longer be trusted. A handler that throws gets a 500 with its reason.
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
    static final int LINGER_MILLIS = 1000;
    static final long MAX_LINGER_BYTES = 1 << 20;
    /** The content type of JSON replies, the default. */
    public static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(Http11Server.class);

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

        /** A JSON reply written as it is produced. */
        public static Response streamed(int status, Body stream) {
            return new Response(status, JSON, new byte[0], stream);
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

    /** Formats the body of an error reply, in the server's own content type. */
    public interface ErrorBody {
        byte[] of(String reason);
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

    private final ServerSocket socket;
    private final Handler handler;
    private final ErrorBody errorBody;
    private final int maxBody;
    private final Limits limits;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Connections<Socket> connections;
    private final Thread acceptor;

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param maxBody larger request bodies are refused with 413
     * @param errorBody the JSON (or text) body of a 4xx reply, from its one-line reason
     */
    public Http11Server(InetSocketAddress address, int maxBody, Handler handler, ErrorBody errorBody) throws IOException {
        this(address, maxBody, handler, errorBody, Limits.DEFAULT);
    }

    /** As above, with other limits. */
    public Http11Server(InetSocketAddress address, int maxBody, Handler handler, ErrorBody errorBody, Limits limits) throws IOException {
        this.limits = limits;
        this.connections = new Connections<>(limits.maxConnections());
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
                Connections.Connection<Socket> c = connections.admit(s);
                threads.execute(() -> {
                    try (s) {
                        serve(c);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("http: connection from {} ended: {}", s.getRemoteSocketAddress(), e.toString());
                    } finally {
                        connections.remove(c);
                    }
                });
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("http: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Connections.Connection<Socket> c) throws IOException {
        Socket s = c.socket;
        s.setTcpNoDelay(true);
        TimedInput timed = new TimedInput(s);
        InputStream in = new BufferedInputStream(timed, 16 * 1024);
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
        while (true) {
            boolean keepAlive;
            Response response;
            boolean head = false;
            boolean http10 = false;
            try {
                timed.deadline = System.nanoTime() + limits.idleTimeout().toNanos();
                in.mark(1);
                if (in.read() < 0) {
                    return;
                }
                in.reset();
            } catch (SocketTimeoutException | SocketException e) {
                return;
            }
            timed.deadline = System.nanoTime() + limits.requestDeadline().toNanos();
            try {
                String requestLine = readLine(in, true);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ", -1);
                if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                    throw new HttpError(400, "not an HTTP/1.x request line", true);
                }
                if (parts[1].chars().anyMatch(ch -> ch <= ' ' || ch >= 0x7F)) {
                    throw new HttpError(400, "control character or non-ASCII byte in the request target", true);
                }
                http10 = parts[2].equals("HTTP/1.0");
                keepAlive = !http10;
                long contentLength = -1;
                boolean host = false;
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
                    if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                        throw new HttpError(400, "obsolete line folding (a header line starting with whitespace) is not accepted", true);
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new HttpError(400, "malformed header field", true);
                    }
                    String name = fieldName(line, colon);
                    String value = fieldValue(line, colon + 1);
                    switch (name) {
                        case "content-length" -> {
                            if (contentLength >= 0) {
                                throw new HttpError(400, "more than one Content-Length", true);
                            }
                            contentLength = contentLength(value);
                        }
                        case "host" -> {
                            if (host) {
                                throw new HttpError(400, "more than one Host", true);
                            }
                            host = true;
                        }
                        case "transfer-encoding" -> throw new HttpError(501, "Transfer-Encoding is not supported; send Content-Length", true);
                        case "connection" -> keepAlive = value.equalsIgnoreCase("keep-alive") || (!http10 && !value.equalsIgnoreCase("close"));
                        case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                        default -> { }
                    }
                }
                contentLength = Math.max(contentLength, 0);
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
                c.touch();
                head = parts[0].equals("HEAD");
                try {
                    response = handler.handle(new Request(parts[0], parts[1], body));
                } catch (HttpError e) {
                    response = new Response(e.status, errorBody.of(e.getMessage()));
                    keepAlive &= !e.fatal;
                } catch (RuntimeException e) {
                    LOG.error("http: {} {} failed", parts[0], parts[1].length() > 100 ? parts[1].substring(0, 100) + "..." : parts[1], e);
                    response = new Response(500, errorBody.of("internal error: " + e.getClass().getSimpleName()
                            + "; the request was not handled, the server keeps answering"));
                }
            } catch (HttpError e) {
                response = new Response(e.status, errorBody.of(e.getMessage()));
                keepAlive = false;
            } catch (SocketTimeoutException e) {
                response = new Response(408, errorBody.of("request not complete within " + limits.requestDeadline().toMillis() + " ms"));
                keepAlive = false;
            } catch (SocketException e) {
                return;
            }
            keepAlive &= response.stream() == null || !http10;
            write(out, response, keepAlive, head);
            if (!keepAlive) {
                timed.deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
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

    /** RFC 9112: 1*DIGIT, nothing else (no sign, no list, no spaces inside). */
    private static long contentLength(String value) {
        boolean digits = !value.isEmpty() && value.length() <= 18;
        for (int i = 0; digits && i < value.length(); i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!digits) {
            throw new HttpError(400, "Content-Length '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
                    + "' is not a length (digits only)", true);
        }
        return Long.parseLong(value);
    }

    /** The lowercase field name before {@code colon}: a token, with no whitespace before the colon (RFC 9112 section 5.1). */
    private static String fieldName(String line, int colon) {
        char last = line.charAt(colon - 1);
        if (last == ' ' || last == '\t') {
            throw new HttpError(400, "whitespace between a header field name and its colon", true);
        }
        for (int i = 0; i < colon; i++) {
            char ch = line.charAt(i);
            if (ch <= ' ' || ch >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(ch) >= 0) {
                throw new HttpError(400, "header field name is not a token", true);
            }
        }
        return line.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** The field value after {@code start}, without the optional whitespace around it; control characters are refused. */
    private static String fieldValue(String line, int start) {
        int end = line.length();
        while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            char ch = line.charAt(i);
            if ((ch < ' ' && ch != '\t') || ch == 0x7F) {
                throw new HttpError(400, "control character in a header field value", true);
            }
        }
        return line.substring(start, end);
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
                .append("Content-Type: ").append(r.contentType()).append("\r\n");
        boolean chunked = r.stream() != null && keepAlive;
        if (r.stream() == null) {
            h.append("Content-Length: ").append(r.body().length).append("\r\n");
        } else if (chunked) {
            h.append("Transfer-Encoding: chunked\r\n");
        }
        if (!keepAlive) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        if (head) {
            // headers only
        } else if (r.stream() == null) {
            out.write(r.body());
        } else if (chunked) {
            Chunked body = new Chunked(out);
            r.stream().writeTo(body);
            body.close(); // only after a whole body: one cut short must not look complete
        } else {
            r.stream().writeTo(out);
        }
        out.flush();
    }

    /** RFC 9112 chunked coding over {@code out}, one chunk per 8 KiB; close() ends the body, not the stream. */
    private static final class Chunked extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[8192];
        private int n;

        Chunked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                chunk();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) {
                    chunk();
                }
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        private void chunk() throws IOException {
            if (n > 0) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(buf, 0, n);
                out.write('\r');
                out.write('\n');
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            chunk();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            default -> status >= 500 ? "Server Error" : "Error";
        };
    }

    /** Open connections now. */
    int connections() {
        return connections.size();
    }

    /** Stops accepting and ends every connection. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("http: close: {}", e.toString());
        }
        connections.closeAll();
        threads.shutdownNow();
    }

    /**
     * The socket's input with every read bounded by {@link #deadline}: a client sending one byte
     * every few seconds still runs out of time, which a timeout per read alone would never do.
     */
    private static final class TimedInput extends FilterInputStream {
        private final Socket socket;
        volatile long deadline;

        TimedInput(Socket socket) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            return super.read(b, off, len);
        }
    }
}
