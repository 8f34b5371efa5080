package io.k8sm.scheduler.procurement;

import java.util.Arrays;

/**
 * An index of the agents by what they have free in one set of roles, net of the executor charge
 * ("effective" cpu/mem: what a pod of these roles could still get there).
 *
 * <ul>
 *   <li>first-fit: a segment tree over the agents' stable order holding max effective cpu and mem,
 *       to find the leftmost agent with enough of both without visiting full agents;
 *   <li>bin-pack: the agents in a {@link ScoreTreap} ordered by (score, index), score = effCpu *
 *       refMem + effMem * refCpu (effCpu/refCpu + effMem/refMem scaled to an exact integer); a pod
 *       needing c, m can only fit agents scoring at least c * refMem + m * refCpu, and the first
 *       fitting agent from there on is the one left with the least free normalized cpu/mem.
 * </ul>
 */
final class RoleSetIndex {
    private final Cluster cluster;
    private final int[] roles;
    private long[] effCpu;
    private long[] effMem;
    private int leaves;
    private long[] maxCpu;
    private long[] maxMem;
    private ScoreTreap byScore;

    RoleSetIndex(Cluster cluster, int[] roles) {
        this.cluster = cluster;
        this.roles = roles.clone();
        int n = cluster.agentCount();
        effCpu = new long[n];
        effMem = new long[n];
        leaves = 1;
        while (leaves < Math.max(1, n)) {
            leaves <<= 1;
        }
        maxCpu = new long[2 * leaves];
        maxMem = new long[2 * leaves];
        Arrays.fill(maxCpu, Long.MIN_VALUE);
        Arrays.fill(maxMem, Long.MIN_VALUE);
        for (int i = 0; i < n; i++) {
            computeEffective(i);
            maxCpu[leaves + i] = effCpu[i];
            maxMem[leaves + i] = effMem[i];
        }
        for (int node = leaves - 1; node >= 1; node--) {
            maxCpu[node] = Math.max(maxCpu[2 * node], maxCpu[2 * node + 1]);
            maxMem[node] = Math.max(maxMem[2 * node], maxMem[2 * node + 1]);
        }
    }

    private void computeEffective(int i) {
        AgentState a = cluster.agent(i);
        long c = a.cpuIn(roles);
        long m = a.memIn(roles);
        if (!a.executorPresent) {
            c -= cluster.execCpu;
            m -= cluster.execMem;
        }
        effCpu[i] = c;
        effMem[i] = m;
    }

    /** Re-reads one agent after its free resources changed. */
    void refresh(int i) {
        computeEffective(i);
        int node = leaves + i;
        maxCpu[node] = effCpu[i];
        maxMem[node] = effMem[i];
        for (node >>= 1; node >= 1; node >>= 1) {
            maxCpu[node] = Math.max(maxCpu[2 * node], maxCpu[2 * node + 1]);
            maxMem[node] = Math.max(maxMem[2 * node], maxMem[2 * node + 1]);
        }
        if (byScore != null) {
            byScore.remove(i);
            byScore.insert(i, scoreOf(effCpu[i], effMem[i]), effCpu[i], effMem[i]);
        }
    }

    /**
     * The leftmost agent at or after {@code from} with effective cpu >= cpu and mem >= mem, or -1.
     */
    int firstAtLeast(int from, long cpu, long mem) {
        return find(1, 0, leaves - 1, from, cpu, mem);
    }

    private int find(int node, int lo, int hi, int from, long cpu, long mem) {
        if (hi < from || maxCpu[node] < cpu || maxMem[node] < mem) {
            return -1;
        }
        if (lo == hi) {
            return lo;
        }
        int mid = (lo + hi) >>> 1;
        int r = find(2 * node, lo, mid, from, cpu, mem);
        return r >= 0 ? r : find(2 * node + 1, mid + 1, hi, from, cpu, mem);
    }

    long scoreOf(long cpu, long mem) {
        return cpu * cluster.refMem + mem * cluster.refCpu;
    }

    long score(int i) {
        ensureScores();
        return byScore.score(i);
    }

    /**
     * The first agent in ascending (score, index) order, after agent {@code after} (or from the start
     * when -1), with effective cpu >= cpu and mem >= mem; -1 when none. No agent scoring below {@code
     * scoreOf(cpu, mem)} can have enough of both, so the search starts there.
     */
    int nextByScore(int after, long cpu, long mem) {
        ensureScores();
        if (after < 0) {
            return byScore.first(scoreOf(cpu, mem), -1, cpu, mem);
        }
        return byScore.first(byScore.score(after), after + 1, cpu, mem);
    }

    private void ensureScores() {
        if (byScore != null) {
            return;
        }
        int n = effCpu.length;
        byScore = new ScoreTreap(n);
        for (int i = 0; i < n; i++) {
            byScore.insert(i, scoreOf(effCpu[i], effMem[i]), effCpu[i], effMem[i]);
        }
    }
}
