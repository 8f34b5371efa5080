package io.k8sm.scheduler.procurement;

/** An inclusive range of offered ports. */
public record PortRange(int begin, int end) implements Comparable<PortRange> {
    public PortRange {
        if (begin < 0 || end > 65535 || begin > end) {
            throw new IllegalArgumentException("bad port range " + begin + "-" + end);
        }
    }

    public static PortRange of(int begin, int end) {
        return new PortRange(begin, end);
    }

    public boolean contains(int port) {
        return port >= begin && port <= end;
    }

    @Override
    public int compareTo(PortRange o) {
        return begin != o.begin ? Integer.compare(begin, o.begin) : Integer.compare(end, o.end);
    }

    @Override
    public String toString() {
        return begin + "-" + end;
    }
}
