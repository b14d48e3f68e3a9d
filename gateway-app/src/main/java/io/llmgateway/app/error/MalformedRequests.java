package io.llmgateway.app.error;

import io.llmgateway.core.error.InvalidRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that would otherwise be refused before any of the gateway sees them are answered with OpenAI's error body,
 * like every other error: what Netty's HTTP decoder refuses (a request line or headers too long, a malformed request
 * line, a broken chunked body), which Reactor Netty answers with an empty 414, 431 or 400 (for a broken body, after
 * the request was handed on, so that the gateway's own answer then failed), a request in another HTTP version than
 * 1.x (an HTTP/2 preface on this HTTP/1.1 port), and a request target that is not a valid URI (a broken
 * percent-encoding, a raw space or backslash), which Spring's adapter answers with an empty 400. The handler sits
 * right after the decoder; a request that is fine passes untouched.
 */
final class MalformedRequests extends ChannelDuplexHandler {

    private static final String NAME = "gateway.malformedRequests";

    private final JsonMapper json;
    /** After a refused request the connection closes; whatever else it carries is dropped. */
    private boolean refused;
    /** Whether an answer to the request being read has begun: then a broken body can only close the connection. */
    private boolean answered;
    /** Whether an answer (perhaps to an earlier, pipelined request) is being written and has not ended. */
    private boolean responding;

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
        if (message instanceof HttpContent content
                && !(message instanceof HttpRequest)
                && content.decoderResult().isFailure()) {
            brokenBody(context, content);
            return;
        }
        if (!(message instanceof HttpRequest request)) {
            context.fireChannelRead(message);
            return;
        }
        answered = false;
        InvalidRequestException failure;
        if (request.decoderResult().isFailure()) {
            failure = failure(request.decoderResult().cause());
        } else if (request.protocolVersion().majorVersion() != 1) {
            // a 400 rather than 505: it is the client's mistake, and a scanner should not raise server-error alarms
            failure = InvalidRequestException.httpStatus(
                    400,
                    "This port speaks HTTP/1.1 (and HTTP/1.0), not "
                            + request.protocolVersion().text() + ".",
                    "http_version_not_supported");
        } else if (!validTarget(request.uri())) {
            failure = InvalidRequestException.httpStatus(
                    400,
                    "The request's path or query is not a valid URI:"
                            + " percent-encode what is not a letter, a digit or one of -._~!$&'()*+,;=:@/?%.",
                    "invalid_url");
        } else {
            context.fireChannelRead(message);
            return;
        }
        refuse(context, message, failure);
    }

    /**
     * A body whose framing broke (an invalid chunk size, for one) after its request was handed on. Unless an answer
     * has begun, the client gets the error; either way the connection closes, and the gateway's handling of the
     * request, which now waits for a body that will never complete, ends with it.
     */
    private void brokenBody(ChannelHandlerContext context, HttpContent content) {
        if (answered || responding) {
            refused = true;
            ReferenceCountUtil.release(content);
            // nothing more can be said on this connection; how the close ends does not matter
            var unused = context.close();
            return;
        }
        refuse(
                context,
                content,
                InvalidRequestException.httpStatus(
                        400,
                        "The request's body is not valid HTTP:" + " its chunked transfer encoding is broken.",
                        "malformed_request"));
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response
                && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answered = true;
            responding = true;
        }
        if (message instanceof LastHttpContent) {
            responding = false;
        }
        // the returned future is the caller's promise
        var unused = context.write(message, promise);
    }

    private void refuse(ChannelHandlerContext context, Object message, InvalidRequestException failure) {
        refused = true;
        answered = true;
        ReferenceCountUtil.release(message);
        byte[] body = json.writeValueAsBytes(failure.toBody());
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(failure.status()), content);
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
            if (c == '%'
                    && (i + 2 >= target.length()
                            || Character.digit(target.charAt(i + 1), 16) < 0
                            || Character.digit(target.charAt(i + 2), 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static InvalidRequestException failure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return InvalidRequestException.httpStatus(
                    414, "The request line (method, path and query) is too long.", "uri_too_long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return InvalidRequestException.httpStatus(431, "The request's headers are too large.", "headers_too_large");
        }
        return InvalidRequestException.httpStatus(400, "The request is not valid HTTP.", "malformed_request");
    }
}
