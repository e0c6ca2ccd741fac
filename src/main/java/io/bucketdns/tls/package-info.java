/**
 * Which certificates https RGW endpoints may present ({@code [powerdns] rgw_ca_file}, {@code
 * rgw_tls_verify}), and PEM reading.
 */
package io.bucketdns.tls;
