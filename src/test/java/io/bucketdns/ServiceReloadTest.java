package io.bucketdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload protocol every component goes through: prepared all, then committed all, or aborted
 * all with the running config left serving.
 */
class ServiceReloadTest {
    @TempDir
    Path dir;
    Path conf;
    final List<String> events = new CopyOnWriteArrayList<>();

    /** A component that records its life; its settings are one value of the config. */
    final class Probe implements Setup<Probe.Part, Object> {
        final String name;
        final Function<BucketDnsConfig, Object> settings;
        volatile boolean failing;

        record Part(String name, Object settings) implements AutoCloseable {
            @Override
            public void close() {}
        }

        Probe(String name, Function<BucketDnsConfig, Object> settings) {
            this.name = name;
            this.settings = settings;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Object settings(BucketDnsConfig config) {
            return settings.apply(config);
        }

        @Override
        public Part start(BucketDnsConfig config, Context context) throws IOException {
            if (failing) {
                throw new IOException("address in use");
            }
            events.add("start " + name + " " + settings(config));
            return new Part(name, settings(config));
        }

        @Override
        public String started(Part running, Object settings) {
            return name + " started";
        }

        @Override
        public void update(Part running, BucketDnsConfig config) {
            events.add("update " + name + " " + running.settings());
        }

        @Override
        public void stop(Part running, Context context) {
            events.add("stop " + name + " " + running.settings());
        }
    }

    final Probe sample = new Probe("sample", c -> c.ops().queryLogEvery() == 0 ? null : c.ops().queryLogEvery());
    final Probe format = new Probe("format", c -> c.ops().jsonLogs());

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("buckets.txt"), "foo eu\n");
        conf = dir.resolve("rgw-pdns.conf");
        write("query_log_sample = 0", "log_format = text");
    }

    private void write(String... ops) throws IOException {
        Files.writeString(conf, String.join("\n", "[powerdns]", "listen_addr =", "dns_zone = o.example.com",
                "[catalog]", "source = file", "file = buckets.txt", "[zonegroup.eu]", "hostname = o.example.eu", "[ops]", "listen =",
                String.join("\n", ops)) + "\n");
    }

    private Service start() {
        return Service.start(ConfigLoader.load(conf), List.<Setup<?, ?>>of(sample, format));
    }

    @Test
    void startsWhatTheConfigSwitchesOnAndStopsInReverse() {
        try (Service s = start()) {
            assertThat(events).containsExactly("start format false");
        }
        assertThat(events).containsExactly("start format false", "stop format false");
    }

    @Test
    void aReloadRestartsOnlyWhatChangedAndUpdatesTheRest() throws IOException {
        try (Service s = start()) {
            write("query_log_sample = 10", "log_format = json");
            String summary = s.reload();
            assertThat(summary).contains("sample 10", "format true");
            assertThat(events).containsExactly("start format false",
                    "start sample 10", "start format true", "stop format false", "update sample 10", "update format true");
            events.clear();

            write("query_log_sample = 10", "log_format = json");
            assertThat(s.reload()).endsWith("listeners unchanged");
            assertThat(events).containsExactly("update sample 10", "update format true");
            events.clear();

            write("query_log_sample = 0", "log_format = json");
            s.reload();
            assertThat(events).containsExactly("stop sample 10", "update format true");
        }
    }

    @Test
    void oneComponentThatCannotStartLeavesEverythingAsItWas() throws IOException {
        try (Service s = start()) {
            format.failing = true;
            write("query_log_sample = 10", "log_format = json");
            assertThatThrownBy(s::reload).isInstanceOf(UncheckedIOException.class)
                    .hasMessage("cannot listen for format on true: address in use");
            // sample's new instance was prepared, then aborted; format's old one never stopped
            assertThat(events).containsExactly("start format false", "start sample 10", "stop sample 10");
            assertThat(s.config().ops().queryLogEvery()).isZero();
            assertThat(s.component(Probe.Part.class)).isEqualTo(new Probe.Part("format", false));
        }
    }
}
