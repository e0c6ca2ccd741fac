package io.bucketdns.frontend.pdns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bucketdns.frontend.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PowerDNS remote backend's HTTP connector, a drop-in for the seed's Flask app at {@code
 * remote-connection-string=http:url=http://127.0.0.1:6780/dns}. All three of PowerDNS's
 * encodings are understood on the same port:
 *
 * <ul>
 *   <li>GET {@code /dns/lookup/<qname>/<qtype>}: the default, arguments percent-encoded in the
 *       path, the rest in the query string;
 *   <li>PATCH {@code /dns/setNotified/<id>} with the form body {@code serial=<n>}, which the
 *       default encoding sends once a primary's NOTIFYs went out;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "/dns";

    /** The path arguments of each GET method, in order (PowerDNS's HTTP connector layout). */
    private static final Map<String, List<String>> PATH_ARGS = Map.of(
            "lookup", List.of("qname", "qtype"),
            "list", List.of("domain_id", "zonename"),
            "getDomainInfo", List.of("name"),
            "getAllDomainMetadata", List.of("name"),
            "getDomainMetadata", List.of("name", "kind"),
            "setNotified", List.of("id"));

    private final HttpServer server;
    private final RemoteBackend backend;

    private HttpConnector(InetSocketAddress address, RemoteBackend backend) throws IOException {
        this.backend = backend;
        this.server = new HttpServer(address, MAX_BODY, this::dispatch, RemoteBackend::failure);
    }

    /** Binds {@code address} and starts serving. */
    public static HttpConnector start(InetSocketAddress address, RemoteBackend backend) throws IOException {
        return new HttpConnector(address, backend);
    }

    /** The bound address (useful when started on port 0). */
    public InetSocketAddress address() {
        return server.address();
    }

    private HttpServer.Response dispatch(HttpServer.Request request) {
        String target = request.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            throw new BadRequest(404, "no such path; PowerDNS remote-backend calls go to " + PREFIX + "/<method>");
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(PREFIX.length()).split("/")) {
            if (!s.isEmpty()) {
                segments.add(PercentDecoding.decode(s));
            }
        }
        String method = segments.isEmpty() ? "" : segments.get(0);
        ObjectNode parameters = MAPPER.createObjectNode();
        if (query != null) {
            for (Map.Entry<String, String> e : PercentDecoding.form(query).entrySet()) {
                parameters.put(e.getKey(), e.getValue());
            }
        }
        switch (request.method()) {
            case "GET", "HEAD" -> pathArguments(method, segments, parameters);
            case "PATCH" -> {
                // setNotified: the zone id in the path, serial=N as a form body
                pathArguments(method, segments, parameters);
                PercentDecoding.form(new String(request.body(), StandardCharsets.UTF_8).strip()).forEach(parameters::put);
            }
            case "POST" -> {
                RemoteCall call = parseBody(request.body());
                if (call.method() != null) {
                    method = call.method();
                }
                parameters.setAll(call.parameters());
            }
            default -> throw new BadRequest(405, "method " + RemoteBackend.printable(request.method()) + " not allowed; use GET, POST or PATCH");
        }
        if (method.isEmpty()) {
            throw new BadRequest(400, "no remote-backend method named; call " + PREFIX + "/<method>");
        }
        if (method.equals("list")) {
            String listed = method;
            return HttpServer.Response.streamed(200, out -> backend.stream(listed, parameters, out));
        }
        return new HttpServer.Response(200, backend.handle(method, parameters));
    }

    private static void pathArguments(String method, List<String> segments, ObjectNode parameters) {
        List<String> names = PATH_ARGS.getOrDefault(method, List.of());
        for (int i = 1; i < segments.size() && i <= names.size(); i++) {
            parameters.put(names.get(i - 1), segments.get(i));
        }
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

    @Override
    public void close() {
        server.close();
    }

    /** A request that is not a remote-backend call; answered with this status and a JSON reason. */
    private static final class BadRequest extends HttpServer.HttpError {
        BadRequest(int status, String message) {
            super(status, message, false);
        }
    }
}
