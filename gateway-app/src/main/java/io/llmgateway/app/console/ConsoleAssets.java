package io.llmgateway.app.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The console's page, style sheet and script, read from the jar once at start-up and served from memory: a read
 * from the jar on an event loop would block it, and the files are a few kilobytes. Browsers revalidate them on
 * every load, so a new version of the gateway is picked up at once.
 */
final class ConsoleAssets {

    private record Asset(MediaType type, byte[] bytes) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final Asset page;

    ConsoleAssets() {
        page = new Asset(MediaType.TEXT_HTML, read("console/index.html"));
        assets.put("console.css", new Asset(MediaType.valueOf("text/css"), read("console/assets/console.css")));
        assets.put("console.js", new Asset(MediaType.valueOf("text/javascript"), read("console/assets/console.js")));
    }

    Mono<ServerResponse> page(ServerRequest request) {
        return serve(page);
    }

    Mono<ServerResponse> asset(ServerRequest request) {
        Asset asset = assets.get(request.pathVariable("name"));
        return asset == null ? ServerResponse.notFound().build() : serve(asset);
    }

    private static Mono<ServerResponse> serve(Asset asset) {
        return ServerResponse.ok()
                .contentType(asset.type())
                .cacheControl(CacheControl.noCache())
                .bodyValue(asset.bytes());
    }

    private static byte[] read(String path) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the console's " + path + " is missing from the jar", e);
        }
    }
}
