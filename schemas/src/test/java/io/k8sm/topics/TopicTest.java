package io.k8sm.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void everyTopicValueClassIsAGeneratedRecordOfTheContract() {
        for (Topic topic : Topic.values()) {
            if (topic == Topic.DEAD_LETTERS) {
                continue; // generated from dead_letter.avsc, owned by the serde side of the module
            }
            Schema schema = topic.valueSchema();
            assertEquals(Schema.Type.RECORD, schema.getType(), topic.toString());
            assertEquals(topic.valueClassName(), schema.getFullName(), topic.toString());
        }
        assertEquals("io.k8sm.avro.DeadLetter", Topic.DEAD_LETTERS.valueClassName());
    }

    @Test
    void aMissingValueClassIsReportedWithTheClassAndTheTopic() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> Topic.valueSchemaOf(Topic.DEAD_LETTERS, "io.k8sm.avro.NoSuchRecord"));
        assertTrue(
                e.getMessage().contains("io.k8sm.avro.NoSuchRecord")
                        && e.getMessage().contains("dead-letters"),
                e.getMessage());
    }

    @Test
    void aValueClassThatIsNotAnAvroRecordIsReported() {
        var e = assertThrows(IllegalStateException.class, () -> Topic.valueSchemaOf(Topic.PODS, "java.lang.String"));
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("pods"), e.getMessage());
    }

    @Test
    void logicalNamesAreUniqueLowerCaseAndFoundAgain() {
        assertEquals(
                Topic.values().length,
                Arrays.stream(Topic.values()).map(Topic::logicalName).distinct().count());
        for (Topic topic : Topic.values()) {
            assertTrue(topic.logicalName().matches("[a-z]+(-[a-z]+)*"), topic.logicalName());
            assertEquals(topic.name().toLowerCase().replace('_', '-'), topic.logicalName());
            assertEquals(Optional.of(topic), Topic.byLogicalName(topic.logicalName()));
            assertFalse(topic.description().isBlank(), topic + " has no description");
            assertFalse(topic.key().isBlank(), topic + " has no key description");
        }
        assertEquals(Optional.empty(), Topic.byLogicalName("k8sm.pods"));
    }
}
