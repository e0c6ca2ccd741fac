package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The zonegroup map in force: its hosts and default in the catalog, read again at its interval. */
class ZonegroupMapWatcherTest extends OnFakeRgw {
    @Test
    void theMapsZonegroupsAreInForceWithTheConfiguredHostnamesAndTheMasterAsDefault() {
        assertThat(jobs.maps.map()).isNull();

        jobs.maps.refresh();

        assertThat(jobs.maps.map()).isNotNull();
        assertThat(jobs.live.current().zonegroups()).containsEntry("us", new Zonegroup("us", "s3.us.example"))
                .containsEntry("eu", new Zonegroup("eu", "o.example.eu"));
        assertThat(jobs.live.current().defaultZonegroup().name()).as("the master zonegroup").isEqualTo("eu");
    }

    @Test
    void theMapIsReadAgainAtItsInterval() {
        jobs.maps.refresh();
        jobs.maps.refreshEvery(Duration.ofMinutes(1));
        int reads = rgw.requests("config");

        jobs.clock.advance(Duration.ofMinutes(1).minusNanos(1));
        assertThat(rgw.requests("config")).isEqualTo(reads);
        jobs.clock.advance(Duration.ofNanos(1));
        assertThat(rgw.requests("config")).isEqualTo(reads + 1);
        jobs.clock.advance(Duration.ofMinutes(2));
        assertThat(rgw.requests("config")).isEqualTo(reads + 3);
    }

    @Test
    void whileRgwIsDownTheMapInForceStays() {
        jobs.maps.refresh();
        ZonegroupMap before = jobs.maps.map();
        rgw.realm().fail("config");

        jobs.maps.refreshQuietly();

        assertThat(jobs.maps.map()).isSameAs(before);
        assertThat(jobs.live.current().zonegroups()).containsKeys("eu", "us");
    }

    @Test
    void aDefaultThatIsNoZonegroupOfTheRealmNamesTheChoices() {
        rewire(Jobs.PACE, "mars");

        assertThatThrownBy(jobs.maps::refresh).isInstanceOf(CatalogException.class)
                .hasMessage("[catalog] default_zonegroup = mars is not a zonegroup of the RGW realm; fix: name one of eu, us,"
                        + " or leave it empty for the master zonegroup");
        assertThat(jobs.maps.map()).isNull();
    }

    @Test
    void withNoConfiguredGatewayInTheMasterZoneTheLogIsReadFromAllOfThem() {
        jobs.maps.refresh();

        assertThat(jobs.maps.logOps()).as("the client itself, not one pinned to a zone").isSameAs(jobs.api);
    }
}
