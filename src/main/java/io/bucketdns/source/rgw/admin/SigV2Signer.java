package io.bucketdns.source.rgw.admin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 2 ({@code Authorization: AWS key:HMAC-SHA1}), for gateways configured
 * without v4. The string to sign is {@code GET}, empty Content-MD5 and Content-Type, the Date
 * header and the path: none of the admin query parameters is an S3 sub-resource, so the query is
 * not signed (as in Ceph's own pdns backend).
 */
public final class SigV2Signer implements RequestSigner {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String accessKey;
    private final SecretKeySpec key;

    SigV2Signer(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    @Override
    public Map<String, String> sign(URI uri, Instant now) {
        String date = HTTP_DATE.format(now);
        return Map.of("Date", date, "Authorization", "AWS " + accessKey + ":" + signature("GET\n\n\n" + date + "\n" + uri.getRawPath()));
    }

    String signature(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
