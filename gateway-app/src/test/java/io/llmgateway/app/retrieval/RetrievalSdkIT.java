package io.llmgateway.app.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.vectorstores.VectorStore;
import com.openai.models.vectorstores.VectorStoreCreateParams;
import com.openai.models.vectorstores.VectorStoreDeleted;
import com.openai.models.vectorstores.VectorStoreSearchParams;
import com.openai.models.vectorstores.VectorStoreSearchResponse;
import com.openai.models.vectorstores.files.FileDeleteParams;
import com.openai.models.vectorstores.files.FileRetrieveParams;
import com.openai.models.vectorstores.files.VectorStoreFile;
import com.openai.models.vectorstores.files.VectorStoreFileDeleted;
import io.llmgateway.app.GatewayInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK, unchanged, manages a knowledge base through the gateway: uploads a text file and a
 * PDF, creates a vector store with them, waits for ingestion, searches, lists, and deletes.
 */
class RetrievalSdkIT {

    private static GatewayInstance gateway;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(
                Map.of("gateway.models[0].id", "mock-echo", "gateway.models[0].deployment", "mock"));
        gateway.admin().project("kb", null);
        String key = gateway.admin().serviceKey("kb").path("key").stringValue();
        openai = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(key)
                .putHeader("X-User-Id", "kb-user")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        gateway.close();
    }

    @Test
    void uploadCreateWaitSearchListAndDelete(@TempDir Path dir) throws IOException {
        Path handbookPath = Files.write(dir.resolve("handbook.txt"), TestDocuments.text(TestDocuments.HANDBOOK));
        Path securityPath = Files.write(dir.resolve("security.pdf"), TestDocuments.pdf(TestDocuments.SECURITY_LINES));

        FileObject handbook = openai.files()
                .create(FileCreateParams.builder()
                        .file(handbookPath)
                        .purpose(FilePurpose.ASSISTANTS)
                        .build());
        FileObject security = openai.files()
                .create(FileCreateParams.builder()
                        .file(securityPath)
                        .purpose(FilePurpose.ASSISTANTS)
                        .build());
        assertThat(handbook.id()).startsWith("file-");
        assertThat(handbook.filename()).isEqualTo("handbook.txt");
        assertThat(handbook.bytes()).isEqualTo(Files.size(handbookPath));
        assertThat(handbook.purpose()).isEqualTo(FileObject.Purpose.ASSISTANTS);
        assertThat(openai.files().retrieve(security.id()).filename()).isEqualTo("security.pdf");
        assertThat(openai.files().list().data()).extracting(FileObject::id).contains(handbook.id(), security.id());
        try (HttpResponse content = openai.files().content(handbook.id())) {
            assertThat(content.body().readAllBytes()).isEqualTo(Files.readAllBytes(handbookPath));
        }

        VectorStore store = openai.vectorStores()
                .create(VectorStoreCreateParams.builder()
                        .name("Company policies")
                        .fileIds(List.of(handbook.id(), security.id()))
                        .build());
        assertThat(store.id()).startsWith("vs_");
        assertThat(store.name()).isEqualTo("Company policies");
        assertThat(store.fileCounts().total()).isEqualTo(2);

        awaitCompleted(store.id(), handbook.id());
        awaitCompleted(store.id(), security.id());
        VectorStore ready = openai.vectorStores().retrieve(store.id());
        assertThat(ready.status()).isEqualTo(VectorStore.Status.COMPLETED);
        assertThat(ready.fileCounts().completed()).isEqualTo(2);
        assertThat(ready.fileCounts().inProgress()).isZero();
        assertThat(ready.usageBytes()).isPositive();

        List<VectorStoreSearchResponse> laptop = search(store.id(), "How quickly must I report a lost laptop?");
        assertThat(laptop).isNotEmpty();
        assertThat(laptop.get(0).fileId()).isEqualTo(security.id());
        assertThat(laptop.get(0).filename()).isEqualTo("security.pdf");
        assertThat(laptop.get(0).content().get(0).text()).contains("24 hours");
        assertThat(laptop.get(0).score()).isBetween(0.0, 1.0);
        List<VectorStoreSearchResponse> flights = search(store.id(), "Which class may I fly on long flights?");
        assertThat(flights.get(0).fileId()).isEqualTo(handbook.id());

        assertThat(openai.vectorStores().list().data())
                .extracting(VectorStore::id)
                .contains(store.id());
        assertThat(openai.vectorStores().files().list(store.id()).data())
                .extracting(VectorStoreFile::id)
                .containsExactlyInAnyOrder(handbook.id(), security.id());

        VectorStoreFileDeleted removed = openai.vectorStores()
                .files()
                .delete(
                        security.id(),
                        FileDeleteParams.builder().vectorStoreId(store.id()).build());
        assertThat(removed.deleted()).isTrue();
        assertThat(search(store.id(), "How quickly must I report a lost laptop?"))
                .extracting(VectorStoreSearchResponse::fileId)
                .doesNotContain(security.id());

        FileDeleted deleted = openai.files().delete(handbook.id());
        assertThat(deleted.deleted()).isTrue();
        assertThat(search(store.id(), "Which class may I fly on long flights?")).isEmpty();
        assertThatThrownBy(() -> openai.files().retrieve(handbook.id())).isInstanceOf(NotFoundException.class);

        VectorStoreDeleted storeDeleted = openai.vectorStores().delete(store.id());
        assertThat(storeDeleted.deleted()).isTrue();
        assertThatThrownBy(() -> openai.vectorStores().retrieve(store.id())).isInstanceOf(NotFoundException.class);
        // the file itself outlives the store it was in
        assertThat(openai.files().retrieve(security.id()).id()).isEqualTo(security.id());
    }

    @Test
    void aFileLargerThanTheJsonBodyLimitUploads(@TempDir Path dir) throws IOException {
        // gateway.http.max-body-size is 4MB; uploads are held to gateway.retrieval.max-file-size (20MB) instead,
        // and a part this large is spooled by the multipart reader rather than held in memory
        byte[] content = new byte[6 * 1024 * 1024];
        Arrays.fill(content, (byte) 'x');
        Path large = Files.write(dir.resolve("large.txt"), content);
        FileObject uploaded = openai.files()
                .create(FileCreateParams.builder()
                        .file(large)
                        .purpose(FilePurpose.ASSISTANTS)
                        .build());
        assertThat(uploaded.bytes()).isEqualTo(content.length);
        assertThat(openai.files().delete(uploaded.id()).deleted()).isTrue();
    }

    @Test
    void aCompletionWithRagParamsStillParsesInTheSdkAndKeepsTheSources(@TempDir Path dir) throws IOException {
        Path path = Files.write(
                dir.resolve("security.txt"), TestDocuments.text(String.join("\n", TestDocuments.SECURITY_LINES)));
        FileObject file = openai.files()
                .create(FileCreateParams.builder()
                        .file(path)
                        .purpose(FilePurpose.ASSISTANTS)
                        .build());
        VectorStore store = openai.vectorStores()
                .create(VectorStoreCreateParams.builder()
                        .name("sdk rag")
                        .fileIds(List.of(file.id()))
                        .build());
        awaitCompleted(store.id(), file.id());
        JsonValue rag = JsonValue.from(Map.of("vector_store_ids", List.of(store.id()), "include_sources", true));

        ChatCompletion completion = openai.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("mock-echo")
                        .addUserMessage("Who do I tell about a lost laptop?")
                        .putAdditionalBodyProperty("rag_params", rag)
                        .build());
        assertThat(completion.choices().get(0).message().content()).hasValue("Who do I tell about a lost laptop?");
        JsonValue sources = completion._additionalProperties().get("rag");
        assertThat(sources).isNotNull();
        assertThat(sources.toString()).contains(file.id()).contains("helpdesk");

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("mock-echo")
                        .addUserMessage("Who do I tell about a lost laptop?")
                        .putAdditionalBodyProperty("rag_params", rag)
                        .build())) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks.get(0)._additionalProperties().get("rag").toString()).contains(file.id());
        assertThat(chunks.get(1)._additionalProperties()).doesNotContainKey("rag");
        openai.vectorStores().delete(store.id());
        openai.files().delete(file.id());
    }

    @Test
    void embeddingsOfTheLocalModel() {
        CreateEmbeddingResponse response = openai.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("all-minilm-l6-v2")
                        .inputOfArrayOfStrings(List.of("first text", "second text"))
                        .build());
        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).hasSize(384);
        assertThat(response.data().get(1).index()).isEqualTo(1);
        assertThat(response.model()).isEqualTo("all-minilm-l6-v2");
        assertThat(response.usage().promptTokens()).isPositive();
    }

    private static List<VectorStoreSearchResponse> search(String storeId, String query) {
        return openai.vectorStores()
                .search(
                        storeId,
                        VectorStoreSearchParams.builder()
                                .query(query)
                                .maxNumResults(5)
                                .build())
                .data();
    }

    private static void awaitCompleted(String storeId, String fileId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            VectorStoreFile file = openai.vectorStores()
                    .files()
                    .retrieve(
                            fileId,
                            FileRetrieveParams.builder().vectorStoreId(storeId).build());
            if (file.status().equals(VectorStoreFile.Status.COMPLETED)) {
                return;
            }
            assertThat(file.status())
                    .as("status of %s: %s", fileId, file.lastError())
                    .isEqualTo(VectorStoreFile.Status.IN_PROGRESS);
            assertThat(System.nanoTime()).as("%s completed in time", fileId).isLessThan(deadline);
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
