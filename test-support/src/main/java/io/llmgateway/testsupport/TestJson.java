package io.llmgateway.testsupport;

import io.llmgateway.core.json.GatewayJson;
import tools.jackson.databind.json.JsonMapper;

/**
 * A mapper with the gateway's wire settings for tests to read and write JSON with. Production code is given the
 * application's mapper; a test has no application to ask, so it shares this one.
 */
public final class TestJson {

    private static final JsonMapper MAPPER = GatewayJson.newMapper();

    private TestJson() {}

    /** The tests' shared mapper ({@link GatewayJson#newMapper()}'s settings). */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
