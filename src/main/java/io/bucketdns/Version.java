package io.bucketdns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version recorded at build time, for {@code --version} and {@code bucketdns_build_info}. */
public final class Version {
    private Version() {}

    /** The Maven project version this build was made from, or "unknown" outside a build. */
    public static String current() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/bucketdns-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
