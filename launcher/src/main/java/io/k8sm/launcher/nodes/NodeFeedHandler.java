package io.k8sm.launcher.nodes;

import io.k8sm.avro.AgentLost;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.launcher.kubeapi.PerPod;
import io.k8sm.topics.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The node loop's work on one batch of {@code offers} and {@code framework} records: every agent
 * that sends offers is a Node, a lost agent's Node turns NotReady ({@link NodeRegistrar}). Each
 * agent's records are handled in order, different agents in parallel, at most {@code concurrency}
 * at once; a transient API error retries the batch, a permanent one dead-letters that record.
 *
 * <p>It is a loop of its own, apart from the bridge's task statuses and pod actions: offers arrive
 * for every agent every few seconds, and a Node API that is slow or failing must not hold back a
 * single binding or pod status.
 */
public final class NodeFeedHandler implements TransactionalLoop.BatchHandler {
    private final Outputs out;
    private final NodeRegistrar nodes;
    private final PerPod agents;

    public NodeFeedHandler(Outputs out, NodeRegistrar nodes, int concurrency) {
        this.out = out;
        this.nodes = nodes;
        this.agents = new PerPod(out, concurrency);
    }

    @Override
    public List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch)
            throws TransactionalLoop.RetryLater {
        Map<String, List<ConsumerRecord<String, byte[]>>> byAgent = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> raw : batch) {
            byAgent.computeIfAbsent(agentOf(raw), k -> new ArrayList<>()).add(raw);
        }
        return agents.run(new ArrayList<>(byAgent.values()), (raw, records) -> handleOne(raw));
    }

    /** The agent an offer or an agent loss is about (its group); any other record is its own group. */
    private String agentOf(ConsumerRecord<String, byte[]> raw) {
        try {
            Object event = event(raw);
            if (event instanceof Offer offer) {
                return "agent " + offer.getAgentId();
            }
            if (event instanceof AgentLost lost) {
                return "agent " + lost.getAgentId();
            }
        } catch (RuntimeException e) {
            // unreadable: its own group, whose pass dead-letters it
        }
        return raw.topic() + "@" + raw.partition() + "@" + raw.offset();
    }

    private void handleOne(ConsumerRecord<String, byte[]> raw) {
        Object event = event(raw);
        if (event instanceof Offer offer) {
            nodes.onOffer(offer);
        } else if (event instanceof AgentLost lost) {
            nodes.onAgentLost(lost.getAgentId(), lost.getHostname());
        }
    }

    /** The record's offer or agent loss; null for any other event (a rescind, a subscription). */
    private Object event(ConsumerRecord<String, byte[]> raw) {
        Topic topic = out.topics()
                .byName(raw.topic())
                .orElseThrow(() -> new IllegalArgumentException("record from unexpected topic " + raw.topic()));
        Object event = switch (topic) {
            case OFFERS -> {
                OfferEvent e = out.codec().decode(OfferEvent.class, raw.topic(), raw.value());
                yield e == null ? null : e.getEvent();
            }
            case FRAMEWORK -> {
                FrameworkEvent e = out.codec().decode(FrameworkEvent.class, raw.topic(), raw.value());
                yield e == null ? null : e.getEvent();
            }
            default -> throw new IllegalArgumentException("record from unexpected topic " + raw.topic());
        };
        return event instanceof Offer || event instanceof AgentLost ? event : null;
    }
}
