package io.bucketdns.frontend.dns;

import io.bucketdns.answer.Answer;
import io.bucketdns.answer.Authority;
import io.bucketdns.answer.QueryObserver;
import io.bucketdns.answer.Zone;
import io.bucketdns.catalog.Catalog;
import io.bucketdns.catalog.Zonegroup;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link Fixture}'s zone and catalog, for test authorities that change how some answers come. */
abstract class FixtureAuthority implements Authority {
    final Authority real = Fixture.authority(List.of());

    @Override
    public Answer resolve(String qname, int qtype) {
        return real.resolve(qname, qtype);
    }

    @Override
    public Answer resolve(String qname, int qtype, Supplier<Consumer<Answer>> later) {
        return resolve(qname, qtype);
    }

    @Override
    public CompletionStage<Zonegroup> locate(String bucket) {
        return real.locate(bucket);
    }

    @Override
    public List<Zone> zones() {
        return real.zones();
    }

    @Override
    public Catalog catalog() {
        return real.catalog();
    }

    @Override
    public QueryObserver observer() {
        return QueryObserver.NONE;
    }
}
