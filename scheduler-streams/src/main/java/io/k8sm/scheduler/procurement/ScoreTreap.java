package io.k8sm.scheduler.procurement;

import java.util.Arrays;

/**
 * The agents ordered by (score, index) in a treap whose nodes also hold the max effective cpu and
 * mem of their subtree, so that "the first agent from this score on with at least c cpu and m mem"
 * skips whole subtrees of agents that are short (after a while most agents are full of cpu but not
 * of mem, and a plain ordered scan would visit all of them for every pod). Node = agent index.
 * Priorities come from a fixed-seed generator: they shape the tree, never the answer.
 */
final class ScoreTreap {
    private static final int NIL = -1;
    private final long[] score;
    private final long[] cpu;
    private final long[] mem;
    private final int[] left;
    private final int[] right;
    private final int[] prio;
    private final long[] maxCpu;
    private final long[] maxMem;
    private int root = NIL;

    ScoreTreap(int capacity) {
        score = new long[capacity];
        cpu = new long[capacity];
        mem = new long[capacity];
        left = new int[capacity];
        right = new int[capacity];
        prio = new int[capacity];
        maxCpu = new long[capacity];
        maxMem = new long[capacity];
        Arrays.fill(left, NIL);
        Arrays.fill(right, NIL);
        long seed = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < capacity; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            prio[i] = (int) (seed >>> 33);
        }
    }

    private boolean less(int a, long s, int i) {
        return score[a] != s ? score[a] < s : a < i;
    }

    private void pull(int t) {
        long c = cpu[t];
        long m = mem[t];
        if (left[t] != NIL) {
            c = Math.max(c, maxCpu[left[t]]);
            m = Math.max(m, maxMem[left[t]]);
        }
        if (right[t] != NIL) {
            c = Math.max(c, maxCpu[right[t]]);
            m = Math.max(m, maxMem[right[t]]);
        }
        maxCpu[t] = c;
        maxMem[t] = m;
    }

    // split into (< key) and (>= key); results in splitL / splitR
    private int splitL;
    private int splitR;

    private void split(int t, long s, int i) {
        if (t == NIL) {
            splitL = NIL;
            splitR = NIL;
            return;
        }
        if (less(t, s, i)) {
            split(right[t], s, i);
            right[t] = splitL;
            pull(t);
            splitL = t;
        } else {
            split(left[t], s, i);
            left[t] = splitR;
            pull(t);
            splitR = t;
        }
    }

    private int merge(int a, int b) {
        if (a == NIL) {
            return b;
        }
        if (b == NIL) {
            return a;
        }
        if (prio[a] > prio[b]) {
            right[a] = merge(right[a], b);
            pull(a);
            return a;
        }
        left[b] = merge(a, left[b]);
        pull(b);
        return b;
    }

    /** Inserts agent i (not present) with its score and effective cpu/mem. */
    void insert(int i, long s, long c, long m) {
        score[i] = s;
        cpu[i] = c;
        mem[i] = m;
        left[i] = NIL;
        right[i] = NIL;
        maxCpu[i] = c;
        maxMem[i] = m;
        split(root, s, i);
        int l = splitL;
        int r = splitR;
        root = merge(merge(l, i), r);
    }

    /** Removes agent i (present). */
    void remove(int i) {
        root = removeFrom(root, i);
    }

    private int removeFrom(int t, int i) {
        if (t == i) {
            return merge(left[t], right[t]);
        }
        if (less(t, score[i], i)) {
            right[t] = removeFrom(right[t], i);
        } else {
            left[t] = removeFrom(left[t], i);
        }
        pull(t);
        return t;
    }

    /**
     * The first agent in (score, index) order at or after (s, i) with cpu >= c and mem >= m, or -1.
     */
    int first(long s, int i, long c, long m) {
        return find(root, s, i, c, m);
    }

    private int find(int t, long s, int i, long c, long m) {
        if (t == NIL || maxCpu[t] < c || maxMem[t] < m) {
            return NIL;
        }
        if (less(t, s, i)) {
            return find(right[t], s, i, c, m);
        }
        int r = find(left[t], s, i, c, m);
        if (r != NIL) {
            return r;
        }
        if (cpu[t] >= c && mem[t] >= m) {
            return t;
        }
        return find(right[t], s, i, c, m);
    }

    long score(int i) {
        return score[i];
    }
}
