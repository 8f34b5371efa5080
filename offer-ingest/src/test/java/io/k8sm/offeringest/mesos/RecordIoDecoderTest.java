package io.k8sm.offeringest.mesos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.offeringest.mesos.RecordIoDecoder.RecordIoException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordIoDecoderTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] stream(String... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String r : records) {
            out.writeBytes(RecordIo.encode(ascii(r)));
        }
        return out.toByteArray();
    }

    @Test
    void decodesSeveralRecordsDeliveredInOneRead() {
        List<byte[]> records = new RecordIoDecoder().feed(stream("{\"a\":1}", "hello", "x"));
        assertEquals(3, records.size());
        assertArrayEquals(ascii("{\"a\":1}"), records.get(0));
        assertArrayEquals(ascii("hello"), records.get(1));
        assertArrayEquals(ascii("x"), records.get(2));
    }

    @Test
    void decodesRecordsSplitAcrossReadsAtEveryPossibleBoundary() {
        byte[] all = stream("first record", "second", "3");
        for (int cut = 0; cut <= all.length; cut++) {
            RecordIoDecoder d = new RecordIoDecoder();
            List<byte[]> out = new ArrayList<>(d.feed(java.util.Arrays.copyOfRange(all, 0, cut)));
            out.addAll(d.feed(java.util.Arrays.copyOfRange(all, cut, all.length)));
            assertEquals(3, out.size(), "cut at " + cut);
            assertArrayEquals(ascii("second"), out.get(1));
            assertTrue(d.atBoundary());
        }
    }

    @Test
    void decodesARecordFedOneByteAtATime() {
        byte[] all = stream("byte by byte");
        RecordIoDecoder d = new RecordIoDecoder();
        List<byte[]> out = new ArrayList<>();
        for (byte b : all) {
            out.addAll(d.feed(new byte[] {b}));
        }
        assertEquals(1, out.size());
        assertArrayEquals(ascii("byte by byte"), out.get(0));
    }

    @Test
    void keepsBinaryRecordsContainingNewlinesIntact() {
        byte[] record = {'\n', 0, '5', '\n', (byte) 0xff};
        List<byte[]> out = new RecordIoDecoder().feed(RecordIo.encode(record));
        assertArrayEquals(record, out.get(0));
    }

    @Test
    void rejectsANonDigitInTheLengthWithItsOffset() {
        RecordIoException e =
                assertThrows(RecordIoException.class, () -> new RecordIoDecoder().feed(ascii("12x\nabc")));
        assertTrue(e.getMessage().contains("unexpected byte 0x78"), e.getMessage());
        assertEquals(3, e.offset());
        assertArrayEquals(ascii("12x"), e.bytes());
    }

    @Test
    void rejectsAZeroLength() {
        RecordIoException e = assertThrows(RecordIoException.class, () -> new RecordIoDecoder().feed(ascii("0\n")));
        assertTrue(e.getMessage().contains("length 0"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyLengthLine() {
        assertThrows(RecordIoException.class, () -> new RecordIoDecoder().feed(ascii("\n")));
    }

    @Test
    void rejectsALengthAboveTheLimit() {
        RecordIoException e =
                assertThrows(RecordIoException.class, () -> new RecordIoDecoder(100).feed(ascii("101\n")));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void rejectsALengthBeyondUnsigned64Bits() {
        assertThrows(RecordIoException.class, () -> new RecordIoDecoder().feed(ascii("99999999999999999999\n")));
        assertThrows(RecordIoException.class, () -> new RecordIoDecoder().feed(ascii("123456789012345678901")));
    }

    @Test
    void refusesInputAfterAMalformedFrameUntilReset() {
        RecordIoDecoder d = new RecordIoDecoder();
        assertThrows(RecordIoException.class, () -> d.feed(ascii("a")));
        assertThrows(RecordIoException.class, () -> d.feed(stream("ok")));
        d.reset();
        assertEquals(1, d.feed(stream("ok")).size());
    }

    @Test
    void reportsAPartialRecordAsPending() {
        RecordIoDecoder d = new RecordIoDecoder();
        assertTrue(d.feed(ascii("10\nabc")).isEmpty());
        assertFalse(d.atBoundary());
        assertArrayEquals(ascii("abc"), d.pending());
    }
}
