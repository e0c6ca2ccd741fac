package io.bucketdns.rgw;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS Signature Version 4 through the AWS SDK's standalone signer (only {@code http-auth-aws}, not
 * the SDK's clients). RGW checks the signature against any region name for admin requests, so the
 * region is fixed; paths are neither normalized nor double-encoded, as S3 requires.
 */
final class SigV4Signer implements RequestSigner {
    /** Any region works for RGW admin requests; this is the one S3 tools default to. */
    static final String REGION = "us-east-1";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsIdentity identity;
    private final String region;
    private final String service;

    SigV4Signer(String accessKey, String secretKey, String region, String service) {
        this.identity = AwsCredentialsIdentity.create(accessKey, secretKey);
        this.region = region;
        this.service = service;
    }

    @Override
    public Map<String, String> sign(URI uri, Instant now) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(uri)
                .putHeader("Host", RequestSigner.host(uri))
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("Host")) {
                headers.put(h.getKey(), String.join(",", h.getValue()));
            }
        }
        return headers;
    }
}
