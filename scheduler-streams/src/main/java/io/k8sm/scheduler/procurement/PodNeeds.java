package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link PodRequest} resolved against one {@link Cluster}: role ids, milli amounts, the ports to
 * map.
 */
final class PodNeeds {
    final PodRequest pod;

    /** Role ids the pod may draw from, in the pod's order (roles no offer carries are left out). */
    final int[] roleIds;

    /** The same ids sorted, as the key of the cluster's index for this role set. */
    final String roleSetKey;

    final int[] roleSet;
    final long cpu;
    final long mem;

    /** Ports to map, fixed ones first (in manifest order), then wildcard ones (hostPort 0). */
    final int[] mapContainer;

    final int[] mapPort;
    final int[] mapHostPort;
    final int fixedCount;
    final String[] selectorKeys;
    final String[] selectorValues;

    /** The pod's inter-pod terms against the pods placed so far; null when none apply. */
    PodTermsFit terms;

    /** A pod-level error that no offer can cure (a host port asked twice), or null. */
    final Fit.Miss podError;

    PodNeeds(PodRequest pod, Map<String, Integer> roleIdsByName) {
        this.pod = pod;
        int[] ids = new int[pod.roles().size()];
        int k = 0;
        for (String role : pod.roles()) {
            Integer id = roleIdsByName.get(role);
            if (id != null) {
                ids[k++] = id;
            }
        }
        this.roleIds = Arrays.copyOf(ids, k);
        this.roleSet = Arrays.stream(roleIds).sorted().distinct().toArray();
        this.roleSetKey = Arrays.toString(roleSet);
        this.cpu = Units.milli(pod.cpus());
        this.mem = Units.milli(pod.memMb());

        List<int[]> fixed = new ArrayList<>();
        List<int[]> wildcard = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        Fit.Miss error = null;
        List<ContainerRequest> containers = pod.containers();
        for (int c = 0; c < containers.size(); c++) {
            List<ContainerPort> ports = containers.get(c).ports();
            for (int p = 0; p < ports.size(); p++) {
                int host = ports.get(p).hostPort();
                if (host > 0) {
                    if (!seen.add(host) && error == null) {
                        error = new Fit.Miss(
                                Shortfall.Reason.PORTS,
                                Integer.toString(host),
                                "host port " + host + " requested twice by the pod");
                    }
                    fixed.add(new int[] {c, p, host});
                } else if (pod.portMapping() == PortMappingMode.WILDCARD) {
                    wildcard.add(new int[] {c, p, 0});
                }
            }
        }
        this.podError = error;
        this.fixedCount = fixed.size();
        int n = fixed.size() + wildcard.size();
        mapContainer = new int[n];
        mapPort = new int[n];
        mapHostPort = new int[n];
        int i = 0;
        for (List<int[]> list : List.of(fixed, wildcard)) {
            for (int[] e : list) {
                mapContainer[i] = e[0];
                mapPort[i] = e[1];
                mapHostPort[i] = e[2];
                i++;
            }
        }
        Map<String, String> sel = pod.nodeSelector(); // sorted by key
        selectorKeys = sel.keySet().toArray(new String[0]);
        selectorValues = sel.values().toArray(new String[0]);
    }

    boolean hasPorts() {
        return mapHostPort.length > 0;
    }
}
