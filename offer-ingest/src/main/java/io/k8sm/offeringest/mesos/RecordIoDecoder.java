package io.k8sm.offeringest.mesos;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental decoder of Mesos' RecordIO framing: {@code <decimal length>\n<length bytes>},
 * repeated.
 *
 * <p>Bytes may arrive in arbitrary pieces (HTTP chunks and network reads do not respect record
 * boundaries); {@link #feed} returns every record completed by the new bytes and keeps the rest. A
 * malformed header (a non-digit, an empty or zero length, a length above {@code maxRecordBytes} or
 * beyond an unsigned 64-bit integer) throws {@link RecordIoException}; framing is then lost, so the
 * decoder refuses further input until {@link #reset()}.
 *
 * <p>Not thread-safe: one decoder per stream.
 */
public final class RecordIoDecoder {

    /**
     * Generous default bound: Mesos events are far smaller, and a bound stops a bad length eating
     * memory.
     */
    public static final long DEFAULT_MAX_RECORD_BYTES = 64L * 1024 * 1024;

    private static final int MAX_LENGTH_DIGITS = 20; // uint64 has at most 20 decimal digits

    private final long maxRecordBytes;
    private final StringBuilder header = new StringBuilder();
    private ByteArrayOutputStream record;
    private long remaining = -1;
    private boolean failed;
    private long offset;

    public RecordIoDecoder() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public RecordIoDecoder(long maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    public List<byte[]> feed(byte[] bytes) {
        return feed(ByteBuffer.wrap(bytes));
    }

    /**
     * Consumes all remaining bytes of {@code buf} and returns the records they complete, in order.
     */
    public List<byte[]> feed(ByteBuffer buf) {
        if (failed) {
            throw new RecordIoException(
                    "decoder is in a failed state after a malformed frame; reset() it", offset, null);
        }
        List<byte[]> out = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (remaining < 0) {
                byte b = buf.get();
                offset++;
                if (b == '\n') {
                    startRecord();
                } else if (b >= '0' && b <= '9') {
                    if (header.length() >= MAX_LENGTH_DIGITS) {
                        fail("record length has more than " + MAX_LENGTH_DIGITS + " digits", header.toString(), b);
                    }
                    header.append((char) b);
                } else {
                    fail(
                            "unexpected byte 0x" + Integer.toHexString(b & 0xff) + " in record length",
                            header.toString(),
                            b);
                }
            } else {
                int n = (int) Math.min(remaining, buf.remaining());
                byte[] chunk = new byte[n];
                buf.get(chunk);
                offset += n;
                record.write(chunk, 0, n);
                remaining -= n;
                if (remaining == 0) {
                    out.add(record.toByteArray());
                    record = null;
                    remaining = -1;
                }
            }
        }
        return out;
    }

    /**
     * The bytes of the partial record or header held so far (for reporting a stream that ended
     * mid-record).
     */
    public byte[] pending() {
        if (record != null) {
            return record.toByteArray();
        }
        return header.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the decoder sits exactly between records. */
    public boolean atBoundary() {
        return remaining < 0 && header.length() == 0;
    }

    public void reset() {
        header.setLength(0);
        record = null;
        remaining = -1;
        failed = false;
    }

    private void startRecord() {
        if (header.length() == 0) {
            fail("empty record length", "");
        }
        long length;
        try {
            length = Long.parseUnsignedLong(header.toString());
        } catch (NumberFormatException e) {
            fail("record length does not fit an unsigned 64-bit integer", header.toString());
            return;
        }
        if (length == 0) {
            fail("record length 0 (Mesos never sends empty records)", header.toString());
        }
        if (Long.compareUnsigned(length, maxRecordBytes) > 0) {
            fail(
                    "record length "
                            + Long.toUnsignedString(length)
                            + " exceeds the limit of "
                            + maxRecordBytes
                            + " bytes",
                    header.toString());
        }
        header.setLength(0);
        remaining = length;
        record = new ByteArrayOutputStream((int) Math.min(length, 64 * 1024));
    }

    private void fail(String reason, String headerSoFar) {
        failed = true;
        header.setLength(0);
        throw new RecordIoException(reason, offset, headerSoFar.getBytes(StandardCharsets.US_ASCII));
    }

    private void fail(String reason, String headerSoFar, byte offending) {
        byte[] head = headerSoFar.getBytes(StandardCharsets.US_ASCII);
        byte[] bad = Arrays.copyOf(head, head.length + 1);
        bad[head.length] = offending;
        failed = true;
        header.setLength(0);
        throw new RecordIoException(reason, offset, bad);
    }

    /**
     * A malformed RecordIO frame; {@link #offset()} is the stream offset just past the offending
     * byte.
     */
    public static final class RecordIoException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long offset;
        private final byte[] bytes;

        RecordIoException(String reason, long offset, byte[] bytes) {
            super("malformed RecordIO frame at stream offset " + offset + ": " + reason);
            this.offset = offset;
            this.bytes = bytes == null ? new byte[0] : bytes;
        }

        public long offset() {
            return offset;
        }

        /** The header bytes read before the error was detected. */
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
