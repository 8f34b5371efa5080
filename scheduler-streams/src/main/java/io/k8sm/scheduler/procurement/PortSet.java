package io.k8sm.scheduler.procurement;

import java.util.Arrays;
import java.util.List;

/**
 * Free ports of one role on one agent: sorted, disjoint, inclusive ranges. Mutable; owned by a
 * {@link Cluster}.
 */
final class PortSet {
    private int[] lo;
    private int[] hi;
    private int n;

    PortSet(List<PortRange> ranges) {
        lo = new int[Math.max(2, ranges.size())];
        hi = new int[lo.length];
        for (PortRange r : ranges) {
            add(r.begin(), r.end());
        }
    }

    /** Adds a range, merging with overlapping or adjacent ones. */
    void add(int begin, int end) {
        int[] nlo = new int[n + 1];
        int[] nhi = new int[n + 1];
        int m = 0;
        boolean placed = false;
        for (int i = 0; i <= n; i++) {
            int b;
            int e;
            if (!placed && (i == n || lo[i] > begin)) {
                b = begin;
                e = end;
                placed = true;
                i--;
            } else {
                b = lo[i];
                e = hi[i];
            }
            if (m > 0 && b <= nhi[m - 1] + 1) {
                nhi[m - 1] = Math.max(nhi[m - 1], e);
            } else {
                nlo[m] = b;
                nhi[m] = e;
                m++;
            }
        }
        lo = Arrays.copyOf(nlo, Math.max(2, m + 1));
        hi = Arrays.copyOf(nhi, lo.length);
        n = m;
    }

    boolean isEmpty() {
        return n == 0;
    }

    int rangeCount() {
        return n;
    }

    int rangeBegin(int i) {
        return lo[i];
    }

    int rangeEnd(int i) {
        return hi[i];
    }

    private int find(int port) {
        int a = 0;
        int b = n - 1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            if (hi[mid] < port) {
                a = mid + 1;
            } else if (lo[mid] > port) {
                b = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    boolean contains(int port) {
        return find(port) >= 0;
    }

    /** Removes one port (must be contained), splitting its range if needed. */
    void remove(int port) {
        int i = find(port);
        if (i < 0) {
            throw new IllegalStateException("port " + port + " is not free");
        }
        if (lo[i] == hi[i]) {
            System.arraycopy(lo, i + 1, lo, i, n - i - 1);
            System.arraycopy(hi, i + 1, hi, i, n - i - 1);
            n--;
        } else if (lo[i] == port) {
            lo[i]++;
        } else if (hi[i] == port) {
            hi[i]--;
        } else {
            if (n == lo.length) {
                lo = Arrays.copyOf(lo, n * 2);
                hi = Arrays.copyOf(hi, n * 2);
            }
            System.arraycopy(lo, i + 1, lo, i + 2, n - i - 1);
            System.arraycopy(hi, i + 1, hi, i + 2, n - i - 1);
            lo[i + 1] = port + 1;
            hi[i + 1] = hi[i];
            hi[i] = port - 1;
            n++;
        }
    }
}
