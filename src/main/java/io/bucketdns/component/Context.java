package io.bucketdns.component;

import io.bucketdns.catalog.CatalogListener;
import io.bucketdns.catalog.LiveCatalog;
import io.bucketdns.catalog.Readiness;
import io.bucketdns.answer.Authority;
import org.slf4j.LoggerFactory;

/**
 * What a running bucketdns gives its components: the answers, the catalog, the operators' hooks.
 * Every method reads what is in force when called, so a component started before a reload sees
 * the catalog and rules that reload put in.
 */
public interface Context {
    /** What DNS and PowerDNS frontends answer from. */
    Authority authority();

    /** The catalog in force. */
    LiveCatalog catalog();

    /** Tells {@code listener} about every catalog change from now on, across reloads that rebuild the catalog. */
    void addCatalogListener(CatalogListener listener);

    /** Stops telling {@code listener}. */
    void removeCatalogListener(CatalogListener listener);

    /** This instance's metrics, in Prometheus text format. */
    byte[] metrics();

    /** Whether this instance should get traffic, and why. */
    Readiness.Verdict readiness();

    /**
     * Re-reads the config file and applies it.
     *
     * @return what changed, one line
     * @throws RuntimeException with a one-line reason when the new config is refused
     */
    String reload();

    /** Counts one request to RGW's admin API, for {@code bucketdns_rgw_request_duration_seconds}. */
    void rgwCall(String endpoint, String result, long nanos);

    /** Closes {@code c}, logging instead of throwing: stopping one part must not keep the others running. */
    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(Context.class).warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
