package io.bucketdns.answer;

/**
 * Whether a presentation-format name can exist in the DNS at all: at most 255 octets on the wire,
 * labels of 1 to 63 octets, ASCII only (IDNs travel as punycode). Frontends that receive names as
 * text use it to tell the sender exactly what is wrong, instead of an unexplained empty answer.
 */
public final class NameSyntax {
    private NameSyntax() {}

    /** Null when {@code name} (trailing dot optional) is a possible DNS name, else what is wrong. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.equals(".")) {
            return null;
        }
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        // wire length: one length octet per label plus the label octets, plus the root octet
        if (end + 2 > 255) {
            return "name of " + (end + 2) + " octets on the wire (at most 255)";
        }
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0) {
                    return "empty label at position " + labelStart;
                }
                if (len > 63) {
                    return "label of " + len + " octets (at most 63)";
                }
                labelStart = i + 1;
            } else if (name.charAt(i) > 0x7E || name.charAt(i) < 0x21) {
                return "character U+" + String.format("%04X", (int) name.charAt(i)) + " at position " + i
                        + " (names are ASCII; use punycode for IDNs)";
            }
        }
        return null;
    }
}
