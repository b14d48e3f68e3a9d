package io.llmgateway.app.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.auth.Caller;
import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.testsupport.TestJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code rag_params}: its parsing and where the passages go, without a server. */
class ChatRetrievalTests {

    private static final Caller CALLER =
            new Caller("key", KeyKind.SERVICE, "alice", new ProjectRecord("p", "P", null, false));

    private final ChatRetrieval retrieval = new ChatRetrieval(
            null, new RetrievalAccess("all-minilm-l6-v2"), TestJson.mapper(), RetrievalProperties.DEFAULT_TEMPLATE);

    private ChatRetrieval.Query parse(String json) {
        return retrieval.parse(TestJson.mapper().readTree(json), CALLER);
    }

    @Test
    void absentOrNullMeansNoRetrieval() {
        assertThat(retrieval.parse(null, CALLER)).isNull();
        assertThat(parse("null")).isNull();
    }

    @Test
    void aProjectThatMayNotUseTheEmbeddingModelMayNotRetrieve() {
        Caller restricted =
                new Caller("key", KeyKind.SERVICE, "alice", new ProjectRecord("p", "P", List.of("mock-echo"), false));
        assertThatThrownBy(() ->
                        retrieval.parse(TestJson.mapper().readTree("{\"vector_store_ids\":[\"vs_a\"]}"), restricted))
                .isInstanceOfSatisfying(AccessException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.param()).isEqualTo("rag_params");
                    assertThat(e.code()).isEqualTo("model_not_allowed");
                });
    }

    @Test
    void defaultsAndFilters() {
        ChatRetrieval.Query query = parse("{\"vector_store_ids\":[\"vs_a\",\"vs_b\",\"vs_a\"]}");
        assertThat(query.vectorStoreIds()).containsExactly("vs_a", "vs_b");
        assertThat(query.maxNumResults()).isEqualTo(4);
        assertThat(query.scoreThreshold()).isZero();
        assertThat(query.filter()).isNull();
        assertThat(query.includeSources()).isFalse();

        ChatRetrieval.Query full = parse("""
                {"vector_store_ids":["vs_a"],"max_num_results":7,"score_threshold":0.25,"include_sources":true,
                 "filters":{"type":"and","filters":[{"type":"eq","key":"team","value":"finance"},
                                                    {"type":"in","key":"year","value":[2023,2024]}]}}""");
        assertThat(full.maxNumResults()).isEqualTo(7);
        assertThat(full.scoreThreshold()).isEqualTo(0.25);
        assertThat(full.includeSources()).isTrue();
        assertThat(full.filter()).isInstanceOf(Filter.Compound.class);
        assertThat(full.filter().matches(Map.of("team", "finance", "year", 2024)))
                .isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"vector_store_ids\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]} | rag_params.vector_store_ids",
                "{\"max_num_results\":3} | rag_params.vector_store_ids",
                "{\"vector_store_ids\":[\"vs\"],\"max_num_results\":0} | rag_params.max_num_results",
                "{\"vector_store_ids\":[\"vs\"],\"score_threshold\":-0.1} | rag_params.score_threshold",
                "{\"vector_store_ids\":[\"vs\"],\"include_sources\":\"yes\"} | rag_params.include_sources",
                "{\"vector_store_ids\":[\"vs\"],\"filters\":{\"type\":\"like\",\"key\":\"k\",\"value\":1}} | rag_params.filters.type",
                "{\"vector_store_ids\":[\"vs\"],\"filters\":{\"type\":\"or\",\"filters\":[{\"type\":\"eq\",\"value\":1}]}} | rag_params.filters.filters[0].key",
                "[\"vs\"] | rag_params",
            })
    void violationsAre400NamingTheField(String json, String param) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(param);
        });
    }

    @Test
    void aSystemMessageGoesAfterTheClientsOwnSystemMessages() {
        List<ChatMessage> messages = List.of(
                ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "Q1"),
                ChatMessage.of("assistant", "A1"),
                ChatMessage.of("user", "Q2"));
        List<ChatMessage> augmented =
                retrieval.inject(messages, ChatRetrieval.lastUser(messages), "[1] f.txt\nP", false);
        assertThat(augmented)
                .extracting(ChatMessage::role)
                .containsExactly("system", "system", "user", "assistant", "user");
        assertThat(augmented.get(1).text())
                .startsWith("Use the following sources")
                .endsWith("[1] f.txt\nP");
    }

    @Test
    void aContextMessageGoesRightBeforeTheLastUserMessage() {
        List<ChatMessage> messages =
                List.of(ChatMessage.of("user", "Q1"), ChatMessage.of("assistant", "A1"), ChatMessage.of("user", "Q2"));
        List<ChatMessage> augmented =
                retrieval.inject(messages, ChatRetrieval.lastUser(messages), "[1] f.txt\nP", true);
        assertThat(augmented).extracting(ChatMessage::role).containsExactly("user", "assistant", "context", "user");
        assertThat(augmented.get(2).text()).isEqualTo("[1] f.txt\nP");
    }
}
