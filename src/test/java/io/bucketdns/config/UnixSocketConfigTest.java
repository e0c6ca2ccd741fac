package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketConfigTest {
    @TempDir
    Path dir;

    @Test
    void isOffUnlessSet() {
        assertThat(parse("").unixSocket()).isNull();
        assertThat(parse("unix_socket =").unixSocket()).isNull();
    }

    @Test
    void isRelativeToTheConfigFile() {
        assertThat(parse("unix_socket = pdns.sock").unixSocket()).isEqualTo(dir.resolve("pdns.sock"));
        assertThat(parse("unix_socket = " + dir.resolve("a.sock")).unixSocket()).isEqualTo(dir.resolve("a.sock"));
    }

    @Test
    void namesTheLineAndTheFixWhenTheDirectoryIsMissing() {
        assertThatThrownBy(() -> parse("unix_socket = nowhere/pdns.sock"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("rgw-pdns.conf") + ":3: [powerdns] unix_socket: directory " + dir.resolve("nowhere")
                        + " does not exist; fix: create it, or fix the path (relative to the config file)");
    }

    @Test
    void refusesAPathTooLongForASocketAddress() {
        assertThatThrownBy(() -> parse("unix_socket = " + "x".repeat(110) + ".sock"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a unix socket path has at most 107");
    }

    private BucketDnsConfig parse(String line) {
        return ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of("[powerdns]", "dns_zone = o.example.com", line));
    }
}
