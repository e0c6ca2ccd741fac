package io.bucketdns.source.rgw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketdns.source.rgw.admin.ZonegroupMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The zonegroup-hostnames item of {@code bucketdns check}, on the map recorded from rgw-lab. */
class RgwCheckTest {
    private static ZonegroupMap map(String json) throws Exception {
        return ZonegroupMap.parse(new ObjectMapper().readTree(json));
    }

    @Test
    void everyZonegroupServingTheGlobalZoneIsOk() throws Exception {
        List<String> lines = RgwCheck.hostnameLines(map(Fixtures.text("zonegroup-map.json")), Map.of(), List.of("o.example.com"));

        assertThat(lines).containsExactly(
                "ok   zonegroup eu: hostnames [o.example.eu, o.example.com] include o.example.com; CNAME target o.example.eu",
                "ok   zonegroup us: hostnames [o.example.us, o.example.com] include o.example.com; CNAME target o.example.us");
    }

    @Test
    void aZonegroupWithoutTheGlobalZoneFailsNamingTheMissingZoneAndTheFix() throws Exception {
        String json = Fixtures.text("zonegroup-map.json").replace("\"o.example.us\",\n          \"o.example.com\"", "\"o.example.us\"");
        assertThat(json).as("fixture edited").isNotEqualTo(Fixtures.text("zonegroup-map.json"));

        List<String> lines = RgwCheck.hostnameLines(map(json), Map.of(), List.of("o.example.com", "s3.example.net"));

        assertThat(lines.get(0)).startsWith("FAIL zonegroup eu: hostnames [o.example.eu, o.example.com] lack s3.example.net,");
        assertThat(lines.get(1)).startsWith("FAIL zonegroup us: hostnames [o.example.us] lack o.example.com, s3.example.net,")
                .contains("answer Host: BUCKET.o.example.com with NoSuchBucket")
                .contains("radosgw-admin zonegroup set --rgw-zonegroup=us")
                .endsWith("then restart its radosgw");
    }

    @Test
    void aZonegroupWithoutAnyTargetFails() throws Exception {
        // only the global name, no endpoint: nothing to send the CNAME to
        String json = Fixtures.text("zonegroup-map.json").replace("\"o.example.us\",", "").replace("\"http://127.0.0.12:8000\"", "");

        List<String> lines = RgwCheck.hostnameLines(map(json), Map.of(), List.of("o.example.com"));

        assertThat(lines.get(0)).startsWith("ok   zonegroup eu:");
        assertThat(lines.get(1)).startsWith("FAIL zonegroup us has no hostname that is not a served zone, and no endpoint;");
        assertThat(RgwCheck.hostnameLines(map(json), Map.of("us", "o.example.us"), List.of("o.example.com")).get(1))
                .isEqualTo("ok   zonegroup us: hostnames [o.example.com] include o.example.com; CNAME target o.example.us");
    }
}
