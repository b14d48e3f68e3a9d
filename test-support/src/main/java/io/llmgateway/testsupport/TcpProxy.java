package io.llmgateway.testsupport;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy in front of a real server, for tests that take the server away and bring it back (a database
 * outage) without touching the server itself: {@link #cut()} drops every connection and refuses new ones until
 * {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {

    private final DisposableServer server;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean down;

    private TcpProxy(String targetHost, int targetPort) {
        TcpClient client = TcpClient.create()
                .host(targetHost)
                .port(targetPort)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000);
        this.server = TcpServer.create()
                .host("127.0.0.1")
                .port(0)
                .doOnConnection(inbound -> {
                    if (down) {
                        inbound.dispose();
                        return;
                    }
                    open.add(inbound);
                    inbound.onDispose(() -> open.remove(inbound));
                })
                .handle((in, out) -> client.connect()
                        .flatMap(upstream -> {
                            open.add(upstream);
                            upstream.onDispose(() -> open.remove(upstream));
                            Mono<Void> toServer = upstream.outbound()
                                    .send(in.receive().retain())
                                    .then();
                            Mono<Void> toClient = out.send(
                                            upstream.inbound().receive().retain())
                                    .then();
                            return Mono.when(toServer, toClient).doFinally(signal -> upstream.dispose());
                        })
                        .onErrorResume(error -> Mono.empty()))
                .bindNow(Duration.ofSeconds(10));
    }

    /** A proxy on a free local port to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        return new TcpProxy(targetHost, targetPort);
    }

    public int port() {
        return server.port();
    }

    /** Drops every open connection, both ways, and refuses new ones: the server is gone. */
    public void cut() {
        down = true;
        open.forEach(Connection::dispose);
    }

    /** Accepts and forwards connections again. */
    public void restore() {
        down = false;
    }

    @Override
    public void close() {
        cut();
        server.disposeNow(Duration.ofSeconds(5));
    }
}
