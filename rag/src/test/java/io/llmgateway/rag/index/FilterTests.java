package io.llmgateway.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.json.GatewayJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FilterTests {

    private static final JsonMapper JSON = GatewayJson.newMapper();

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void parsesComparisonsAndCompounds() {
        Filter filter = Filter.parse(json("""
                {"type": "and", "filters": [
                  {"type": "eq", "key": "team", "value": "finance"},
                  {"type": "or", "filters": [
                    {"type": "gte", "key": "year", "value": 2024},
                    {"type": "eq", "key": "pinned", "value": true},
                    {"type": "in", "key": "region", "value": ["eu", "us", 7]}
                  ]}
                ]}"""));

        assertThat(filter)
                .isEqualTo(new Filter.Compound(
                        Filter.CompoundType.AND,
                        List.of(
                                new Filter.Comparison(Filter.ComparisonType.EQ, "team", "finance"),
                                new Filter.Compound(
                                        Filter.CompoundType.OR,
                                        List.of(
                                                new Filter.Comparison(Filter.ComparisonType.GTE, "year", 2024.0),
                                                new Filter.Comparison(Filter.ComparisonType.EQ, "pinned", true),
                                                new Filter.Comparison(
                                                        Filter.ComparisonType.IN,
                                                        "region",
                                                        List.of("eu", "us", 7.0)))))));
    }

    @Test
    void matchesFollowsTheDocumentedSemantics() {
        Map<String, Object> doc = Map.of("team", "finance", "year", 2024, "pinned", true, "date", "2026-03-01");

        assertThat(Filter.eq("team", "finance").matches(doc)).isTrue();
        assertThat(Filter.eq("year", 2024.0).matches(doc)).isTrue();
        assertThat(Filter.eq("year", "2024").matches(doc)).isFalse(); // a string is not a number
        assertThat(new Filter.Comparison(Filter.ComparisonType.NE, "missing", "x").matches(doc))
                .isTrue();
        assertThat(new Filter.Comparison(Filter.ComparisonType.GT, "year", 2023).matches(doc))
                .isTrue();
        assertThat(new Filter.Comparison(Filter.ComparisonType.GT, "year", 2024).matches(doc))
                .isFalse();
        assertThat(new Filter.Comparison(Filter.ComparisonType.LTE, "date", "2026-03-01").matches(doc))
                .isTrue();
        assertThat(new Filter.Comparison(Filter.ComparisonType.LT, "missing", 5).matches(doc))
                .isFalse();
        assertThat(new Filter.Comparison(Filter.ComparisonType.NIN, "team", List.of("legal", "hr")).matches(doc))
                .isTrue();
        assertThat(Filter.or(Filter.eq("team", "legal"), Filter.eq("pinned", true))
                        .matches(doc))
                .isTrue();
        assertThat(Filter.and(Filter.eq("team", "legal"), Filter.eq("pinned", true))
                        .matches(doc))
                .isFalse();
    }

    @Test
    void errorsNameTheOffendingPath() {
        assertThatThrownBy(() -> Filter.parse(json("""
                {"type": "and", "filters": [{"type": "eq", "key": "a", "value": 1}, {"type": "xor"}]}""")))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("filters.filters[1].type: unknown filter type 'xor'; use eq, ne, gt, gte, lt, lte, in,"
                        + " nin, and or or")
                .satisfies(e -> assertThat(((InvalidFilterException) e).path()).isEqualTo("filters.filters[1].type"));

        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"eq\", \"value\": 1}")))
                .hasMessage("filters.key: must be a non-empty string");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"eq\", \"key\": \"a\"}")))
                .hasMessage("filters.value: is required: a string, a number or a boolean");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"gt\", \"key\": \"a\", \"value\": true}")))
                .hasMessage("filters.value: 'gt' compares numbers or strings, not booleans");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"eq\", \"key\": \"a\", \"value\": {\"x\": 1}}")))
                .hasMessage("filters.value: must be a string, a number or a boolean");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"in\", \"key\": \"a\", \"value\": [1, null]}")))
                .hasMessage("filters.value[1]: must be a string or a number");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": \"or\", \"filters\": []}")))
                .hasMessage("filters.filters: must be a non-empty list of filters");
        assertThatThrownBy(() -> Filter.parse(json("[1]"), "rag_params.filters"))
                .hasMessage("rag_params.filters: must be a filter object");
        assertThatThrownBy(() -> Filter.parse(json("{\"type\": 3}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filters.type: must be a string");
    }

    @Test
    void hostileFiltersStaySmall() {
        String deep = "{\"type\": \"and\", \"filters\": [".repeat(12)
                + "{\"type\": \"eq\", \"key\": \"a\", \"value\": 1}" + "]}".repeat(12);
        assertThatThrownBy(() -> Filter.parse(json(deep))).hasMessageContaining("nest at most 10 deep");

        StringBuilder wide = new StringBuilder("{\"type\": \"or\", \"filters\": [");
        for (int i = 0; i < 300; i++) {
            wide.append(i == 0 ? "" : ",")
                    .append("{\"type\": \"eq\", \"key\": \"a\", \"value\": ")
                    .append(i)
                    .append('}');
        }
        assertThatThrownBy(() -> Filter.parse(json(wide + "]}"))).hasMessageContaining("at most 256 conditions");
    }
}
