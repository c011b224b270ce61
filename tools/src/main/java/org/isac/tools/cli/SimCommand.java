package org.isac.tools.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.isac.sim.Scenario;
import org.isac.sim.SimRadio;
import org.isac.sim.SimReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A simulated front end against any controller. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Run a simulated front end against a controller and report what its weights achieve.")
public final class SimCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "controller host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "" + Defaults.PORT, description = "controller port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--seconds", defaultValue = "10", description = "how long to send reports (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
    Path report;

    @Option(names = "--radios", defaultValue = "1",
            description = "simulated radios, each its own id (<id>-i) and seed (default: ${DEFAULT-VALUE})")
    int radios;

    @Option(names = "--plots", paramLabel = "DIR", description = "write the latency CCDF PNG into DIR")
    Path plots;

    @Option(names = "--load", description = "load generator: no scoring (genie, ZF, tau; genieEvery=0), only latency and"
            + " accounting, so many radios fit in one process")
    boolean load;

    @Option(names = "--tls", paramLabel = "DIR",
            description = "mutual TLS with radio-<id>.crt/.key and ca.crt from DIR (isac certs --radio <id>)")
    Path tls;

    @Option(names = "--reconnect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "when the controller says goodbye or the connection drops, count the pending reports as"
                    + " DISCONNECTED, reconnect with back-off (0.1 s doubling to 2 s) and go on (default: on)")
    boolean reconnect;

    @Option(names = "--warmup-seconds", defaultValue = "0", paramLabel = "S",
            description = "first run the same radios for S s under ids <id>-warm-up…, not counted, so that this JVM has"
                    + " compiled its loop (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--rt-priority", defaultValue = "0", paramLabel = "P",
            description = "run the radios' event loops in Linux's real-time class SCHED_FIFO at P (needs root, CAP_SYS_NICE"
                    + " or an rtprio limit; refused: the fair class, and the summary says so); 0 = off (default: ${DEFAULT-VALUE})")
    int rtPriority;

    @Option(names = "--cpu-latency-us", defaultValue = "off", paramLabel = "US|off",
            converter = ControllerOptions.CpuLatencyConverter.class,
            description = "hold this machine's CPU wake-up latency limit (/dev/cpu_dma_latency) at US microseconds while the"
                    + " radios run, as the controller's option of that name does (at 0 idle CPUs poll, so a radio's event"
                    + " loop woken by an update runs at once); for radios on another machine than the controller; needs"
                    + " root, else the summary says why it is not held (default: ${DEFAULT-VALUE})")
    String cpuLatency;

    @Mixin
    ScenarioOptions scenario;

    @Mixin
    RecordOptions record = new RecordOptions();

    @Override
    public Integer call() throws Exception {
        if (radios < 1 || radios > 256) {
            throw new IllegalArgumentException("--radios must be in 1..256, got " + radios);
        }
        Scenario s = scenario.scenario(load ? Map.of("genieEvery", "0") : Map.of());
        int latencyUs = ControllerOptions.cpuLatencyUs(cpuLatency);
        try (org.isac.proto.sched.CpuLatency idle = latencyUs < 0 ? null : org.isac.proto.sched.CpuLatency.request(latencyUs)) {
            return run(s, idle);
        }
    }

    private int run(Scenario s, org.isac.proto.sched.CpuLatency idle) throws Exception {
        if (warmupSeconds > 0) {
            Scenario w = s.toBuilder().set("radioId", s.radioId() + "-warm-up").set("reportLimit", "0").build();
            SimReport wr = DemoCommand.runRadios(w, host, port, radios, Duration.ofNanos((long) (warmupSeconds * 1e9)), tls, false);
            System.err.printf("warm-up: %d reports under %s…, not counted%n", wr.reportsSent(), w.radioId());
        }
        SimReport r;
        org.isac.proto.sched.SchedPolicy.Grants sched = new org.isac.proto.sched.SchedPolicy.Grants();
        org.isac.proto.record.Recorder rec = record.open(System::nanoTime, org.isac.proto.record.RecordFormat.Role.FRONT_END);
        // this machine's (the radios') steal: on a VM the host can hold every CPU for milliseconds
        org.isac.proto.sched.HostSteal.Interval steal = org.isac.proto.sched.HostSteal.Interval.start();
        try {
            r = DemoCommand.runRadios(s, host, port, radios, Duration.ofNanos((long) (seconds * 1e9)), tls, reconnect, rec,
                    org.isac.proto.net.Transport.AUTO, rtPriority, sched);
            steal.stop();
        } finally {
            if (rec != null) {
                rec.close(); // after the radios closed: their CLOSE records are in
            }
        }
        if (rec != null) {
            System.err.printf("recording: %d records written to %s, %d dropped%n", rec.written(), rec.dir(), rec.dropped());
        }
        System.out.println(r.summary());
        if (rtPriority > 0) {
            System.out.println("radio scheduling: " + sched);
        }
        if (steal.line() != null) {
            System.out.println(steal.line());
        }
        if (idle != null) {
            System.out.println("cpu idle: " + idle.describe());
        }
        Reports.writeJson(report, r.toJson(Map.of("host_steal_ms", steal.json(), "cpu_latency_us",
                idle != null && idle.held() ? Integer.toString(idle.microseconds()) : "null")));
        if (plots != null) {
            LatencyPlots.write(plots, "sim", r);
        }
        return r.unaccounted() == 0 ? 0 : 4;
    }
}
