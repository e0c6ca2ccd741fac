package io.bucketdns.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"foo", "a-b", "eu.dotted.bucket", "123", "1.2.3", "1.2.3.4.5", "my-bucket-2024", "a.b-c.d"})
    void validNames(String name) {
        assertThat(BucketName.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "_x", "Foo", "foo_bar", "-foo", "foo-", ".foo", "foo.", "a..b", "192.168.1.1",
            "bücket", "foo bar", "foo/bar", "tenant:foo"})
    void invalidNames(String name) {
        assertThat(BucketName.isValid(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {63, 64, 255})
    void lengthLimitIs63(int length) {
        assertThat(BucketName.isValid("a".repeat(length))).isEqualTo(length <= 63);
    }
}
