package io.k8sm.scheduler.topology;

import io.k8sm.avro.Offer;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the scheduler's state stores (and changelogs). Avro values use Avro's single-object
 * encoding (a fingerprint of the writer schema, then the binary body): no registry round trip on
 * the hot path, and a store written with another schema fails loudly instead of decoding garbage.
 * The store-only records ({@link LiveOffer}, {@link QueueEntry}) are a versioned binary layout.
 */
public final class StoreSerdes {

    private static final byte VERSION = 1;

    private StoreSerdes() {}

    public static <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        org.apache.avro.Schema schema = SpecificData.get().getSchema(type);
        BinaryMessageEncoder<T> enc = new BinaryMessageEncoder<>(model, schema);
        BinaryMessageDecoder<T> dec = new BinaryMessageDecoder<>(model, schema);
        return Serdes.serdeFrom(
                (topic, v) -> {
                    if (v == null) {
                        return null;
                    }
                    try {
                        ByteBuffer b = enc.encode(v);
                        byte[] bytes = new byte[b.remaining()];
                        b.get(bytes);
                        return bytes;
                    } catch (IOException e) {
                        throw new SerializationException("cannot encode " + type.getSimpleName(), e);
                    }
                },
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        return dec.decode(bytes);
                    } catch (IOException | RuntimeException e) {
                        throw new SerializationException("cannot decode " + type.getSimpleName() + " from " + topic, e);
                    }
                });
    }

    public static Serde<LiveOffer> liveOffer() {
        Serde<Offer> offer = avro(Offer.class);
        return Serdes.serdeFrom(
                (topic, v) -> v == null
                        ? null
                        : write(out -> {
                            out.writeLong(v.receivedAt());
                            out.writeLong(v.expiresAt());
                            out.writeBoolean(v.gone());
                            out.writeLong(v.lingerUntil());
                            byte[] o = offer.serializer().serialize(topic, v.offer());
                            out.writeInt(o.length);
                            out.write(o);
                        }),
                (topic, bytes) -> bytes == null
                        ? null
                        : read(bytes, in -> {
                            long receivedAt = in.readLong();
                            long expiresAt = in.readLong();
                            boolean gone = in.readBoolean();
                            long linger = in.readLong();
                            byte[] o = new byte[in.readInt()];
                            in.readFully(o);
                            return new LiveOffer(
                                    offer.deserializer().deserialize(topic, o), receivedAt, expiresAt, gone, linger);
                        }));
    }

    public static Serde<QueueEntry> queueEntry() {
        return Serdes.serdeFrom(
                (topic, v) -> v == null
                        ? null
                        : write(out -> {
                            out.writeUTF(v.podKey());
                            out.writeLong(v.seq());
                            out.writeLong(v.enqueuedAt());
                            out.writeLong(v.nextAttemptAt());
                            out.writeInt(v.failures());
                            out.writeBoolean(v.noFit());
                            out.writeUTF(v.lastShortfall() == null ? "" : v.lastShortfall());
                            out.writeUTF(v.nominatedHost());
                            out.writeLong(v.nominatedUntil());
                        }),
                (topic, bytes) -> bytes == null
                        ? null
                        : read(
                                bytes,
                                in -> new QueueEntry(
                                        in.readUTF(),
                                        in.readLong(),
                                        in.readLong(),
                                        in.readLong(),
                                        in.readInt(),
                                        in.readBoolean(),
                                        in.readUTF(),
                                        // an entry written before nominations existed ends here
                                        in.available() > 0 ? in.readUTF() : "",
                                        in.available() > 0 ? in.readLong() : 0L)));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, Reader<T> r) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte v = in.readByte();
            if (v != VERSION) {
                throw new SerializationException("unknown store record version " + v);
            }
            return r.read(in);
        } catch (IOException e) {
            throw new SerializationException("cannot decode store record", e);
        }
    }
}
