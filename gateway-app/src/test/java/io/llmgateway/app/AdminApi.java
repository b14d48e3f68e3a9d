package io.llmgateway.app;

import io.llmgateway.testsupport.TestJson;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The admin API of a test gateway, for arranging users, projects and keys over real HTTP. */
public final class AdminApi {

    private final WebTestClient client;

    AdminApi(WebTestClient client, String adminToken) {
        this.client = client.mutate()
                .defaultHeaders(headers -> headers.set("Authorization", "Bearer " + adminToken))
                .build();
    }

    public WebTestClient client() {
        return client;
    }

    /** The same API called with another key (a personal access token, say). */
    public AdminApi as(String key) {
        return new AdminApi(client, key);
    }

    public JsonNode post(String path, Object body, int expectedStatus) {
        return json(client.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
    }

    public JsonNode put(String path, Object body, int expectedStatus) {
        return json(client.put()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
    }

    public JsonNode patch(String path, Object body, int expectedStatus) {
        return json(client.patch()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
    }

    public JsonNode get(String path) {
        return json(client.get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
    }

    public JsonNode project(String id, List<String> allowedModels) {
        return post(
                "/admin/v1/projects",
                allowedModels == null
                        ? Map.of("id", id, "name", "Project " + id)
                        : Map.of("id", id, "name", "Project " + id, "allowed_models", allowedModels),
                201);
    }

    public JsonNode user(String id, String defaultProject) {
        return post(
                "/admin/v1/users",
                defaultProject == null ? Map.of("id", id) : Map.of("id", id, "default_project_id", defaultProject),
                201);
    }

    public void member(String project, String user, String role) {
        client.put()
                .uri("/admin/v1/projects/{p}/members/{u}", project, user)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("role", role))
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** A new service key of the project: its JSON, with the secret {@code key} shown once. */
    public JsonNode serviceKey(String project) {
        return post("/admin/v1/projects/" + project + "/keys", Map.of("name", "test key"), 201);
    }

    /** A new personal access token of the user. */
    public JsonNode token(String user) {
        return post("/admin/v1/users/" + user + "/tokens", Map.of("name", "test token"), 201);
    }

    private static JsonNode json(byte[] body) {
        return TestJson.mapper().readTree(body);
    }
}
