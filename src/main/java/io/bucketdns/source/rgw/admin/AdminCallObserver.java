package io.bucketdns.source.rgw.admin;


/** Told about every Admin Ops request, for latency and error metrics per RGW endpoint. */
public interface AdminCallObserver {
    /** Observes nothing. */
    AdminCallObserver NONE = (endpoint, result, nanos) -> { };

    /**
     * @param endpoint the base URL asked
     * @param result the status class ("2xx", "4xx", "5xx"), or "timeout" or "error" when no reply came
     * @param nanos how long the request took
     */
    void called(String endpoint, String result, long nanos);
}
