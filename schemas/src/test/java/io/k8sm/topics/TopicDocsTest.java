package io.k8sm.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's topic table is the one {@link TopicDocs} generates from {@link Topic}. */
class TopicDocsTest {

    private static final Path README = Path.of("README.md"); // surefire runs in the module directory

    @Test
    void theReadmeTopicTableIsGeneratedFromTheCatalogue() throws IOException {
        String generated = TopicDocs.generatedPart(Files.readString(README));
        assertNotNull(generated, "schemas/README.md needs the lines " + TopicDocs.BEGIN + " and " + TopicDocs.END);
        assertEquals(
                TopicDocs.markdownTable(),
                generated,
                "schemas/README.md's topic table disagrees with io.k8sm.topics.Topic; paste this between the markers:\n"
                        + TopicDocs.markdownTable());
    }

    @Test
    void everyTopicHasAWriterAndAReader() {
        for (Topic t : Topic.values()) {
            assertFalse(t.writers().isEmpty(), t + " has no writer");
            assertFalse(t.readers().isEmpty(), t + " has no reader");
        }
    }

    @Test
    void aWrapperShowsItsAlternativesAndAnOptionalRecordFieldDoesNot() {
        assertEquals("`OfferEvent` (`Offer` \\| `OfferRescinded`)", TopicDocs.value(Topic.OFFERS));
        assertEquals("`RegistryTask`", TopicDocs.value(Topic.TASK_REGISTRY));
        assertEquals("compact", TopicDocs.cleanup(Topic.PODS));
        assertEquals("delete, 30 d", TopicDocs.cleanup(Topic.DEAD_LETTERS));
    }
}
