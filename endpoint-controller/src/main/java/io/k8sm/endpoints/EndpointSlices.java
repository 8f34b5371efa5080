package io.k8sm.endpoints;

import io.k8sm.endpoints.EndpointsReconciler.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How {@link EndpointsReconciler} lays a service's endpoints out in EndpointSlices: one group per address type and
 * port list, chunks of {@link EndpointsReconciler#MAX_ENDPOINTS_PER_SLICE}, names stable across runs and JVMs.
 */
final class EndpointSlices {

    static final Comparator<List<PortSpec>> PORT_LIST_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = PortSpec.ORDER.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private EndpointSlices() {}

    static List<SliceState> slices(
            String ns, String service, Owner owner, Map<String, String> labels, List<Entry> entries) {
        Map<String, Map<List<PortSpec>, List<SliceEndpointSpec>>> groups = new TreeMap<>();
        for (Entry e : entries) {
            Address a = e.address();
            groups.computeIfAbsent(addressType(a.ip()), k -> new TreeMap<>(PORT_LIST_ORDER))
                    .computeIfAbsent(e.ports(), k -> new ArrayList<>())
                    .add(new SliceEndpointSpec(a.ip(), e.ready(), a.nodeName(), a.hostname(), a.pod()));
        }
        List<SliceState> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        if (groups.isEmpty()) {
            // An empty placeholder says "seen, no endpoints" (as Kubernetes' controller does).
            out.add(new SliceState(
                    ns, sliceName(service, "IPv4|", 0, used), "IPv4", labels, owner, List.of(), List.of()));
            return out;
        }
        groups.forEach((type, byPorts) -> byPorts.forEach((ports, eps) -> {
            List<SliceEndpointSpec> sorted =
                    eps.stream().distinct().sorted(SliceEndpointSpec.ORDER).toList();
            String groupKey = type + "|" + portsKey(ports);
            for (int from = 0, chunk = 0;
                    from < sorted.size();
                    from += EndpointsReconciler.MAX_ENDPOINTS_PER_SLICE, chunk++) {
                List<SliceEndpointSpec> part = sorted.subList(
                        from, Math.min(sorted.size(), from + EndpointsReconciler.MAX_ENDPOINTS_PER_SLICE));
                out.add(new SliceState(
                        ns, sliceName(service, groupKey, chunk, used), type, labels, owner, ports, part));
            }
        }));
        return out;
    }

    /** A stable name: the service name, a hash of the address type and ports, the chunk number. */
    private static String sliceName(String service, String groupKey, int chunk, Set<String> used) {
        String base = service + "-" + hash(groupKey) + (chunk == 0 ? "" : "-" + chunk);
        String name = base;
        for (int i = 2; !used.add(name); i++) {
            name = base + "-" + i; // a hash collision between two groups of one service
        }
        return name;
    }

    private static String portsKey(List<PortSpec> ports) {
        StringBuilder sb = new StringBuilder();
        for (PortSpec p : ports) {
            sb.append(p.name())
                    .append('/')
                    .append(p.protocol())
                    .append('/')
                    .append(p.port())
                    .append('/')
                    .append(Objects.toString(p.appProtocol(), ""))
                    .append(',');
        }
        return sb.toString();
    }

    /** FNV-1a, 40 bits, as 10 hex digits: stable across JVMs, unlike String.hashCode's spread. */
    private static String hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        String hex = Long.toHexString((h ^ (h >>> 40)) & 0xffffffffffL);
        return "0".repeat(10 - hex.length()) + hex;
    }

    static String addressType(String ip) {
        return ip.indexOf(':') >= 0 ? "IPv6" : "IPv4";
    }
}
