package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        assertThat(parse("unix_socket = pdns.sock").unixSocket().path()).isEqualTo(dir.resolve("pdns.sock"));
        assertThat(parse("unix_socket = " + dir.resolve("a.sock")).unixSocket().path()).isEqualTo(dir.resolve("a.sock"));
    }

    @Test
    void modeIs0660UnlessSetAndGroupIsTheProcesssOwn() {
        BucketDnsConfig.UnixSocket s = parse("unix_socket = pdns.sock").unixSocket();
        assertThat(PosixFilePermissions.toString(s.mode())).isEqualTo("rw-rw----");
        assertThat(s.group()).isNull();
        BucketDnsConfig.UnixSocket open = ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of("[powerdns]", "dns_zone = o.example.com",
                "unix_socket = pdns.sock", "unix_socket_mode = 0600", "unix_socket_group = 0")).unixSocket();
        assertThat(PosixFilePermissions.toString(open.mode())).isEqualTo("rw-------");
        assertThat(open.group()).isEqualTo("0");
    }

    @Test
    void aBadModeOrGroupNamesTheLineAndTheFix() {
        assertThatThrownBy(() -> ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of("[powerdns]", "dns_zone = o.example.com",
                "unix_socket = pdns.sock", "unix_socket_mode = rw-rw----")))
                .hasMessage(dir.resolve("rgw-pdns.conf") + ":4: [powerdns] unix_socket_mode: 'rw-rw----' is not an octal mode; "
                        + "fix: write it as chmod does, e.g. 0660");
        assertThatThrownBy(() -> ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of("[powerdns]", "dns_zone = o.example.com",
                "unix_socket = pdns.sock", "unix_socket_mode = 0777")))
                .hasMessageContaining("has execute bits");
        assertThatThrownBy(() -> ConfigLoader.parse(dir.resolve("rgw-pdns.conf"), List.of("[powerdns]", "dns_zone = o.example.com",
                "unix_socket = pdns.sock", "unix_socket_group = no-such-group-here")))
                .hasMessage(dir.resolve("rgw-pdns.conf") + ":4: [powerdns] unix_socket_group: no group 'no-such-group-here' on this machine; "
                        + "fix: name the group PowerDNS runs as, e.g. pdns");
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
