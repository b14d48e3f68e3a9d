package io.llmgateway.app.error;

import io.llmgateway.core.error.InvalidRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that would otherwise be refused before any of the gateway sees them are answered with OpenAI's error body,
 * like every other error: what Netty's HTTP decoder refuses (a request line or headers too long, a malformed request
 * line), which Reactor Netty answers with an empty 414, 431 or 400, and a request target that is not a valid URI (a
 * broken percent-encoding, a raw space or backslash), which Spring's adapter answers with an empty 400. The handler
 * sits right after the decoder; a request that is fine passes untouched.
 */
final class MalformedRequests extends ChannelInboundHandlerAdapter {

    private static final String NAME = "gateway.malformedRequests";

    private final JsonMapper json;
    /** After a refused request the connection closes; whatever else it carries is dropped. */
    private boolean refused;

    private MalformedRequests(JsonMapper json) {
        this.json = json;
    }

    /** Installs the handler on every connection of the server. */
    static NettyServerCustomizer customizer(JsonMapper json) {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, new MalformedRequests(json));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (!(message instanceof HttpRequest request)) {
            context.fireChannelRead(message);
            return;
        }
        InvalidRequestException failure;
        if (request.decoderResult().isFailure()) {
            failure = failure(request.decoderResult().cause());
        } else if (!validTarget(request.uri())) {
            failure = InvalidRequestException.httpStatus(400, "The request's path or query is not a valid URI:"
                    + " percent-encode what is not a letter, a digit or one of -._~!$&'()*+,;=:@/?%.", "invalid_url");
        } else {
            context.fireChannelRead(message);
            return;
        }
        refused = true;
        ReferenceCountUtil.release(message);
        byte[] body = json.writeValueAsBytes(failure.toBody());
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(failure.status()), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Whether a request target parses as a URI: printable ASCII only, none of the characters a URI never holds raw
     * (space, double quote, angle brackets, backslash, caret, backtick, braces, vertical bar), and every percent sign
     * followed by two hex digits.
     */
    static boolean validTarget(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0) {
                return false;
            }
            if (c == '%' && (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                    || Character.digit(target.charAt(i + 2), 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static InvalidRequestException failure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return InvalidRequestException.httpStatus(414, "The request line (method, path and query) is too long.",
                    "uri_too_long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return InvalidRequestException.httpStatus(431, "The request's headers are too large.",
                    "headers_too_large");
        }
        return InvalidRequestException.httpStatus(400, "The request is not valid HTTP.", "malformed_request");
    }
}
