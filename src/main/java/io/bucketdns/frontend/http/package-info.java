/**
 * The HTTP server under PowerDNS's http connector and the ops endpoints, with the limits that keep
 * slow or malformed clients from hurting the others.
 */
package io.bucketdns.frontend.http;
