package io.bucketdns.source.rgw.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Signatures checked against the examples AWS publishes, computed independently of this code. */
class SignerTest {
    private static final String AWS_EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final SigV4Signer v4 = new SigV4Signer(AWS_EXAMPLE_KEY, AWS_EXAMPLE_SECRET, SigV4Signer.REGION, "s3");

    /** S3 API reference, SigV4 "Authorization header" examples: GET Bucket (List Objects). */
    @Test
    void sigV4MatchesAwsListObjectsExample() {
        Map<String, String> h = v4.sign(URI.create("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"),
                Instant.parse("2013-05-24T00:00:00Z"));

        assertThat(h).containsEntry("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
        assertThat(h).containsEntry("X-Amz-Date", "20130524T000000Z").containsEntry("x-amz-content-sha256", EMPTY_SHA256);
        assertThat(h.keySet()).noneMatch(k -> k.equalsIgnoreCase("Host"));
    }

    /** The same examples, GET Bucket lifecycle: a parameter without value, like the admin API's {@code &info}. */
    @Test
    void sigV4SignsAValuelessParameterAsAwsDoes() {
        Map<String, String> h = v4.sign(URI.create("https://examplebucket.s3.amazonaws.com/?lifecycle"), Instant.parse("2013-05-24T00:00:00Z"));

        assertThat(h.get("Authorization")).endsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    }

    /**
     * Every kind of admin request, with the markers and keys RGW hands out, signed as the AWS
     * SDK's signer signs it: the reference this signer replaced on the request path.
     */
    @Test
    void sigV4SignsAdminRequestsAsTheAwsSdkDoes() {
        SdkSigV4 sdk = new SdkSigV4(AWS_EXAMPLE_KEY, AWS_EXAMPLE_SECRET);
        List<Map<String, String>> queries = List.of(
                query("type", "metadata", "id", "17", "marker", "1_1764633600.123456_1234.1", "max-entries", "1000"),
                query("key", "bucket.instance:foo:5f0c2a1b-7d1e-4f3a-9f3e-2b1d3c4e5f60.4137.1"),
                query("key", "bucket:foo"),
                query("type", "metadata", "info", null),
                query("marker", "a/b+c= %~*", "max-entries", "1000"),
                query());
        Instant at = Instant.parse("2026-12-02T03:04:05Z");
        for (String resource : List.of("log", "metadata/bucket", "metadata/bucket.instance", "realm/period")) {
            for (Map<String, String> q : queries) {
                URI uri = URI.create("http://127.0.0.11:8000/admin/" + resource + AdminHttp.queryString(q));
                SdkHttpRequest signed = sdk.sign(uri, at);

                assertThat(v4.sign(uri, at)).as(uri.toString())
                        .containsEntry("Authorization", signed.firstMatchingHeader("Authorization").orElseThrow())
                        .containsEntry("X-Amz-Date", signed.firstMatchingHeader("X-Amz-Date").orElseThrow());
            }
        }
    }

    @Test
    void sigV4DerivesANewKeyWhenTheDayChanges() {
        URI uri = URI.create("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
        v4.sign(uri, Instant.parse("2013-05-23T23:59:59Z"));

        assertThat(v4.sign(uri, Instant.parse("2013-05-24T00:00:00Z")).get("Authorization"))
                .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    private static Map<String, String> query(String... kv) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            q.put(kv[i], kv[i + 1]);
        }
        return q;
    }

    /** S3 developer guide, REST authentication (Signature Version 2), "Object GET" example. */
    @Test
    void sigV2MatchesAwsObjectGetExample() {
        SigV2Signer v2 = new SigV2Signer(AWS_EXAMPLE_KEY, AWS_EXAMPLE_SECRET);

        assertThat(v2.signature("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg")).isEqualTo("bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
    }

    @Test
    void sigV2SignsDateAndPathButNotTheAdminQuery() {
        SigV2Signer v2 = new SigV2Signer(AWS_EXAMPLE_KEY, AWS_EXAMPLE_SECRET);

        Map<String, String> h = v2.sign(URI.create("http://127.0.0.1:8000/admin/metadata/bucket?key=foo"), Instant.parse("2007-03-27T19:36:42Z"));

        assertThat(h).containsEntry("Date", "Tue, 27 Mar 2007 19:36:42 GMT");
        assertThat(h).containsEntry("Authorization",
                "AWS AKIAIOSFODNN7EXAMPLE:" + v2.signature("GET\n\n\nTue, 27 Mar 2007 19:36:42 GMT\n/admin/metadata/bucket"));
    }

    @Test
    void hostHeaderCarriesThePortOnlyWhenItIsNotTheDefault() {
        assertThat(RequestSigner.host(URI.create("http://rgw.example:8000/admin"))).isEqualTo("rgw.example:8000");
        assertThat(RequestSigner.host(URI.create("http://rgw.example:80/admin"))).isEqualTo("rgw.example");
        assertThat(RequestSigner.host(URI.create("https://rgw.example:443/admin"))).isEqualTo("rgw.example");
        assertThat(RequestSigner.host(URI.create("https://[::1]:8443/admin"))).isEqualTo("[::1]:8443");
    }
}
