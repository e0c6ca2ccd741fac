package io.bucketdns.catalog;

/** A catalog could not be loaded; the message says where and why, in words an operator can act on. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
