package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosRecoveryTest {

    @Test
    void aKillAfterWhichPodsNeverFlowedAgainIsTheSlowestRecoveryNotTheFastest() {
        assertEquals("7.0/never", ChaosRecovery.medianAndMax(List.of(-1.0, 7.0, 3.0)));
        assertEquals("never/never", ChaosRecovery.medianAndMax(List.of(-1.0, -1.0)));
        assertEquals("2.5/9.0", ChaosRecovery.medianAndMax(List.of(9.0, 2.5, 1.0)));
    }

    @Test
    void theActiveInstanceIsTheSchedulerWithAnActiveShardOrTheLeaderAndTheStandbyTheOther() {
        String standby = "# TYPE k8sm_scheduler_shards gauge\n"
                + "k8sm_scheduler_shards{role=\"active\",service=\"scheduler\"} 0.0\n"
                + "k8sm_scheduler_shards{role=\"standby\",service=\"scheduler\"} 1.0\n";
        assertFalse(ChaosRecovery.active(standby));
        assertTrue(ChaosRecovery.standby(standby));
        assertTrue(ChaosRecovery.standby("offer_ingest_leader 0.0\n"));
        assertTrue(ChaosRecovery.active(standby.replace("} 0.0", "} 1.0")));
        assertTrue(ChaosRecovery.active("offer_ingest_leader{service=\"offer-ingest\"} 1.0\n"));
        assertFalse(ChaosRecovery.active("offer_ingest_leader 0.0\nk8sm_other_total 7.0\n"));
    }
}
