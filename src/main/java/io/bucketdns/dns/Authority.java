package io.bucketdns.dns;

import io.bucketdns.catalog.Catalog;
import java.util.List;

/**
 * What every frontend answers from: the zones, the rules and the catalog in force right now, and
 * who is told about each answer. The running service swaps all of it at once on a config reload,
 * so a frontend keeps its socket and answers the next question by the new rules.
 */
public interface Authority {
    /**
     * Answers one question from the catalog in force. A miss (an unknown bucket) is reported to the
     * catalog source, which may look it up so the next question finds it.
     */
    Answer resolve(String qname, int qtype);

    /** The served zones in configured order (PowerDNS zone ids are positions plus one). */
    List<Zone> zones();

    /** The catalog snapshot in force. */
    Catalog catalog();

    /** Told about every answer a frontend sends. */
    QueryObserver observer();
}
