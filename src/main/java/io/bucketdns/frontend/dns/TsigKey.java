package io.bucketdns.frontend.dns;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A TSIG key (RFC 8945) that may sign zone transfers, as {@code [xfr] tsig} gives it:
 * {@code name:algorithm:base64-secret}, the way {@code dig -y} and {@code kdig -y} take it
 * (algorithm first there). The secret is kept as given and never printed.
 *
 * @param name the key's name, lowercase, without trailing dot
 * @param algorithm one of {@link #ALGORITHMS}
 * @param secret the secret, base64
 */
public record TsigKey(String name, String algorithm, String secret) {
    /** The secret's bytes. */
    public byte[] secretBytes() {
        return Base64.getDecoder().decode(secret);
    }

    /** The HMAC algorithms accepted: SHA-2 only (RFC 8945 makes HMAC-SHA256 the one to implement; MD5 and SHA-1 are deprecated). */
    public static final List<String> ALGORITHMS = List.of("hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

    /**
     * Reads {@code name:algorithm:secret}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static TsigKey parse(String text) {
        String[] f = text.trim().split(":");
        if (f.length != 3 || f[0].isEmpty()) {
            // the text itself is not repeated: it may hold the secret
            throw new IllegalArgumentException("a key is name:algorithm:secret, 3 fields; found " + f.length);
        }
        String algorithm = f[1].toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("algorithm '" + f[1] + "' is not one of " + String.join(", ", ALGORITHMS));
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(f[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret of key '" + f[0] + "' is not base64");
        }
        if (secret.length < 16) {
            throw new IllegalArgumentException("the secret of key '" + f[0] + "' has " + secret.length + " bytes; give 16 or more"
                    + " (openssl rand -base64 32)");
        }
        String name = f[0].toLowerCase(Locale.ROOT);
        return new TsigKey(name.endsWith(".") ? name.substring(0, name.length() - 1) : name, algorithm, f[2]);
    }

    @Override
    public String toString() {
        return name + ":" + algorithm + ":***";
    }
}
