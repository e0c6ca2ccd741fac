package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [powerdns] rgw_ca_file} and {@code rgw_tls_verify}: a bad CA file stops the config, with file, line, key and fix. */
class TlsConfigTest {
    @TempDir
    Path dir;

    private BucketDnsConfig parse(String... lines) {
        return ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of(lines));
    }

    @Test
    void verifiesWithTheJdkTrustStoreByDefault() {
        BucketDnsConfig c = parse("[powerdns]", "rgw_endpoint = https://rgw.example");

        assertThat(c.rgw().tls().caFile()).isNull();
        assertThat(c.rgw().tls().cas()).isEmpty();
        assertThat(c.rgw().tls().verify()).isTrue();
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void readsEveryCaOfTheFileRelativeToTheConfig() throws Exception {
        TestPki pki = new TestPki(dir);
        String bundle = Files.readString(pki.ca("ca-one")) + Files.readString(pki.ca("ca-two"));
        pki.write("cas.pem", bundle);

        BucketDnsConfig c = parse("[powerdns]", "rgw_endpoint = https://rgw.example", "rgw_ca_file = cas.pem");

        assertThat(c.rgw().tls().caFile()).isEqualTo(dir.resolve("cas.pem"));
        assertThat(c.rgw().tls().cas()).extracting(x -> x.getSubjectX500Principal().getName()).containsExactly("CN=ca-one", "CN=ca-two");
        assertThat(c.rgw().tls().verify()).isTrue();
    }

    @Test
    void aRotatedCaFileIsAnotherRgwSettingSoAReloadRestartsTheSource() throws Exception {
        TestPki pki = new TestPki(dir);
        Files.copy(pki.ca("old-ca"), dir.resolve("ca.pem"));
        BucketDnsConfig before = parse("[powerdns]", "rgw_ca_file = ca.pem");
        BucketDnsConfig same = parse("[powerdns]", "rgw_ca_file = ca.pem");
        Files.copy(pki.ca("new-ca"), dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BucketDnsConfig after = parse("[powerdns]", "rgw_ca_file = ca.pem");

        assertThat(same.rgw()).as("an unchanged file keeps the source").isEqualTo(before.rgw());
        assertThat(after.rgw()).isNotEqualTo(before.rgw());
        assertThat(after.rgw().tls().cas()).extracting(x -> x.getSubjectX500Principal().getName()).containsExactly("CN=new-ca");
    }

    @Test
    void aMissingEmptyOrGarbageCaFileIsAConfigErrorOnItsLine() throws Exception {
        String conf = dir.resolve("rgw-pdns.conf").toString();
        assertThatThrownBy(() -> parse("[powerdns]", "", "rgw_ca_file = nope.pem"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(conf + ":3: [powerdns] rgw_ca_file: cannot read " + dir.resolve("nope.pem") + " (NoSuchFileException")
                .hasMessageContaining("; fix: name a readable PEM file");
        Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> parse("[powerdns]", "rgw_ca_file = empty.pem"))
                .hasMessage(conf + ":2: [powerdns] rgw_ca_file: " + dir.resolve("empty.pem") + " is empty; fix: name a PEM file with the CA"
                        + " certificate(s) of the gateways, e.g. as made by openssl req -x509 ... -out ca.pem");
        Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        assertThatThrownBy(() -> parse("[powerdns]", "rgw_ca_file = garbage.pem"))
                .hasMessageStartingWith(conf + ":2: [powerdns] rgw_ca_file: " + dir.resolve("garbage.pem") + " is not PEM");
        assertThatThrownBy(() -> parse("[powerdns]", "rgw_ca_file = " + dir))
                .hasMessageStartingWith(conf + ":2: [powerdns] rgw_ca_file: cannot read " + dir);
    }

    @Test
    void turningVerificationOffIsAWarningNamingTheLine() {
        BucketDnsConfig c = parse("[powerdns]", "rgw_endpoint = https://rgw.example", "rgw_tls_verify = false");

        assertThat(c.rgw().tls().verify()).isFalse();
        assertThat(c.warnings()).singleElement().asString()
                .startsWith(dir.resolve("rgw-pdns.conf") + ":3: [powerdns] rgw_tls_verify = false: the certificates of https RGW endpoints are NOT verified")
                .endsWith("set rgw_ca_file to the gateways' CA instead");
        assertThat(parse("[powerdns]", "rgw_tls_verify = true").rgw().tls().verify()).isTrue();
        assertThat(parse("[powerdns]", "rgw_tls_verify =").rgw().tls().verify()).as("empty is not off").isTrue();
        assertThatThrownBy(() -> parse("[powerdns]", "rgw_tls_verify = maybe")).hasMessageContaining("[powerdns] rgw_tls_verify: 'maybe' is not a boolean");
    }
}
