package io.k8sm.scheduler.procurement;

/** The fit rules of one pod against what is left on one agent. Pure: nothing is changed. */
final class Fit {
    private Fit() {}

    /** Why an agent does not fit. */
    record Miss(Shortfall.Reason reason, String subject, String text) {}

    /**
     * Checks every rule in a fixed order (node name, node selector, required node affinity, taints,
     * inter-pod (anti-)affinity, role, cpu, mem, executor, ports).
     *
     * @return null when the pod fits, else the first rule it breaks
     */
    static Miss check(PodNeeds n, AgentState a, long execCpu, long execMem) {
        if (n.podError != null) {
            return n.podError;
        }
        String nodeName = n.pod.nodeName();
        // spec.nodeName names a Kubernetes node: the launcher binds to NodeNames.toNodeName(hostname), not the hostname
        if (!nodeName.isEmpty() && !nodeName.equals(a.nodeName)) {
            return new Miss(Shortfall.Reason.NODE_NAME, nodeName, "not host " + nodeName);
        }
        for (int i = 0; i < n.selectorKeys.length; i++) {
            if (!n.selectorValues[i].equals(a.labels.get(n.selectorKeys[i]))) {
                String label = n.selectorKeys[i] + "=" + n.selectorValues[i];
                return new Miss(Shortfall.Reason.NODE_SELECTOR, label, "without label " + label);
            }
        }
        if (!n.pod.nodeAffinity().admits(a.labels, a.nodeName)) {
            return new Miss(Shortfall.Reason.NODE_AFFINITY, "", "not matching the pod's required node affinity");
        }
        for (Taint t : a.taints) {
            if (t.forbids() && !Toleration.anyTolerates(n.pod.tolerations(), t)) {
                return new Miss(Shortfall.Reason.TAINT, t.toString(), "with untolerated taint " + t);
            }
        }
        if (n.terms != null) {
            Miss m = n.terms.check(a.labels);
            if (m != null) {
                return m;
            }
        }
        if (!a.hasAnyRole(n.roleIds)) {
            String roles = String.join(",", n.pod.roles());
            return new Miss(
                    Shortfall.Reason.ROLE,
                    roles,
                    n.pod.roles().isEmpty()
                            ? "unusable: the pod has no role it may use"
                            : "without resources in roles [" + roles + "]");
        }
        long cpu = a.cpuIn(n.roleIds);
        if (cpu < n.cpu) {
            String need = Units.format(n.cpu);
            return new Miss(Shortfall.Reason.CPU, need, "short of cpu (need " + need + ")");
        }
        long mem = a.memIn(n.roleIds);
        if (mem < n.mem) {
            String need = Units.format(n.mem);
            return new Miss(Shortfall.Reason.MEM, need, "short of mem (need " + need + " MB)");
        }
        if (!a.executorPresent && (cpu < n.cpu + execCpu || mem < n.mem + execMem)) {
            return new Miss(
                    Shortfall.Reason.EXECUTOR,
                    "",
                    "short of executor resources (cpu "
                            + Units.format(execCpu)
                            + ", mem "
                            + Units.format(execMem)
                            + " MB)");
        }
        if (n.hasPorts()) {
            PortPick pick = pickPorts(n, a);
            return pick.miss;
        }
        return null;
    }

    /** The host ports (and their role ids) a pod would take on an agent, or why it cannot. */
    static final class PortPick {
        final int[] hostPorts;
        final int[] roles;
        Miss miss;

        PortPick(int size) {
            hostPorts = new int[size];
            roles = new int[size];
        }
    }

    /**
     * Fixed host ports first: each must be free in a range of one of the pod's roles (the first role,
     * in the pod's order, that has it). Then each wildcard port takes the lowest free port not yet
     * picked, walking the pod's roles in order and each role's ranges in ascending order, across all
     * ranges.
     */
    static PortPick pickPorts(PodNeeds n, AgentState a) {
        int size = n.mapHostPort.length;
        PortPick pick = new PortPick(size);
        for (int i = 0; i < n.fixedCount; i++) {
            int port = n.mapHostPort[i];
            int role = -1;
            for (int r : n.roleIds) {
                if (a.ports[r] != null && a.ports[r].contains(port)) {
                    role = r;
                    break;
                }
            }
            if (role < 0) {
                boolean offered = false;
                for (int r : n.roleIds) {
                    offered |= a.offeredPorts[r] != null && a.offeredPorts[r].contains(port);
                }
                pick.miss = new Miss(
                        Shortfall.Reason.PORTS,
                        Integer.toString(port),
                        "host port " + port + (offered ? " taken" : " not offered"));
                return pick;
            }
            pick.hostPorts[i] = port;
            pick.roles[i] = role;
        }
        int next = n.fixedCount;
        outer:
        for (int r : n.roleIds) {
            PortSet free = a.ports[r];
            if (free == null) {
                continue;
            }
            for (int g = 0; g < free.rangeCount(); g++) {
                for (int port = free.rangeBegin(g); port <= free.rangeEnd(g); port++) {
                    if (next == size) {
                        break outer;
                    }
                    if (!pickedAlready(pick.hostPorts, next, port)) {
                        pick.hostPorts[next] = port;
                        pick.roles[next] = r;
                        next++;
                    }
                }
            }
        }
        if (next < size) {
            int wanted = size - n.fixedCount;
            pick.miss = new Miss(
                    Shortfall.Reason.PORTS,
                    "*",
                    "short of free host ports (" + wanted + " wildcard port" + (wanted == 1 ? "" : "s") + ")");
        }
        return pick;
    }

    private static boolean pickedAlready(int[] picked, int count, int port) {
        for (int i = 0; i < count; i++) {
            if (picked[i] == port) {
                return true;
            }
        }
        return false;
    }
}
