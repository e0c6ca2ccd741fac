package io.bucketdns.frontend.pdns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A remote-backend call in PowerDNS's JSON encoding, {@code {"method":"lookup","parameters":{...}}},
 * as the unix and pipe connectors send it on each line and {@code post_json=1} sends it over HTTP.
 *
 * @param method the method name; null when the JSON has none (HTTP names it in the path)
 * @param parameters the parameters object; empty when absent
 */
record RemoteCall(String method, ObjectNode parameters) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Decodes one call.
     *
     * @throws IllegalArgumentException saying what is wrong with the text, fit for the reply's log
     */
    static RemoteCall parse(byte[] json, int offset, int length) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json, offset, length);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode method = node.get("method");
        JsonNode parameters = node.get("parameters");
        return new RemoteCall(method == null ? null : method.asText(),
                parameters instanceof ObjectNode o ? o : MAPPER.createObjectNode());
    }
}
