package io.bucketdns.answer;

/**
 * The S3 rules for a bucket name that can appear as a DNS label sequence (virtual-host style).
 *
 * <p>A name that fails these rules can never be a bucket reachable through the global name, so
 * the resolver answers NXDOMAIN for it without consulting the catalog: no look-up, no RGW call.
 * The rules are AWS's for new buckets, which RGW enforces with {@code rgw_relaxed_s3_bucket_names
 * = false}: 3 to 63 characters of lowercase letters, digits, dots and hyphens, a letter or digit at
 * each end, no empty label, no IPv4 address, and a hyphen next to a dot is allowed.
 */
public final class BucketName {
    private BucketName() {}

    /** True when {@code name} (already lowercase) is a valid DNS-compatible S3 bucket name. */
    public static boolean isValid(CharSequence name) {
        int n = name.length();
        if (n < 3 || n > 63) {
            return false;
        }
        if (!isAlnum(name.charAt(0)) || !isAlnum(name.charAt(n - 1))) {
            return false;
        }
        boolean allDigitsAndDots = true;
        int dots = 0;
        char previous = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (previous == '.') {
                    return false;
                }
                dots++;
            } else if (c >= '0' && c <= '9') {
                // still possibly an IPv4 address
            } else if ((c >= 'a' && c <= 'z') || c == '-') {
                allDigitsAndDots = false;
            } else {
                return false;
            }
            previous = c;
        }
        // "192.168.5.4" is an address, not a bucket; S3 refuses it at creation.
        return !(allDigitsAndDots && dots == 3);
    }

    /**
     * True when some valid bucket name could end in {@code "." + name} (lowercase): then a bucket
     * created later could lie below it, and a denial of the name is only a guess.
     */
    public static boolean couldHaveBucketsBelow(CharSequence name) {
        int n = name.length();
        if (n == 0 || n > 61 || !isAlnum(name.charAt(n - 1))) {
            return false;
        }
        char previous = '.';
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean ok = c == '.' ? previous != '.' : isAlnum(c) || c == '-';
            if (!ok) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
