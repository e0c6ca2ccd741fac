package io.bucketdns.catalog;

/**
 * A consumer of the catalog's changes beside DNS answering: the HAProxy map feed, metrics, tests.
 *
 * <p>Called on the writer's thread, once per applied step, in the order the steps were applied,
 * after {@link CatalogChange#after()} is in force. It must return quickly and never block (hand
 * slow work, such as talking to another process, to a thread of its own): the writer applies
 * nothing else while a listener runs. An exception is logged and does not stop the writer.
 */
@FunctionalInterface
public interface CatalogListener {
    void onChange(CatalogChange change);
}
