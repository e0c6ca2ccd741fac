package io.bucketdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The environment of a host without Java, for processes the tests start on this one (which has
 * JDKs): no JAVA_HOME, and a PATH of one directory that links every command of the system's PATH
 * except those that lead into /usr/lib/jvm ({@code java}, {@code keytool}, ...).
 */
final class WithoutJava {
    private static final List<String> SYSTEM_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private WithoutJava() {}

    /** The environment; its PATH directory is made under {@code scratch}. */
    static Map<String, String> environment(Path scratch) throws IOException {
        Path bin = Files.createDirectories(scratch.resolve("path-without-java"));
        for (String dir : SYSTEM_PATH) {
            if (!Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> commands = Files.list(Path.of(dir))) {
                for (Path command : commands.toList()) {
                    Path link = bin.resolve(command.getFileName().toString());
                    if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.isExecutable(command)
                            || command.toRealPath().startsWith("/usr/lib/jvm")) {
                        continue;
                    }
                    Files.createSymbolicLink(link, command);
                }
            }
        }
        return Map.of("PATH", bin.toString(), "LANG", "C.UTF-8", "HOME", "/root");
    }
}
