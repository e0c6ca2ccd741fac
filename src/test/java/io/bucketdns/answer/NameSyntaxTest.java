package io.bucketdns.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameSyntaxTest {
    @Test
    void acceptsOrdinaryNames() {
        assertThat(NameSyntax.problem("foo.o.example.com.")).isNull();
        assertThat(NameSyntax.problem("foo.o.example.com")).isNull();
        assertThat(NameSyntax.problem("*.o.example.com.")).isNull();
        assertThat(NameSyntax.problem(".")).isNull();
    }

    @Test
    void namesWhatIsWrong() {
        assertThat(NameSyntax.problem("")).isEqualTo("empty name");
        assertThat(NameSyntax.problem("a..b.")).startsWith("empty label");
        assertThat(NameSyntax.problem("x".repeat(64) + ".com.")).isEqualTo("label of 64 octets (at most 63)");
        String long255 = ("a".repeat(63) + ".").repeat(4);
        assertThat(NameSyntax.problem(long255)).startsWith("name of 257 octets");
        assertThat(NameSyntax.problem(("a".repeat(62) + ".").repeat(4))).isNull();
        assertThat(NameSyntax.problem("bücket.com.")).contains("U+00FC").contains("punycode");
        assertThat(NameSyntax.problem("a b.com.")).contains("U+0020");
    }
}
