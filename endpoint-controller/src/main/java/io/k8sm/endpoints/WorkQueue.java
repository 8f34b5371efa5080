package io.k8sm.endpoints;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A de-duplicating queue of service keys: a key waiting in the queue is not queued twice, and a key
 * that is being reconciled is not handed to a second worker; if it changes meanwhile it is queued
 * again once the first reconcile is {@link #done}. So any burst of changes to one service costs at
 * most one reconcile in flight plus one waiting.
 *
 * <p>A paused queue drops what it holds and takes nothing in: a standby controller reconciles
 * nothing, and the full resync that follows {@link #resume()} when it starts to lead covers every
 * change it let go.
 */
final class WorkQueue {

    private final ArrayDeque<String> queue = new ArrayDeque<>();

    /** Keys that need a reconcile (queued, or to be re-queued when their current one is done). */
    private final Set<String> dirty = new HashSet<>();

    private final Set<String> processing = new HashSet<>();
    private boolean shutdown;
    private boolean paused;

    synchronized void add(String key) {
        if (shutdown || paused || !dirty.add(key) || processing.contains(key)) {
            return;
        }
        queue.add(key);
        notifyAll();
    }

    /** The next key, marked as being processed; null once shut down. */
    synchronized String take() throws InterruptedException {
        while (queue.isEmpty() && !shutdown) {
            wait();
        }
        if (shutdown) {
            return null;
        }
        String key = queue.poll();
        dirty.remove(key);
        processing.add(key);
        return key;
    }

    synchronized void done(String key) {
        processing.remove(key);
        if (dirty.contains(key) && !shutdown) {
            queue.add(key);
            notifyAll();
        }
    }

    /** Drops every waiting key and takes none until {@link #resume()}; reconciles in hand finish. */
    synchronized void pause() {
        paused = true;
        queue.clear();
        dirty.clear();
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    synchronized void shutdown() {
        shutdown = true;
        notifyAll();
    }

    /** Nothing waiting and nothing being processed. */
    synchronized boolean isIdle() {
        return queue.isEmpty() && processing.isEmpty();
    }

    synchronized int size() {
        return queue.size();
    }
}
