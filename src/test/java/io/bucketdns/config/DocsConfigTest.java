package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code ini} block of the README and the docs loads, as a newcomer who copies it would
 * load it. The files and directories a block names are made in a scratch directory first (a
 * snippet's {@code /etc/haproxy/buckets.map} needs its directory, not this machine's).
 */
class DocsConfigTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```ini\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=[=,]\\s{0,8})/[\\w./-]+");
    private static final Pattern FILE = Pattern.compile("(?m)^file\\s*=\\s*(\\S+)");
    private static final Pattern CA_FILE = Pattern.compile("(?m)^rgw_ca_file\\s*=\\s*(\\S+)");

    @TempDir
    Path root;

    record Block(Path doc, int line, String text) {
        @Override
        public String toString() {
            return doc + ":" + line;
        }
    }

    static Stream<Block> blocks() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Stream.concat(Files.walk(Path.of("docs")), Files.walk(Path.of("examples")))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Block> out = new ArrayList<>();
        for (Path doc : docs) {
            String text = Files.readString(doc);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                out.add(new Block(doc, text.substring(0, m.start()).split("\n", -1).length + 1, m.group(1)));
            }
        }
        assertThat(out).as("ini blocks in README and docs").hasSizeGreaterThan(2);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void loads(Block block) throws Exception {
        String text = ABSOLUTE.matcher(block.text()).replaceAll(m -> Matcher.quoteReplacement(root + m.group()));
        Matcher paths = ABSOLUTE.matcher(block.text());
        while (paths.find()) {
            Files.createDirectories(root.resolve(paths.group().substring(1)).getParent());
        }
        Matcher files = FILE.matcher(text);
        while (files.find()) {
            Path f = root.resolve(files.group(1));
            Files.createDirectories(f.getParent());
            Files.writeString(f, "");
        }
        Matcher ca = CA_FILE.matcher(text);
        while (ca.find()) {
            Files.copy(new TestPki(Files.createDirectories(root.resolve("pki"))).ca("docs"), root.resolve(ca.group(1)));
        }
        ConfigLoader.parse(root.resolve("rgw-pdns.conf"), text.lines().toList());
    }
}
