package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What {@code k8sm get} and {@code k8sm describe} read: a live scheduler's query server ({@link
 * QueryClient}) or, with {@code --at TIME}, the state a replay of the topics rebuilt ({@link
 * ReplayedState}); both answer in the query server's JSON.
 */
interface SchedulerState {

    /** Where the answers come from, for messages ("the scheduler at URL", "a replay up to TIME"). */
    String source();

    /** Every item of a kind: the answer with {@code items} and {@code unreachable}. */
    JsonNode list(String kind);

    /** One item, or empty when there is none. */
    Optional<JsonNode> one(String kind, String key);
}
