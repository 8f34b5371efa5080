package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }

    static final Schema NAME = record("{\"name\":\"name\",\"type\":\"string\"}");
    static final Schema NAME_UID_DEFAULT =
            record("{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"uid\",\"type\":\"string\",\"default\":\"x\"}");
    static final Schema NAME_UID =
            record("{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"uid\",\"type\":\"string\"}");

    @Test
    void plainLevelsCompareWithTheLatestVersionOnlyAndTransitiveOnesWithAll() {
        // NAME_UID reads NAME_UID_DEFAULT data, but not NAME data (uid has no default).
        List<Schema> history = List.of(NAME, NAME_UID_DEFAULT);
        assertTrue(CompatibilityLevel.BACKWARD.problems(NAME_UID, history).isEmpty());
        assertFalse(CompatibilityLevel.BACKWARD_TRANSITIVE
                .problems(NAME_UID, history)
                .isEmpty());
    }

    @Test
    void forwardMeansOldReadersReadNewData() {
        List<Schema> history = List.of(NAME_UID);
        assertFalse(CompatibilityLevel.FORWARD.problems(NAME, history).isEmpty(), "old readers need uid");
        assertTrue(CompatibilityLevel.BACKWARD.problems(NAME, history).isEmpty());
        assertFalse(CompatibilityLevel.FULL.problems(NAME, history).isEmpty());
        assertTrue(CompatibilityLevel.FULL_TRANSITIVE
                .problems(NAME_UID_DEFAULT, List.of(NAME))
                .isEmpty());
        assertTrue(CompatibilityLevel.NONE
                .problems(record("{\"name\":\"n\",\"type\":\"int\"}"), history)
                .isEmpty());
    }

    @Test
    void levelNamesParseCaseInsensitivelyAndUnknownOnesAnswer42203() {
        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, CompatibilityLevel.parse("full_transitive"));
        RegistryException e = assertThrows(RegistryException.class, () -> CompatibilityLevel.parse("SIDEWAYS"));
        assertEquals(42203, e.errorCode());
        assertTrue(e.getMessage().contains("SIDEWAYS"));
    }
}
