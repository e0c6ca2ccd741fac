package io.bucketdns.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, as an S3 client sends it after DNS: connected to the
 * address the CNAME led to, with the name the user typed in {@code Host}. java.net.http cannot
 * send a {@code Host} that differs from the address without a JVM-wide switch, and a raw socket
 * never follows a redirect: the test sees the 301 the wrong region answers.
 */
public final class RawHttp {
    /**
     * The answer.
     *
     * @param status the status code
     * @param headers header values by lowercase name (the last one of each)
     * @param body the body, chunked encoding undone
     */
    public record Reply(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    /** {@code GET path} to {@code to} with {@code Host: host}; bounded by 3 s to connect and 10 s per read. */
    public static Reply get(InetSocketAddress to, String host, String path) {
        return request(to, "GET", host, path);
    }

    /** {@code METHOD path} with no body, as {@link #get} does it (a presigned URL's PUT, for one). */
    public static Reply request(InetSocketAddress to, String method, String host, String path) {
        try (Socket s = new Socket()) {
            s.connect(to, 3_000);
            s.setSoTimeout(10_000);
            String body = method.equals("GET") || method.equals("HEAD") ? "" : "Content-Length: 0\r\n";
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: bucketdns-e2e\r\n" + body
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return parse(readAll(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " (Host: " + host + ") to " + to + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) != -1 && out.size() < 1 << 20; ) { // Connection: close ends it; 1 MiB at most
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static Reply parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete HTTP header in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Reply(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String unchunk(String s) {
        StringBuilder b = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = s.indexOf("\r\n", at);
            int size = Integer.parseInt(s.substring(at, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                return b.toString();
            }
            b.append(s, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
