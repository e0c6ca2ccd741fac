/**
 * The commands ({@code serve}, {@code demo}, {@code lookup}, {@code check}, {@code config}, {@code
 * reload}, {@code pipe}): picocli front ends over {@code Service}, with the exit codes users script
 * against (0 ok, 2 a bad config or argument, 1 anything else).
 */
package io.bucketdns.cli;
