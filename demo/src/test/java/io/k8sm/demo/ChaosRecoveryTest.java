package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosRecoveryTest {

    @Test
    void aKillAfterWhichPodsNeverFlowedAgainIsTheSlowestRecoveryNotTheFastest() {
        assertEquals("7.0/never", ChaosRecovery.medianAndMax(List.of(-1.0, 7.0, 3.0)));
        assertEquals("never/never", ChaosRecovery.medianAndMax(List.of(-1.0, -1.0)));
        assertEquals("2.5/9.0", ChaosRecovery.medianAndMax(List.of(9.0, 2.5, 1.0)));
    }
}
