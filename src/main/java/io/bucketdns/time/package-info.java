/**
 * Time a test can move: {@code Scheduler} is the clock and the thread a background job owns (in
 * production {@code ThreadScheduler}, one named daemon thread and the system clock), so the
 * follower, the snapshot keeper, the miss look-ups and the file source have exact unit tests.
 */
package io.bucketdns.time;
