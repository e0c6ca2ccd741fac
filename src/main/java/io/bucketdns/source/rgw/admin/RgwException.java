package io.bucketdns.source.rgw.admin;


/**
 * An Admin Ops request that did not get a usable answer: every endpoint unreachable, or an error
 * status. The message names the request and, where it can, what to do about it; it never contains
 * a secret.
 */
public final class RgwException extends RuntimeException {
    private final int status;
    private final String code;

    public RgwException(String message, int status, String code, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status RGW answered with; 0 when no endpoint answered at all. */
    public int status() {
        return status;
    }

    /** RGW's error code ({@code AccessDenied}, {@code NoSuchKey}, ...); empty when there is none. */
    public String code() {
        return code;
    }

    /** True when no endpoint gave any answer (as opposed to an answer that is an error). */
    public boolean unreachable() {
        return status == 0;
    }
}
