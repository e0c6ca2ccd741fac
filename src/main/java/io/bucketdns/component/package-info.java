/**
 * What every frontend, feed and catalog source implements so that {@code Service} treats them
 * alike: {@code Setup} (start from the config and a {@code Context}, take a reload, stop) and
 * {@code SourceSetup}. A new frontend is a {@code Setup} in its own package plus one line in {@code
 * Service.SETUPS}. No threads, no I/O.
 */
package io.bucketdns.component;
