package io.bucketdns.source.rgw.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.catalog.CatalogException;
import io.bucketdns.catalog.Zonegroup;
import io.bucketdns.source.rgw.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading the admin API's answers, as recorded from a real RGW. */
class AdminApiParsingTest {
    private static final ZonegroupMap MAP = ZonegroupMap.parse(Fixtures.json("zonegroup-map.json"));

    @Test
    void zonegroupTargetsSkipTheServedGlobalZone() {
        // Both zonegroups list o.example.com so that gateways accept Host: bucket.o.example.com after the CNAME.
        Map<String, Zonegroup> targets = MAP.targets(Map.of(), Set.of("o.example.com"));

        assertThat(targets).containsExactly(
                Map.entry("eu", new Zonegroup("eu", "o.example.eu")), Map.entry("us", new Zonegroup("us", "o.example.us")));
    }

    @Test
    void configuredHostnameOverridesTheMap() {
        assertThat(MAP.targets(Map.of("us", "s3.us.example.net"), Set.of("o.example.com")).get("us").hostname()).isEqualTo("s3.us.example.net");
    }

    @Test
    void zonegroupWithOnlyTheGlobalHostnameFallsBackToItsEndpointHost() throws Exception {
        String json = Fixtures.text("zonegroup-map.json").replace("\"o.example.us\",", "");
        ZonegroupMap map = ZonegroupMap.parse(new ObjectMapper().readTree(json));

        assertThat(map.targets(Map.of(), Set.of("o.example.com")).get("us").hostname()).isEqualTo("127.0.0.12");
    }

    @Test
    void zonegroupWithNoUsableHostIsAnErrorNamingTheFix() throws Exception {
        String json = Fixtures.text("zonegroup-map.json").replace("\"o.example.us\",", "").replace("\"http://127.0.0.12:8000\"", "");
        ZonegroupMap map = ZonegroupMap.parse(new ObjectMapper().readTree(json));

        assertThatThrownBy(() -> map.targets(Map.of(), Set.of("o.example.com")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("zonegroup us").hasMessageContaining("[zonegroup.us] hostname");
    }

    @Test
    void mapKnowsZonegroupIdsTheMasterAndWhoseLogAnEndpointServes() {
        assertThat(MAP.nameOf(Fixtures.EU_ID)).isEqualTo("eu");
        assertThat(MAP.nameOf(Fixtures.US_ID)).isEqualTo("us");
        assertThat(MAP.nameOf("")).as("buckets from before multisite").isEqualTo("eu");
        assertThat(MAP.nameOf("no-such-id")).isNull();
        assertThat(MAP.metadataMasterEndpoints()).containsExactly("http://127.0.0.11:8000");
        assertThat(MAP.logOwner("http://127.0.0.12:8000")).isNotEqualTo(MAP.logOwner("http://127.0.0.11:8000"));
        assertThat(MAP.logOwner("http://lb.example:8080")).isEqualTo("http://lb.example:8080");
    }

    @Test
    void bucketListingPagesUntilTruncatedIsTheStringFalse() {
        AdminApi.BucketPage p1 = AdminApi.parseBucketPage(Fixtures.json("metadata-bucket-list-page1.json"));
        AdminApi.BucketPage p2 = AdminApi.parseBucketPage(Fixtures.json("metadata-bucket-list-page2.json"));
        AdminApi.BucketPage p3 = AdminApi.parseBucketPage(Fixtures.json("metadata-bucket-list-page3.json"));

        assertThat(p1.keys()).containsExactly("eu.dotted.bucket");
        assertThat(p1.truncated()).isTrue();
        assertThat(p1.nextMarker()).startsWith("NDox");
        assertThat(p2.keys()).containsExactly("us-bucket");
        assertThat(p2.truncated()).isTrue();
        assertThat(p3.keys()).isEmpty();
        assertThat(p3.truncated()).isFalse();
        assertThat(p3.nextMarker()).isNull();
    }

    @Test
    void unpaginatedListingIsAPlainArray() {
        AdminApi.BucketPage all = AdminApi.parseBucketPage(Fixtures.json("metadata-bucket-list.json"));

        assertThat(all.keys()).containsExactly("eu.dotted.bucket", "us-bucket");
        assertThat(all.truncated()).isFalse();
    }

    @Test
    void entrypointNamesTheInstanceAndTheInstanceItsZonegroup() {
        assertThat(AdminApi.parseBucketId(Fixtures.json("bucket-entrypoint.json"))).isEqualTo("519a4ced-05e5-448a-8b76-52c768d1a241.4180.1");
        assertThat(MAP.nameOf(AdminApi.parseInstanceZonegroup(Fixtures.json("bucket-instance.json")))).isEqualTo("eu");
        assertThat(MAP.nameOf(AdminApi.parseInstanceZonegroup(Fixtures.json("bucket-instance-us.json")))).isEqualTo("us");
    }

    @Test
    void metadataLogEntriesNameTheBucketForBothSections() {
        AdminApi.MdlogPage page = AdminApi.parseMdlogPage(Fixtures.json("mdlog-shard.json"), "http://127.0.0.11:8000");

        assertThat(page.entries()).hasSize(8);
        assertThat(page.entries()).extracting(AdminApi.MdlogEntry::section)
                .containsExactly("bucket.instance", "bucket.instance", "bucket", "bucket", "bucket.instance", "bucket.instance", "bucket", "bucket");
        assertThat(page.entries()).extracting(AdminApi.MdlogEntry::bucket).containsOnly("mdlog.demo");
        assertThat(page.marker()).isEqualTo("1_1795693578.883034_61.1");
        assertThat(page.truncated()).isFalse();
        assertThat(page.endpoint()).isEqualTo("http://127.0.0.11:8000");
    }

    @Test
    void metadataLogPagesCarryABooleanTruncatedAndTheLastIdAsMarker() {
        AdminApi.MdlogPage page = AdminApi.parseMdlogPage(Fixtures.json("mdlog-shard-page1.json"), "e");
        AdminApi.MdlogPage empty = AdminApi.parseMdlogPage(Fixtures.json("mdlog-shard-empty.json"), "e");

        assertThat(page.truncated()).isTrue();
        assertThat(page.marker()).isEqualTo(page.entries().get(page.entries().size() - 1).id());
        assertThat(empty.entries()).isEmpty();
        assertThat(empty.marker()).isEmpty();
    }

    @Test
    void entriesOfOtherSectionsNameNoBucket() {
        assertThat(new AdminApi.MdlogEntry("1", "user", "s3user").bucket()).isNull();
        assertThat(new AdminApi.MdlogEntry("1", "bucket.instance", "tenant/b:id").bucket()).isEqualTo("tenant/b");
    }

    @Test
    void shardCountAndCurrentPeriod() {
        assertThat(AdminApi.parseShardCount(Fixtures.json("mdlog-info.json"))).isEqualTo(64);
        assertThat(AdminApi.parseCurrentPeriod(Fixtures.json("realm.json"))).isEqualTo("3a370535-d839-451f-8025-c205e76c22e4");
    }

    @Test
    void errorAnswersSayWhatToFix() {
        AdminHttp.Reply denied = new AdminHttp.Reply(403, "{\"Code\":\"AccessDenied\"}".getBytes(), "http://rgw:8000");
        AdminHttp.Reply missing = new AdminHttp.Reply(404, Fixtures.text("error-no-such-key.json").getBytes(), "http://rgw:8000");

        assertThatThrownBy(() -> AdminApi.check("log", denied)).hasMessageContaining("lacks the mdlog=read cap");
        assertThatThrownBy(() -> AdminApi.check("config", denied)).hasMessageContaining("lacks the zone=read cap");
        assertThatThrownBy(() -> AdminApi.check("metadata/bucket", denied)).hasMessageContaining("lacks the metadata=read cap");
        assertThatThrownBy(() -> AdminApi.check("metadata/bucket", missing)).hasMessageContaining("HTTP 404 NoSuchKey");
    }

    @Test
    void endpointsCompareAsBaseUrls() {
        assertThat(ZonegroupMap.baseUrl("127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(ZonegroupMap.baseUrl("HTTP://RGW.example:80/")).isEqualTo("http://rgw.example");
        assertThat(ZonegroupMap.baseUrl("https://rgw.example:443")).isEqualTo("https://rgw.example");
        assertThat(ZonegroupMap.baseUrl("ftp://rgw.example")).isNull();
        assertThat(List.of(ZonegroupMap.baseUrl("[::1]:8000"))).containsExactly("http://[::1]:8000");
    }
}
