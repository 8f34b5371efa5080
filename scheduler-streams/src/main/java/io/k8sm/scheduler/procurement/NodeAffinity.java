package io.k8sm.scheduler.procurement;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod's node affinity as the Kubernetes API defines it ({@code spec.affinity.nodeAffinity}),
 * matched against an agent's node labels and node name. Pure and immutable.
 *
 * <p>{@code required}: the node must match at least one term (null: nothing is required; an empty
 * list matches no node). A term matches when every one of its requirements holds; a term without
 * requirements matches no node. {@code preferred}: a node's preference score is the sum of the
 * weights of the terms it matches.
 *
 * @param required the required terms, or null when the pod requires nothing
 * @param preferred the weighted preferences, in the pod's order
 */
public record NodeAffinity(List<Term> required, List<Preference> preferred) {

    /** No affinity at all. */
    public static final NodeAffinity NONE = new NodeAffinity(null, List.of());

    /** The one node field Kubernetes lets {@code matchFields} name. */
    public static final String NODE_NAME_FIELD = "metadata.name";

    /**
     * One requirement: {@code key} {@code operator} {@code values}.
     *
     * @param key a label key, or a field path in {@code matchFields}
     * @param operator {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}, {@code Gt},
     *     {@code Lt}; any other operator matches nothing
     * @param values the values (one integer for Gt and Lt)
     */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(values);
        }

        /** Whether the requirement holds for a node on which {@code key} has {@code value} (null: absent). */
        boolean holds(String value) {
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                case "Gt" -> compare(value) > 0;
                case "Lt" -> compare(value) < 0;
                default -> false;
            };
        }

        /** The sign of label value minus the one given value, both integers; 0 when either is not. */
        private int compare(String value) {
            if (value == null || values.size() != 1) {
                return 0;
            }
            try {
                return Long.compare(
                        Long.parseLong(value.trim()),
                        Long.parseLong(values.get(0).trim()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /**
     * A node selector term.
     *
     * @param labels requirements on node labels ({@code matchExpressions})
     * @param fields requirements on node fields ({@code matchFields}; only {@value #NODE_NAME_FIELD})
     */
    public record Term(List<Requirement> labels, List<Requirement> fields) {
        public Term {
            labels = List.copyOf(labels);
            fields = List.copyOf(fields);
        }

        boolean matches(Map<String, String> nodeLabels, String nodeName) {
            if (labels.isEmpty() && fields.isEmpty()) {
                return false;
            }
            for (Requirement r : labels) {
                if (!r.holds(nodeLabels.get(r.key()))) {
                    return false;
                }
            }
            for (Requirement r : fields) {
                boolean supported =
                        NODE_NAME_FIELD.equals(r.key()) && ("In".equals(r.operator()) || "NotIn".equals(r.operator()));
                if (!supported || !r.holds(nodeName)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A weighted preference.
     *
     * @param weight 1 to 100 in Kubernetes
     * @param term what a node should match
     */
    public record Preference(int weight, Term term) {
        public Preference {
            Objects.requireNonNull(term, "term");
        }
    }

    public NodeAffinity {
        required = required == null ? null : List.copyOf(required);
        preferred = List.copyOf(preferred);
    }

    /** Whether the pod requires anything of the node. */
    public boolean requires() {
        return required != null;
    }

    /** Whether the pod prefers some nodes over others. */
    public boolean prefers() {
        return !preferred.isEmpty();
    }

    /** Whether a node with these labels and this name meets the required terms. */
    public boolean admits(Map<String, String> nodeLabels, String nodeName) {
        if (required == null) {
            return true;
        }
        for (Term t : required) {
            if (t.matches(nodeLabels, nodeName)) {
                return true;
            }
        }
        return false;
    }

    /** The sum of the weights of the preferred terms a node with these labels and name matches. */
    public long preference(Map<String, String> nodeLabels, String nodeName) {
        long score = 0;
        for (Preference p : preferred) {
            if (p.term().matches(nodeLabels, nodeName)) {
                score += p.weight();
            }
        }
        return score;
    }
}
