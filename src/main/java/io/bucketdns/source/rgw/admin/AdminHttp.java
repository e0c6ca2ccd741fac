package io.bucketdns.source.rgw.admin;

import io.bucketdns.Version;
import io.bucketdns.tls.TlsTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed GETs to the RGW Admin Ops API, with failover across endpoints and bounded retries.
 *
 * <p>A request tries the endpoints in preference order. Any HTTP answer below 500, errors
 * included, ends it: only connection failures, timeouts and 5xx move on to the next endpoint, and
 * such an endpoint is skipped for {@link Timing#downFor} so that later requests do not wait for it
 * again (unless every endpoint is down). When all endpoints failed, the request waits (doubling
 * from {@link Timing#backoff}) and starts over, {@link Timing#rounds} times at most.
 *
 * <p>Every request asks for its own connection ({@code Connection: close}). RGW's beast frontend
 * writes a response in many small writes (one per chunk) and, unless {@code rgw frontends} has
 * {@code tcp_nodelay=1}, Nagle's algorithm holds the last of them until the client acknowledges
 * the first, which Linux delays by 40 ms on a kept-alive connection: 45 ms per request measured on
 * Ceph 16.2.15, against 2.6 ms on fresh connections, which start in quick-ACK mode.
 *
 * <p>Requests block the calling thread ({@link HttpURLConnection}): the follower sends one or two
 * a second for as long as it runs, and java.net.http's selector thread, worker pool and
 * asynchronous stages cost 8.1 ms of CPU per such signed request against 3.7 ms here
 * ({@code bench/idle-pace}), which was most of an idle instance's CPU.
 *
 * <p>Thread-safe.
 */
public final class AdminHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttp.class);
    /** Names this client in radosgw's log, where operators see who reads the admin API. */
    private static final String USER_AGENT = "bucketdns/" + Version.current();

    /**
     * How long to wait, and how often to try.
     *
     * @param connect connect timeout per attempt
     * @param request whole-response timeout per attempt
     * @param rounds how many times every endpoint is tried before a request fails
     * @param backoff the first wait between rounds; doubles each round
     * @param downFor how long an endpoint that failed is tried last
     */
    public record Timing(Duration connect, Duration request, int rounds, Duration backoff, Duration downFor) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(15), 3, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** An answer: its status, body, and the endpoint (base URL) that gave it. */
    public record Reply(int status, byte[] body, String endpoint) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String adminPath;
    private final RequestSigner signer;
    private final Timing timing;
    private final AdminCallObserver observer;
    private final TlsTrust tls;
    private final SSLSocketFactory tlsSockets;
    /** Requests in flight, disconnected by {@link #close} so that no thread stays blocked in a read. */
    private final Set<HttpURLConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile List<String> endpoints;
    private final Map<String, Long> downUntil = new ConcurrentHashMap<>();

    /**
     * @param endpoints base URLs ({@code scheme://host[:port]}), in preference order
     * @param adminEntry the admin path prefix without slashes, {@code admin} by default
     */
    public AdminHttp(List<String> endpoints, String adminEntry, RequestSigner signer, Timing timing) {
        this(endpoints, adminEntry, signer, timing, AdminCallObserver.NONE, TlsTrust.DEFAULT);
    }

    /**
     * @param observer told about every request: endpoint, outcome, duration
     * @param tls which certificates https endpoints may present
     */
    public AdminHttp(List<String> endpoints, String adminEntry, RequestSigner signer, Timing timing, AdminCallObserver observer, TlsTrust tls) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no RGW endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.adminPath = "/" + adminEntry + "/";
        this.signer = signer;
        this.timing = timing;
        this.observer = observer;
        this.tls = tls;
        this.tlsSockets = tls.sslContext().getSocketFactory();
    }

    /** The endpoints in the order they are tried. */
    public List<String> endpoints() {
        return endpoints;
    }

    /**
     * Tries {@code preferred} endpoints first (keeping the configured order otherwise), e.g. those
     * of the metadata master zone, whose metadata log has every change first.
     */
    public void prefer(Collection<String> preferred) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String e : endpoints) {
            (preferred.contains(e) ? first : rest).add(e);
        }
        first.addAll(rest);
        endpoints = List.copyOf(first);
    }

    /**
     * GETs {@code /admin/RESOURCE?QUERY} from the first endpoint that answers.
     *
     * @param resource the path below the admin entry, e.g. {@code metadata/bucket}
     * @param query parameters in order; a null value sends the bare name (as in {@code &info})
     * @throws RgwException (unreachable) when no endpoint answered in any round
     */
    Reply get(String resource, Map<String, String> query) {
        return get(resource, query, Route.ANY);
    }

    /**
     * Which endpoints a request may use.
     *
     * @param only these endpoints only, in this order (a zone's metadata log is read from that
     *     zone's gateways); null for the configured ones
     */
    public record Route(List<String> only) {
        static final Route ANY = new Route(null);
    }

    /** {@link #get(String, Map)} along a {@link Route}. */
    Reply get(String resource, Map<String, String> query, Route route) {
        String target = adminPath + resource + queryString(query);
        List<String> candidates = route.only() != null ? route.only() : endpoints;
        IOException last = null;
        for (int round = 0; round < timing.rounds(); round++) {
            if (round > 0) {
                pause(timing.backoff().multipliedBy(1L << (round - 1)));
            }
            for (String endpoint : ordered(candidates)) {
                try {
                    Reply r = send(endpoint, target);
                    if (r.status() < 500) {
                        markUp(endpoint);
                        return r;
                    }
                    last = new IOException("HTTP " + r.status() + " " + abbreviate(r.text()));
                } catch (IOException e) {
                    last = e;
                }
                markDown(endpoint, last);
            }
        }
        throw new RgwException("GET " + target + ": no RGW endpoint answered (" + candidates + "; last error: " + describe(last) + ")",
                0, "", last);
    }

    /** One attempt against one endpoint, for diagnostics: no failover, no retry. */
    public Reply getFrom(String endpoint, String resource, Map<String, String> query) throws IOException {
        return send(endpoint, adminPath + resource + queryString(query));
    }

    private Reply send(String endpoint, String target) throws IOException {
        URI uri = URI.create(endpoint + target);
        long start = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        open.add(c);
        try {
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tlsSockets);
                if (!tls.verify()) {
                    https.setHostnameVerifier((host, session) -> true);
                }
            }
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout(Math.toIntExact(timing.connect().toMillis()));
            c.setReadTimeout(Math.toIntExact(timing.request().toMillis()));
            c.setRequestProperty("Connection", "close");
            c.setRequestProperty("User-Agent", USER_AGENT);
            signer.sign(uri, Instant.now()).forEach(c::setRequestProperty);
            c.connect();
            if (closed) { // close() came while connecting, when disconnect() has no socket to close yet
                throw new IOException("closed");
            }
            int status = c.getResponseCode();
            if (status < 0) {
                throw new IOException("not an HTTP response");
            }
            byte[] body = readBody(status >= 400 ? c.getErrorStream() : c.getInputStream(), start + timing.request().toNanos());
            observer.called(endpoint, status / 100 + "xx", System.nanoTime() - start);
            LOG.debug("rgw GET {}{} -> {}", endpoint, target, status);
            return new Reply(status, body, endpoint);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException) {
                observer.called(endpoint, e instanceof SocketTimeoutException ? "timeout" : "error", System.nanoTime() - start);
            }
            if (closed) { // disconnect() from close()'s thread breaks a request with an IOException or, inside the JDK, an NPE
                throw new RgwException("GET " + target + ": closed", 0, "", e);
            }
            throw e;
        } finally {
            open.remove(c);
            c.disconnect();
        }
    }

    /**
     * The whole body, or a timeout once {@code deadline} passed: a read timeout alone bounds each
     * wait for bytes, not a gateway that trickles them.
     */
    private static byte[] readBody(InputStream in, long deadline) throws IOException {
        if (in == null) {
            return new byte[0]; // an error status without a body
        }
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                if (System.nanoTime() - deadline > 0) {
                    throw new SocketTimeoutException("response not complete in time");
                }
            }
            return out.toByteArray();
        }
    }

    /** Endpoints in preference order, those marked down last. */
    private List<String> ordered(List<String> candidates) {
        long now = System.nanoTime();
        List<String> up = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (String e : candidates) {
            Long until = downUntil.get(e);
            (until != null && until - now > 0 ? down : up).add(e);
        }
        up.addAll(down);
        return up;
    }

    private void markDown(String endpoint, IOException why) {
        if (downUntil.put(endpoint, System.nanoTime() + timing.downFor().toNanos()) == null) {
            LOG.warn("rgw: {} failed ({}); trying other endpoints first for {} s", endpoint, describe(why), timing.downFor().toSeconds());
        }
    }

    private void markUp(String endpoint) {
        if (downUntil.remove(endpoint) != null) {
            LOG.info("rgw: {} answers again", endpoint);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RgwException("interrupted while waiting to retry", 0, "", e);
        }
    }

    /** A query string with S3's encoding (unreserved characters kept, everything else %XX). */
    static String queryString(Map<String, String> query) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> q : query.entrySet()) {
            b.append(b.isEmpty() ? '?' : '&').append(encode(q.getKey()));
            if (q.getValue() != null) {
                b.append('=').append(encode(q.getValue()));
            }
        }
        return b.toString();
    }

    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }

    /**
     * One line on why a request failed; for a refused certificate or failed handshake, the reason
     * and the fix ({@link TlsTrust#explain}), since the JDK's own words ("PKIX path building
     * failed") name neither.
     */
    private String describe(Exception e) {
        if (e == null) {
            return "none";
        }
        Optional<String> tlsProblem = tls.explain(e);
        if (tlsProblem.isPresent()) {
            return tlsProblem.get();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    /** Ends requests in flight (they fail) and any later ones. */
    @Override
    public void close() {
        closed = true;
        open.forEach(HttpURLConnection::disconnect);
    }
}
