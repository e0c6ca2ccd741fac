package io.bucketdns.source.rgw.admin;

import io.bucketdns.config.BucketDnsConfig;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/** Signs an Admin Ops GET the way RGW checks it. Implementations are immutable and thread-safe. */
public interface RequestSigner {
    /**
     * The headers that authenticate {@code GET uri} at {@code now}.
     *
     * @param uri the request as sent: scheme, host, optional port, raw (encoded) path and query
     * @return header name to value, never including {@code Host} (the HTTP client sends it from
     *     {@code uri}, and the signature covers exactly that value)
     */
    Map<String, String> sign(URI uri, Instant now);

    /** The signer for the configured signature version. */
    static RequestSigner of(BucketDnsConfig.Rgw rgw) {
        return switch (rgw.signature()) {
            case V4 -> new SigV4Signer(rgw.accessKey(), rgw.secretKey(), SigV4Signer.REGION, "s3");
            case V2 -> new SigV2Signer(rgw.accessKey(), rgw.secretKey());
        };
    }

    /**
     * The Host header value for {@code uri} as the JDK's HTTP clients send it: the port only when it is
     * not the scheme's default.
     */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (port == 80 && "http".equals(uri.getScheme())) || (port == 443 && "https".equals(uri.getScheme()));
        String host = uri.getHost();
        return defaultPort ? host : host + ":" + port;
    }
}
