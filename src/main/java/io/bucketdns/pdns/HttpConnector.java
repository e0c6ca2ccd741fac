package io.bucketdns.pdns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PowerDNS remote backend's HTTP connector, a drop-in for the seed's Flask app at {@code
 * remote-connection-string=http:url=http://127.0.0.1:6780/dns}. All three of PowerDNS's
 * encodings are understood on the same port:
 *
 * <ul>
 *   <li>GET {@code /dns/lookup/<qname>/<qtype>}: the default, arguments percent-encoded in the
 *       path, the rest in the query string;
 *   <li>POST {@code /dns/<method>} with a form field {@code parameters=<json>} ({@code post=1});
 *   <li>POST {@code /dns[/<method>]} with {@code {"method":...,"parameters":...}} ({@code
 *       post_json=1}).
 * </ul>
 *
 * <p>Connections stay open (HTTP/1.1 keep-alive) and Nagle is off: PowerDNS sends one call at a
 * time per connection, so both a reconnect and a 40 ms delayed ACK would cost more than the answer.
 * A request that is not a remote-backend call gets a 4xx with a JSON body saying why.
 */
public final class HttpConnector implements AutoCloseable {
    /** Larger bodies are refused: no remote-backend call comes near this. */
    static final int MAX_BODY = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnector.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "/dns";

    /** The path arguments of each GET method, in order (PowerDNS's HTTP connector layout). */
    private static final Map<String, List<String>> PATH_ARGS = Map.of(
            "lookup", List.of("qname", "qtype"),
            "list", List.of("domain_id", "zonename"),
            "getDomainInfo", List.of("name"),
            "getAllDomainMetadata", List.of("name"),
            "getDomainMetadata", List.of("name", "kind"));

    private final HttpServer server;
    private final ExecutorService executor;
    private final RemoteBackend backend;

    private HttpConnector(HttpServer server, ExecutorService executor, RemoteBackend backend) {
        this.server = server;
        this.executor = executor;
        this.backend = backend;
    }

    /** Binds {@code address} and starts serving. */
    public static HttpConnector start(InetSocketAddress address, RemoteBackend backend) throws IOException {
        // Read once when the JDK's server class initialises; must be set before the first create().
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpConnector connector = new HttpConnector(server, executor, backend);
        server.setExecutor(executor);
        server.createContext("/", connector::exchange);
        server.start();
        return connector;
    }

    /** The bound address (useful when started on port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            int status = 200;
            byte[] reply;
            try {
                reply = dispatch(ex);
            } catch (BadRequest e) {
                status = e.status;
                reply = RemoteBackend.failure(e.getMessage());
            }
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, reply.length);
            ex.getResponseBody().write(reply);
        } catch (IOException | RuntimeException e) {
            LOG.debug("http: exchange with {} failed: {}", ex.getRemoteAddress(), e.toString());
        }
    }

    private byte[] dispatch(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path == null || !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            throw new BadRequest(404, "no such path; PowerDNS remote-backend calls go to " + PREFIX + "/<method>");
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(PREFIX.length()).split("/")) {
            if (!s.isEmpty()) {
                segments.add(PercentDecoding.decode(s));
            }
        }
        String method = segments.isEmpty() ? null : segments.get(0);
        ObjectNode parameters = MAPPER.createObjectNode();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (Map.Entry<String, String> q : PercentDecoding.form(query).entrySet()) {
                parameters.put(q.getKey(), q.getValue());
            }
        }
        switch (ex.getRequestMethod()) {
            case "GET", "HEAD" -> {
                List<String> names = PATH_ARGS.getOrDefault(method, List.of());
                for (int i = 1; i < segments.size() && i <= names.size(); i++) {
                    parameters.put(names.get(i - 1), segments.get(i));
                }
            }
            case "POST" -> {
                RemoteCall call = parseBody(readBody(ex.getRequestBody()));
                if (call.method() != null) {
                    method = call.method();
                }
                parameters.setAll(call.parameters());
            }
            default -> throw new BadRequest(405, "method " + RemoteBackend.printable(ex.getRequestMethod()) + " not allowed; use GET or POST");
        }
        if (method == null) {
            throw new BadRequest(400, "no remote-backend method named; call " + PREFIX + "/<method>");
        }
        return backend.handle(method, parameters);
    }

    /** A POST body: JSON ({@code post_json=1}) or a form with a {@code parameters} field ({@code post=1}). */
    private static RemoteCall parseBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String json = text;
        if (!text.startsWith("{")) {
            json = PercentDecoding.form(text).get("parameters");
            if (json == null) {
                throw new BadRequest(400, "POST body is neither JSON nor a form with a 'parameters' field");
            }
            json = "{\"parameters\":" + json + "}";
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try {
            return RemoteCall.parse(bytes, 0, bytes.length);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "POST body is " + e.getMessage());
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > MAX_BODY) {
                throw new BadRequest(413, "request body larger than " + MAX_BODY + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A request that is not a remote-backend call; answered with this status and a JSON reason. */
    private static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
