package io.k8sm.app;

import static io.k8sm.app.CommandLineTest.k8sm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code k8sm run offer-ingest}: its options and the errors that name the key at fault. */
class RunOfferIngestTest {

    @Test
    void helpListsTheMesosOptions() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(
                r.out().contains("--mesos-master")
                        && r.out().contains("--framework-name")
                        && r.out().contains("mesos.master"),
                r.out());
    }

    @Test
    void missingMasterIsAConfigurationErrorNamingTheKey() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.master"), r.err());
    }

    @Test
    void masterThatIsNotAnHttpUrlIsRejectedNamingTheKeyAndTheFlag() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--mesos-master", "ftp://m1:5050");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.master") && r.err().contains("http(s)://host:port"), r.err());
    }

    @Test
    void secretWithoutPrincipalIsRejectedNamingBothKeys() {
        CommandLineTest.Run r =
                k8sm("run", "offer-ingest", "--mesos-master", "http://m1:5050", "-D", "mesos.secret=s3cret");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.secret") && r.err().contains("mesos.principal"), r.err());
        assertTrue(!r.err().contains("s3cret"), "the secret is not printed: " + r.err());
    }

    @Test
    void unknownMesosKeyIsRejected() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--mesos-master", "http://m1:5050", "-D", "mesos.mastr=x");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.mastr"), r.err());
    }
}
