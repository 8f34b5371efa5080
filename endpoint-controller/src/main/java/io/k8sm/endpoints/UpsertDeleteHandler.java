package io.k8sm.endpoints;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** An informer handler with one action for an add or an update (the new object) and one for a delete. */
final class UpsertDeleteHandler<T> implements ResourceEventHandler<T> {
    private final Consumer<T> upsert;
    private final Consumer<T> delete;

    UpsertDeleteHandler(Consumer<T> upsert, Consumer<T> delete) {
        this.upsert = upsert;
        this.delete = delete;
    }

    @Override
    public void onAdd(T obj) {
        upsert.accept(obj);
    }

    @Override
    public void onUpdate(T before, T after) {
        upsert.accept(after);
    }

    @Override
    public void onDelete(T obj, boolean finalStateUnknown) {
        delete.accept(obj);
    }
}
