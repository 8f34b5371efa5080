package io.k8sm.scheduler.procurement;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A Mesos agent attribute. Only text and scalar attributes become node labels.
 *
 * @param name attribute name
 * @param type TEXT, SCALAR, RANGES or SET
 * @param value the value as text (a scalar's shortest decimal form)
 */
public record Attribute(String name, Type type, String value) {
    public enum Type {
        TEXT,
        SCALAR,
        RANGES,
        SET
    }

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        value = value == null ? "" : value;
    }

    public static Attribute text(String name, String value) {
        return new Attribute(name, Type.TEXT, value);
    }

    public static Attribute scalar(String name, double value) {
        return new Attribute(
                name,
                Type.SCALAR,
                BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }

    public static Attribute ranges(String name, String value) {
        return new Attribute(name, Type.RANGES, value);
    }

    public static Attribute set(String name, String value) {
        return new Attribute(name, Type.SET, value);
    }

    /** Whether this attribute becomes a node label. */
    public boolean isLabel() {
        return type == Type.TEXT || type == Type.SCALAR;
    }
}
