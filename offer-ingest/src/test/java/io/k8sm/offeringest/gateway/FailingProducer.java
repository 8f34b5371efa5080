package io.k8sm.offeringest.gateway;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A producer that fails the first {@code n} writes to one topic, as a broker outage would; the rest
 * pass through.
 */
final class FailingProducer {
    final AtomicInteger failed = new AtomicInteger();
    private final String topic;
    private final int n;

    FailingProducer(String topic, int n) {
        this.topic = topic;
        this.n = n;
    }

    @SuppressWarnings("unchecked")
    Producer<byte[], byte[]> wrap(Producer<byte[], byte[]> real) {
        return (Producer<byte[], byte[]>) Proxy.newProxyInstance(
                Producer.class.getClassLoader(), new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("send")
                            && ((ProducerRecord<?, ?>) args[0]).topic().equals(topic)
                            && failed.get() < n) {
                        failed.incrementAndGet();
                        TimeoutException e = new TimeoutException("injected: the broker did not confirm the write");
                        if (args.length == 2 && args[1] != null) {
                            ((Callback) args[1]).onCompletion(null, e);
                        }
                        return CompletableFuture.failedFuture(e);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
