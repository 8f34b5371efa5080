package io.k8sm.scheduler.procurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.scheduler.procurement.NodeAffinity.Preference;
import io.k8sm.scheduler.procurement.NodeAffinity.Requirement;
import io.k8sm.scheduler.procurement.NodeAffinity.Term;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operators of a node selector requirement, as the Kubernetes API defines them. */
class NodeAffinityTest {

    private static final Map<String, String> LABELS = Map.of("gpus", "4", "zone", "z1");

    private static boolean requires(Requirement r, Map<String, String> labels, String node) {
        return new NodeAffinity(List.of(new Term(List.of(r), List.of())), List.of()).admits(labels, node);
    }

    private static boolean requiresField(Requirement r, String node) {
        return new NodeAffinity(List.of(new Term(List.of(), List.of(r))), List.of()).admits(Map.of(), node);
    }

    @Test
    void gtAndLtCompareTheLabelAsAnInteger() {
        assertTrue(requires(new Requirement("gpus", "Gt", List.of("3")), LABELS, "n"));
        assertFalse(requires(new Requirement("gpus", "Gt", List.of("4")), LABELS, "n"));
        assertTrue(requires(new Requirement("gpus", "Lt", List.of("10")), LABELS, "n"));
        assertFalse(requires(new Requirement("zone", "Gt", List.of("0")), LABELS, "n"), "not an integer");
        assertFalse(requires(new Requirement("absent", "Lt", List.of("9")), LABELS, "n"), "absent label");
        assertFalse(requires(new Requirement("gpus", "Gt", List.of("1", "2")), LABELS, "n"), "two values");
    }

    @Test
    void anUnknownOperatorMatchesNoNode() {
        assertFalse(requires(new Requirement("zone", "Like", List.of("z1")), LABELS, "n"));
    }

    @Test
    void matchFieldsNamesTheNodeByMetadataNameOnly() {
        assertTrue(requiresField(new Requirement("metadata.name", "In", List.of("node-1")), "node-1"));
        assertFalse(requiresField(new Requirement("metadata.name", "In", List.of("node-1")), "node-2"));
        assertTrue(requiresField(new Requirement("metadata.name", "NotIn", List.of("node-1")), "node-2"));
        assertFalse(requiresField(new Requirement("metadata.uid", "In", List.of("node-1")), "node-1"));
        assertFalse(requiresField(new Requirement("metadata.name", "Exists", List.of()), "node-1"));
    }

    @Test
    void noRequirementAdmitsEveryNodeButAnEmptyTermListAdmitsNone() {
        assertTrue(NodeAffinity.NONE.admits(LABELS, "n"));
        assertFalse(new NodeAffinity(List.of(), List.of()).admits(LABELS, "n"));
    }

    @Test
    void thePreferenceIsTheSumOfTheWeightsOfMatchingTerms() {
        Term zone = new Term(List.of(new Requirement("zone", "In", List.of("z1"))), List.of());
        Term gpus = new Term(List.of(new Requirement("gpus", "Exists", List.of())), List.of());
        Term other = new Term(List.of(new Requirement("zone", "In", List.of("z2"))), List.of());
        NodeAffinity a = new NodeAffinity(
                null, List.of(new Preference(7, zone), new Preference(5, gpus), new Preference(90, other)));
        assertEquals(12, a.preference(LABELS, "n"));
        assertEquals(0, a.preference(Map.of(), "n"));
    }
}
