package io.k8sm.sandbox.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One subscription's RecordIO event stream on its open HTTP exchange: length-prefixed JSON or protobuf records. */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

    static byte[] frame(byte[] record) {
        byte[] len = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(len.length + record.length)
                .put(len)
                .put(record)
                .array();
    }

    private final MasterState m;
    final String id;
    final HttpExchange exchange;
    final boolean json;
    boolean stalled;
    boolean closed;

    EventStream(MasterState m, String id, HttpExchange exchange, boolean json) {
        this.m = m;
        this.id = id;
        this.exchange = exchange;
        this.json = json;
    }

    void send(Event e) {
        if (stalled || closed) {
            return;
        }
        byte[] record;
        try {
            record = json ? PRINTER.print(e).getBytes(StandardCharsets.UTF_8) : e.toByteArray();
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
        writeRaw(frame(record));
    }

    void writeRaw(byte[] bytes) {
        if (closed) {
            return;
        }
        try {
            OutputStream out = exchange.getResponseBody();
            out.write(bytes);
            out.flush();
        } catch (IOException ex) {
            LOG.info("subscription stream {} broke: {}", id, ex.toString());
            m.disconnect(this);
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            exchange.close();
        }
    }
}
