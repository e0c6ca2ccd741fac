package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference page is the schema's, and the schema's rows are what the loader does. */
class ConfigReferenceTest {
    @Test
    void theCommittedReferenceIsTheSchemas() throws IOException {
        assertThat(Files.readString(Path.of("docs/CONFIGURATION.md")))
                .as("docs/CONFIGURATION.md differs from the schema: regenerate it with"
                        + " bin/bucketdns config --reference > docs/CONFIGURATION.md")
                .isEqualTo(ConfigReference.markdown());
    }

    @Test
    void everyKeyIsInTheReferenceOnce() {
        String page = ConfigReference.markdown();
        for (Key k : Schema.KEYS) {
            assertThat(page).as(k.id()).contains("| `" + k.name() + "` | ");
        }
    }

    @Test
    void everyDefaultLoadsAndIsWhatANewcomerGets() {
        BucketDnsConfig c = ConfigLoader.parse(Path.of("t.conf"), List.of("[powerdns]"));
        for (Setting s : c.settings()) {
            assertThat(s.value()).as(s.id()).isEqualTo(s.key().defaultValue());
            assertThat(s.line()).as(s.id()).isZero();
        }
        assertThat(c.settings()).extracting(Setting::id).contains("powerdns.listen_port", "catalog.log_sweep", "ops.listen");
    }

    @Test
    void rangeErrorsAreMadeFromTheDeclaredRange() {
        // the bound the loader enforces and the one its message names are the same row
        Type.Span sweep = (Type.Span) Schema.key("catalog", "log_sweep").type();
        assertThat(sweep.min()).hasMillis(640);
        assertThatThrownBy(() -> ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "log_sweep = 600ms")))
                .hasMessage("t.conf:2: [catalog] log_sweep: '600ms' is outside 640ms..1h; fix: write a duration, 640ms to 1h, e.g. 40s");
        ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "log_sweep = 640ms"));
        assertThatThrownBy(() -> ConfigLoader.parse(Path.of("t.conf"), List.of("[powerdns]", "listen_port = 0")))
                .hasMessage("t.conf:2: [powerdns] listen_port: 0 is outside 1..65535; fix: write a whole number, 1 to 65535, e.g. 6780");
    }

    @Test
    void aReloadRebuildsTheCatalogOnlyForKeysDeclaredSo() {
        BucketDnsConfig base = ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "unknown_ttl = 5"));
        BucketDnsConfig ttl = ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "unknown_ttl = 9"));
        BucketDnsConfig sweep = ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "unknown_ttl = 5", "log_sweep = 2s"));
        BucketDnsConfig same = ConfigLoader.parse(Path.of("t.conf"), List.of("[catalog]", "unknown_ttl = 5", "log_sweep = 40s"));
        assertThat(ttl.differs(base, Reload.REBUILD)).isFalse();
        assertThat(ttl.differs(base, Reload.KEEP)).isTrue();
        assertThat(sweep.differs(base, Reload.REBUILD)).isTrue();
        assertThat(same.differs(base, Reload.REBUILD)).as("the default written out is the default").isFalse();
    }

    @Test
    void secretsAreMasked() {
        BucketDnsConfig c = ConfigLoader.parse(Path.of("t.conf"), List.of("[powerdns]", "rgw_secret_key = s3cr3t"));
        assertThat(c.settings()).filteredOn(s -> s.key().name().equals("rgw_secret_key")).singleElement()
                .satisfies(s -> assertThat(s.shown()).isEqualTo("***"))
                .satisfies(s -> assertThat(s.toString()).doesNotContain("s3cr3t"));
    }
}
