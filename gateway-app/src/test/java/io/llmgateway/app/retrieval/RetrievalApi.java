package io.llmgateway.app.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.testsupport.TestJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The Files and Vector Stores API of a test gateway for one caller, over real HTTP. */
final class RetrievalApi {

    private final WebTestClient client;

    RetrievalApi(WebTestClient client) {
        this.client = client;
    }

    WebTestClient client() {
        return client;
    }

    /**
     * A multipart upload, framed here: Spring's multipart writer draws its boundary from {@code SecureRandom} on the
     * event loop, which BlockHound (rightly) refuses in the test client.
     */
    WebTestClient.ResponseSpec upload(String filename, byte[] content, String purpose) {
        String boundary = "retrieval-test-boundary-7f3a9c";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
                        + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + filename
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return client.post()
                .uri("/v1/files")
                .contentType(MediaType.parseMediaType("multipart/form-data; boundary=" + boundary))
                .bodyValue(body.toByteArray())
                .exchange();
    }

    /** Uploads a file for retrieval; its id. */
    String upload(String filename, byte[] content) {
        return json(upload(filename, content, "assistants").expectStatus().isOk())
                .path("id")
                .stringValue();
    }

    WebTestClient.ResponseSpec post(String path, Object body) {
        return client.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec get(String path) {
        return client.get().uri(path).exchange();
    }

    WebTestClient.ResponseSpec delete(String path) {
        return client.delete().uri(path).exchange();
    }

    /** A new store with these files; its id. */
    String store(String name, List<String> fileIds) {
        return json(post("/v1/vector_stores", Map.of("name", name, "file_ids", fileIds))
                        .expectStatus()
                        .isOk())
                .path("id")
                .stringValue();
    }

    /** Attaches a file with attributes; the attachment's JSON. */
    JsonNode attach(String storeId, String fileId, Map<String, Object> attributes) {
        return json(post("/v1/vector_stores/" + storeId + "/files", Map.of("file_id", fileId, "attributes", attributes))
                .expectStatus()
                .isOk());
    }

    /** Waits until the attachment leaves {@code in_progress}; its JSON. */
    JsonNode awaitIngested(String storeId, String fileId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode file = json(get("/v1/vector_stores/" + storeId + "/files/" + fileId)
                    .expectStatus()
                    .isOk());
            if (!file.path("status").stringValue().equals("in_progress")) {
                return file;
            }
            assertThat(System.nanoTime()).as("%s ingested in time", fileId).isLessThan(deadline);
            pause(100);
        }
    }

    JsonNode search(String storeId, Map<String, Object> body) {
        return json(post("/v1/vector_stores/" + storeId + "/search", body)
                .expectStatus()
                .isOk());
    }

    static JsonNode json(WebTestClient.ResponseSpec response) {
        byte[] body = response.expectBody(byte[].class).returnResult().getResponseBody();
        return TestJson.mapper().readTree(body == null ? "null".getBytes() : body);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
