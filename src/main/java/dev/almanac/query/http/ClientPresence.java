package dev.almanac.query.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http2.IStream;
import org.eclipse.jetty.http2.server.HttpChannelOverHTTP2;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

/**
 * Tells whether the client of a streaming response has gone, without writing to it. A push stream
 * may send nothing for hours (ksqlDB's delimited stream has no keep-alives: its clients parse every
 * chunk), and a handler that only writes would then keep a vanished client's push query, its consumer
 * and its slot forever.
 * <ul>
 *   <li>HTTP/2: Jetty reads the connection all the time, so a reset stream or a closed connection shows
 *       in the stream's state.</li>
 *   <li>HTTP/1.1: Jetty does not read the connection while a request is handled, so the connection is
 *       read here, non-blocking: end of input means the client closed it. Bytes that arrive instead
 *       (a pipelined request) are dropped, so the response is sent with {@code Connection: close}
 *       (see {@link #prepare}): the connection ends with the stream either way.</li>
 * </ul>
 * Outside Jetty (no way to tell) the client is taken to be present, as before: a failed write ends the stream.
 */
final class ClientPresence {

    private ClientPresence() {
    }

    /**
     * Before the response is committed: an HTTP/1.1 stream closes its connection at its end (the
     * connection was read while streaming). Call after the request body was read.
     */
    static BooleanSupplier prepare(Context ctx) {
        Request base = Request.getBaseRequest(ctx.req());
        HttpChannel channel = base == null ? null : base.getHttpChannel();
        if (channel == null) {
            return () -> false;
        }
        if (channel instanceof HttpChannelOverHTTP2 h2) {
            return () -> {
                IStream stream = h2.getHttpTransport().getStream();
                return stream == null || stream.isReset() || stream.isClosed() || !channel.getEndPoint().isOpen();
            };
        }
        ctx.header("Connection", "close");
        EndPoint endPoint = channel.getEndPoint();
        ByteBuffer probe = ByteBuffer.allocate(64).flip();
        return () -> {
            if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
                return true;
            }
            try {
                probe.clear().flip();
                return endPoint.fill(probe) < 0;
            } catch (IOException e) {
                return true;
            }
        };
    }
}
