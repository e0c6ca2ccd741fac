package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.source.rgw.admin.AdminApi;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataLogFollowerTest {
    /**
     * Where a real RGW (Ceph 16.2.15, 64 shards) wrote bucket changes: {@code mdlog.demo} is the
     * recorded fixture mdlog-shard.json (shard 47); the others were seen on scripts/rgw-lab.
     */
    @Test
    void shardOfIsTheShardRgwWritesABucketsChangesTo() {
        assertThat(AdminApi.parseMdlogPage(Fixtures.json("mdlog-shard.json"), "x").entries())
                .extracting(AdminApi.MdlogEntry::bucket).containsOnly("mdlog.demo");
        assertThat(MetadataLogFollower.shardOf("mdlog.demo", 64)).isEqualTo(47);
        assertThat(Map.of("bar", MetadataLogFollower.shardOf("bar", 64), "tmp.lab", MetadataLogFollower.shardOf("tmp.lab", 64),
                "tmp.lab.eu", MetadataLogFollower.shardOf("tmp.lab.eu", 64)))
                .isEqualTo(Map.of("bar", 6, "tmp.lab", 37, "tmp.lab.eu", 8));
    }

    @Test
    void aPositionSurvivesItsTextForm() {
        MetadataLogFollower.Position p = new MetadataLogFollower.Position("period-1", List.of("", "1_0002.1", ""), "zone-1");
        assertThat(MetadataLogFollower.Position.decode(p.encode())).isEqualTo(p);
        assertThat(MetadataLogFollower.Position.decode("garbage")).isNull();
        assertThat(MetadataLogFollower.Position.decode(null)).isNull();
    }

    @Test
    void readingSomeShardsMovesOnlyThem() {
        MemoryRgw rgw = new MemoryRgw();
        ZonegroupMap map = rgw.zonegroupMap();
        MetadataLogFollower follower = new MetadataLogFollower(4);
        MetadataLogFollower.Position start = follower.capture(rgw, map);
        rgw.create("mdlog.demo", Fixtures.EU_ID); // shard 47
        rgw.create("bar", Fixtures.US_ID); // shard 6

        MetadataLogFollower.Round round = follower.read(rgw, map, start, List.of(47, 5));

        assertThat(round.buckets()).containsExactly("mdlog.demo");
        assertThat(round.active()).isEqualTo(Set.of(47));
        assertThat(round.next().markers().get(47)).isNotEmpty();
        assertThat(round.next().markers().get(6)).isEmpty();
        assertThat(follower.read(rgw, map, round.next(), List.of(47)).buckets()).isEmpty();
    }
}
