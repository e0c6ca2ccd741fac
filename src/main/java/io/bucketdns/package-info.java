/**
 * The composition root: {@code Main} (the command line), {@code Service} (one running instance: the
 * catalog, its source, the rules and every component the config switches on) and {@code
 * LiveAuthority} (the rules over the catalog in force, which a reload swaps in one step).
 *
 * <p>Threads: none of its own; {@code Service.reload} runs on the caller (SIGHUP handler, {@code POST
 * /reload}) under one lock. Nothing below imports this package.
 */
package io.bucketdns;
