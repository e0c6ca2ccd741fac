package io.bucketdns.frontend.pdns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Percent-decoding as PowerDNS's HTTP connector encodes: every byte that is not alphanumeric is
 * {@code %XX}. Unlike {@link java.net.URLDecoder}, a malformed escape is kept as literal text
 * rather than thrown, so a garbled name is answered as a name that does not exist.
 */
final class PercentDecoding {
    private PercentDecoding() {}

    /** Decodes {@code %XX} escapes (and nothing else) as UTF-8. */
    static String decode(String s) {
        return decode(s, false);
    }

    /** Decodes an {@code application/x-www-form-urlencoded} string; later duplicates win. */
    static Map<String, String> form(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(decode(k, true), decode(v, true));
        }
        return out;
    }

    private static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi;
            int lo;
            if (c == '%' && i + 2 < s.length() && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
                    && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
