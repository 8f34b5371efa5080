package io.k8sm.app.run;

import com.sun.net.httpserver.HttpHandler;
import io.k8sm.deadletter.DeadLetterConfig;
import io.k8sm.scheduler.dashboard.Dashboard;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.service.K8smService;
import io.k8sm.service.http.HttpSettings;
import java.util.Deque;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code k8sm run scheduler}: the Kafka Streams scheduler on its own. */
@Command(
        name = "scheduler",
        mixinStandardHelpOptions = true,
        description = {
            "Run the scheduler: the Kafka Streams topology that folds pods, offers, task status, framework"
                    + " and launcher events and clock ticks into the task registry, places pods on offers and writes launch"
                    + " requests, Mesos calls, registry changes, scheduler events, pod actions and dead letters.",
            "Records are Avro in the Confluent wire format through the schema registry; exactly-once by default;"
                    + " unreadable records go to the dead-letters topic. Several instances with the same"
                    + " scheduler.application.id share the work: one owns each scheduling shard, the others take over.",
            "Exit: 143 after SIGTERM (130 after Ctrl-C: 128 + the signal, as the JVM reports it) once the"
                    + " scheduler has closed, 1 when the Streams client fails, 2 on bad settings."
        },
        footer = {
            "",
            "Settings (-D KEY=VALUE, a --config file or K8SM_SCHEDULER_* variables);",
            "defaults shown, scheduler-streams/README.md explains each:",
            "  scheduler.application.id=k8sm-scheduler      (group, changelog prefix)",
            "  scheduler.processing.guarantee=exactly_once_v2  (or at_least_once)",
            "  scheduler.num.standby.replicas=1             (hot standbys; a second instance holds them)",
            "  scheduler.state.dir=                         (Kafka Streams default)",
            "  scheduler.state.store=rocksdb                (or in-memory)",
            "  scheduler.placement.policy=first-fit         (or bin-pack)",
            "  scheduler.port.mapping=wildcard              (or fixed)",
            "  scheduler.offer.ttl.ms=5000                  (then unused offers are declined)",
            "  scheduler.offer.linger.ms=120000",
            "  scheduler.offer.refuse.seconds=5.0",
            "  scheduler.backoff.initial.ms=1000",
            "  scheduler.backoff.max.ms=60000",
            "  scheduler.max.attempts=20                    (then one FAILED_SCHEDULING; retried at the longest backoff; 0 = no cap)",
            "  scheduler.reconcile.min.interval.ms=15000",
            "  scheduler.reconcile.explicit.backoff.initial.ms=1000",
            "  scheduler.reconcile.explicit.backoff.max.ms=120000",
            "  scheduler.reconcile.implicit.initial.delay.ms=15000",
            "  scheduler.reconcile.implicit.interval.ms=300000",
            "  scheduler.framework.roles=*",
            "  scheduler.default.pod.roles=*",
            "  scheduler.executor.id=k8sm-executor",
            "  scheduler.executor.cpus=0.25",
            "  scheduler.executor.mem.mb=128",
            "  scheduler.default.container.cpus=0.25",
            "  scheduler.default.container.mem.mb=64",
            "  scheduler.finished.retained=1024",
            "  scheduler.deletion.guard.max.share=0.1       (bound pods deleted per window without an operator)",
            "  scheduler.deletion.guard.window.ms=600000",
            "  scheduler.deletion.guard.min.count=3",
            "  scheduler.reconcile.max.tasks.per.call=1000  (a larger explicit reconcile is several calls)",
            "  scheduler.clock.max.skew.ms=60000            (a clock tick further ahead of its record is dead-lettered)",
            "  scheduler.max.record.bytes=1000000           (a larger output is dead-lettered, truncated)",
            "  scheduler.query.listen=                      (HOST:PORT serving k8sm get/describe, e.g. 0.0.0.0:8085)",
            "  scheduler.query.advertised=                  (HOST:PORT other instances reach it at)",
            "  scheduler.query.url=http://localhost:8085    (where k8sm get/describe look; not used by the scheduler)",
            "  scheduler.http.port=9410                     (/metrics, /healthz, /readyz, the dashboard at /; 0 free, -1 off)",
            "  scheduler.connect.timeout.ms=30000           (brokers and registry must answer at start within this)",
            "  kafka.*   passed to Kafka Streams (kafka.commit.interval.ms=100, ...)"
        })
public class RunScheduler extends RunService<SchedulerConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(RunScheduler.class);

    public RunScheduler() {
        super("scheduler", "scheduler.", HttpSettings.SCHEDULER, SchedulerConfig::definition, SchedulerConfig::from);
    }

    @Override
    protected K8smService create(SchedulerConfig config, Deque<AutoCloseable> closeAfter) {
        SchedulerService scheduler = new SchedulerService(config);
        scheduler.streams().setStateListener((next, previous) -> {
            if (next == KafkaStreams.State.ERROR) {
                LOG.error("the scheduler's Kafka Streams client failed ({} -> {}); exiting with 1", previous, next);
                // Not on the Streams thread that reports the failure: closing waits for that
                // thread.
                new Thread(() -> System.exit(1), "k8sm-scheduler-exit").start();
            }
        });
        return scheduler; // start() logs the application id, state dir, brokers, registry and topics
    }

    /** The live dashboard at / and its data at /api/dashboard, beside /metrics, /healthz and /readyz. */
    @Override
    protected Map<String, HttpHandler> routes(K8smService service) {
        return Dashboard.routes(() -> (SchedulerService) service);
    }

    @Override
    protected void stopped() {
        DeadLetterConfig.closeSharedPublishers();
    }
}
