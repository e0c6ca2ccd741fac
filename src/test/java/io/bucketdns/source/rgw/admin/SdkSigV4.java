package io.bucketdns.source.rgw.admin;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The AWS SDK's SigV4 signer set up as {@link SigV4Signer} signs: the reference it is checked and measured against. */
final class SdkSigV4 {
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsIdentity identity;

    SdkSigV4(String accessKey, String secretKey) {
        this.identity = AwsCredentialsIdentity.create(accessKey, secretKey);
    }

    /** The request as the SDK signs a bodiless GET of {@code uri} at {@code now}. */
    SdkHttpRequest sign(URI uri, Instant now) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri)
                .putHeader("Host", RequestSigner.host(uri)).build();
        SignedRequest signed = signer.sign(r -> r.identity(identity).request(request)
                .putProperty(AwsV4HttpSigner.REGION_NAME, SigV4Signer.REGION)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)));
        return signed.request();
    }
}
