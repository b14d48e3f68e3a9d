package io.llmgateway.app.config;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * When each request arrived: stamped on its connection as soon as Netty has read its request line and headers,
 * before security, routing and the body, so that {@code x-gateway-overhead-ms} counts everything the gateway did
 * with the request and not only what came after its handler started.
 */
@ChannelHandler.Sharable
public final class RequestArrival extends ChannelInboundHandlerAdapter {

    private static final String NAME = "gateway.requestArrival";
    private static final AttributeKey<Long> ARRIVED = AttributeKey.valueOf("gateway.requestArrivedNanos");
    private static final RequestArrival INSTANCE = new RequestArrival();

    private RequestArrival() {}

    /** Adds the stamp to every HTTP/1.1 connection's pipeline, right after the HTTP codec. */
    static NettyServerCustomizer customizer() {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, INSTANCE);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HttpRequest) {
            context.channel().attr(ARRIVED).set(System.nanoTime());
        }
        context.fireChannelRead(message);
    }

    /**
     * {@link System#nanoTime()} when the exchange's request arrived; now, where the connection did not stamp it (a
     * protocol without the stamp, a test without a server).
     */
    public static long nanos(ServerWebExchange exchange) {
        Object nativeRequest;
        try {
            nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        } catch (IllegalArgumentException notNetty) {
            return System.nanoTime();
        }
        if (nativeRequest instanceof Connection connection) {
            Channel channel = connection.channel();
            Long arrived = channel.attr(ARRIVED).get();
            if (arrived != null) {
                return arrived;
            }
        }
        return System.nanoTime();
    }
}
