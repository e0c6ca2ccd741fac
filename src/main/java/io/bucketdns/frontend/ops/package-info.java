/**
 * The operators' side: Prometheus metrics, the {@code [ops] listen} endpoints ({@code /metrics},
 * {@code /healthz}, {@code /readyz}, {@code POST /reload}), the query log and the log format
 * ({@code [ops]}).
 */
package io.bucketdns.frontend.ops;
