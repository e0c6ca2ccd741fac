package io.bucketdns.answer;

/** The response codes the resolver decides between; the wire server adds FORMERR and NOTIMP. */
public enum Rcode {
    NOERROR(0),
    NXDOMAIN(3),
    REFUSED(5);

    private final int code;

    Rcode(int code) {
        this.code = code;
    }

    /** The numeric code carried in a DNS header. */
    public int code() {
        return code;
    }
}
