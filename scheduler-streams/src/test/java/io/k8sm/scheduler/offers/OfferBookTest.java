package io.k8sm.scheduler.offers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Decline;
import io.k8sm.avro.Offer;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.MapKv;
import io.k8sm.scheduler.testing.Given;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferBookTest {

    /** The offers store, counting its full scans. */
    static final class CountingKv implements Kv<String, LiveOffer> {
        final MapKv<String, LiveOffer> inner = new MapKv<>();
        int scans;

        @Override
        public LiveOffer get(String key) {
            return inner.get(key);
        }

        @Override
        public void put(String key, LiveOffer value) {
            inner.put(key, value);
        }

        @Override
        public void delete(String key) {
            inner.delete(key);
        }

        @Override
        public List<Map.Entry<String, LiveOffer>> all() {
            scans++;
            return inner.all();
        }
    }

    private final SchedulerSettings settings = SchedulerSettings.defaults();
    private final CountingKv offers = new CountingKv();
    private final MapKv<String, Long> meta = new MapKv<>();
    private final Decisions out = new Decisions(meta, settings.refuseSeconds());
    private final OfferBook book = new OfferBook(offers, meta, out, settings);

    private static Offer offer(String id) {
        return (Offer) Given.offer(id, "host-" + id).build().getEvent();
    }

    private List<String> declined() {
        return out.drain().stream()
                .filter(o -> o instanceof SchedulerOutput.Call c && c.call().getCall() instanceof Decline)
                .flatMap(o -> ((Decline) ((SchedulerOutput.Call) o).call().getCall()).getOfferIds().stream())
                .toList();
    }

    @Test
    void expiryScansTheOffersOnlyWhenAnOfferIsDueAndStillDeclinesEachAtItsTtl() {
        long t0 = 1_000_000;
        book.onOffer(offer("o1"), t0, t0);
        book.onOffer(offer("o2"), t0 + 1_000, t0 + 1_000);
        book.expire(t0 + 1_000);
        int scans = offers.scans;
        for (long t = t0 + 1_000; t < t0 + settings.offerTtlMs(); t += 10) {
            book.expire(t);
        }
        assertEquals(scans, offers.scans, "no scan before the first TTL");
        assertTrue(declined().isEmpty());
        book.expire(t0 + settings.offerTtlMs());
        assertEquals(List.of("o1"), declined());
        book.expire(t0 + settings.offerTtlMs() + 999);
        assertTrue(declined().isEmpty());
        book.expire(t0 + settings.offerTtlMs() + 1_000);
        assertEquals(List.of("o2"), declined());
        book.expire(t0 + 1_000 + settings.offerTtlMs() + settings.offerLingerMs());
        assertTrue(offers.inner.all().isEmpty(), "gone offers are forgotten after their linger time");
    }

    @Test
    void anOfferWithAnEarlierDeadlineThanTheBooksNextOneIsStillExpiredOnTime() {
        long t0 = 1_000_000;
        book.onOffer(offer("o1"), t0, t0);
        book.expire(t0);
        book.used(book.live().get(0), t0); // gone: due at its linger end, later than a new offer's TTL
        book.expire(t0 + 1);
        book.onOffer(offer("o2"), t0 + 2, t0 + 2);
        book.expire(t0 + 2 + settings.offerTtlMs());
        assertEquals(List.of("o2"), declined());
    }
}
