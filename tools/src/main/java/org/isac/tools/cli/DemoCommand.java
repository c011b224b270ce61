package org.isac.tools.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.netty.channel.EventLoopGroup;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.sim.Scenario;
import org.isac.sim.SimRadio;
import org.isac.sim.SimReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Controller and simulated radios on loopback in one JVM. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Close the loop on this machine: a controller and simulated radios on loopback in one JVM",
                "(default: N = 64, K = 4, M = " + DemoCommand.DEMO_RF_CHAINS + " RF chains, the trained "
                        + DemoCommand.DEMO_SOLVER + " JCAS precoder, 1 kHz, 10 s).",
                "Prints what every report became, capture->applied latency and the achieved sum rate",
                "against the genie (same solver, zero latency) and the digital ZF rate."})
public final class DemoCommand implements Callable<Integer> {
    /** The demo's solver until an option names another: the trained hybrid JCAS precoder. */
    static final String DEMO_SOLVER = "hybrid-upga";
    /** The demo's solver for a wideband run ({@code --subbands} &gt; 1): one F for the band, a W_s per subband. */
    static final String WIDEBAND_DEMO_SOLVER = "hybrid-upga-wb";
    /** Report period and deadline budget of a wideband demo unless options set them, µs. */
    static final long WIDEBAND_PERIOD_US = 4000;
    /**
     * {@code --rt-priority} of the demo: its controller's solve thread at 10, its event loops and the
     * simulated radios' at 11, where the process may (reports/capacity/PROFILE.md: on the 2-core
     * machine, the late updates that remain otherwise wait out JIT compilations and a kernel
     * worker in the fair class).
     */
    static final int DEMO_RT_PRIORITY = 10;
    /**
     * {@code --cpu-latency-us} of the demo: idle CPUs poll, where the process may (docs/DESIGN.md,
     * "Idle CPUs": on the 2-core virtual machine, waking a thread on a halted virtual CPU waited
     * for the host, and the controller's hand-off to the socket writer ran 56 µs at the median
     * without and 22–33 µs with).
     */
    static final int DEMO_CPU_LATENCY_US = 0;
    /**
     * The warm-up goes on while the JIT compiled more than this share of its sessions' time (in %,
     * summed over compiler threads). On the 2-core machine a default demo's JIT compiled ≈ 1.9 s in each of
     * the first four 2 s sessions, 70–180 ms in each of the next five and 14–56 ms after
     * (CompilationMXBean); what it still compiled when the measured run began ran beside it in the
     * measured run's first seconds, where the CPU stalls and late updates crowded (docs/DESIGN.md, "Warm-up").
     */
    static final double JIT_QUIET_PERCENT = 2.5;
    /** The warm-up sends reports this many times faster than the scenario (more calls through the loop per second). */
    static final int WARMUP_RATE_FACTOR = 2;
    /** RF chains of the demo's front end when the solver is hybrid and no option sets them. */
    static final int DEMO_RF_CHAINS = 4;

    @Option(names = "--seconds", defaultValue = "10", description = "how long the radios send reports (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--radios", defaultValue = "1", description = "simulated radios, each its own seed and id (default: ${DEFAULT-VALUE})")
    int radios;

    @Option(names = "--warmup-seconds", defaultValue = "6", paramLabel = "S",
            description = {"before the measured run, throwaway controllers and radios run the same scenario for S s in all",
                    "(--warmup-sessions of them, one after another, reports at twice the scenario's rate, the last at its rate",
                    "with twice its deadline budget, so that solves both stop early and run all layers) in this JVM,",
                    "so that the JIT has compiled the whole loop (radio side included) and the run shows the steady",
                    "state; then more sessions, a fast and a roomy one at a time, while the JIT still compiles more than",
                    JIT_QUIET_PERCENT + " % of the time, up to --warmup-max-seconds; 0 = start cold (default: ${DEFAULT-VALUE})"})
    double warmupSeconds;

    @Option(names = "--warmup-max-seconds", defaultValue = "30", paramLabel = "S",
            description = {"the longest the warm-up goes on waiting for the JIT to go quiet (default: ${DEFAULT-VALUE})"})
    double warmupMaxSeconds;

    @Option(names = "--warmup-sessions", defaultValue = "3", paramLabel = "N",
            description = {"sessions the warm-up is cut into: code that runs once per session (hello, a new controller,",
                    "a closing one) otherwise first runs in the measured run and sends the JIT back to interpreted",
                    "code there (default: ${DEFAULT-VALUE})"})
    int warmupSessions;

    @Option(names = "--tls", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = {"run the loop over mutual TLS: with DIR, its certificates (isac certs, with the demo's radio ids);",
                    "without, a throwaway lab CA and certificates made for this run"})
    String tls;

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "serve the controller's metrics on http://127.0.0.1:P/metrics while the demo runs")
    Integer metricsPort;

    @Option(names = "--http-port", paramLabel = "P",
            description = "serve the live web view on http://127.0.0.1:P/ while the demo runs (0 = any free port; docs/LIVE.md)")
    Integer httpPort;

    @Option(names = "--http-period-ms", paramLabel = "MS", defaultValue = "500",
            description = "time between the live view's snapshots (default: ${DEFAULT-VALUE})")
    long httpPeriodMs;

    @Option(names = "--cpu-stalls", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = {"watch each CPU for times it could not run the loop's most urgent thread (a real-time thread",
                    "per CPU, woken every 1 ms) and say which deadline misses such a stall explains; a diagnosis, not for",
                    "figures: the watchers' wakes cost the solves layers (docs/DESIGN.md, \"CPU stalls\") (default: off)"})
    boolean cpuStalls;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
    Path report;

    @Option(names = "--plots", paramLabel = "DIR", description = "write latency CDF PNG plots into DIR")
    Path plots;

    @Mixin
    ScenarioOptions scenario;

    @Mixin
    ControllerOptions controller = new ControllerOptions(DEMO_SOLVER, DEMO_RT_PRIORITY, DEMO_CPU_LATENCY_US);

    @Mixin
    RecordOptions record = new RecordOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (radios < 1 || radios > 256) {
            throw new IllegalArgumentException("--radios must be in 1..256, got " + radios);
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        }
        boolean hybrid = scenario.solver == null || scenario.solver.startsWith("hybrid");
        Map<String, String> dflt = new java.util.HashMap<>();
        if (hybrid) {
            dflt.put("rfChains", Integer.toString(DEMO_RF_CHAINS));
        }
        Scenario base = scenario.scenario(dflt);
        if (base.subbands() > 1 && base.rfChains() > 0 && scenario.rateHz == null && scenario.deadlineUs == null) {
            // one shared F over S subbands takes milliseconds (hybrid-upga-wb at N = 64, S = 16: ≈ 2.3 ms for its
            // ten layers on the 2-core Zen 3 of reports/wideband/): a hybrid wideband demo reports at 250 Hz with a 4 ms
            // budget (a digital one keeps 1 kHz: rzf solves 16 subbands in ≈ 14 µs)
            dflt.put("reportPeriodUs", Long.toString(WIDEBAND_PERIOD_US));
            dflt.put("deadlineBudgetUs", Long.toString(WIDEBAND_PERIOD_US));
            base = scenario.scenario(dflt);
        }
        // the radio's solver is the policy too, unless --default-solver names another
        boolean policyNamed = spec.commandLine().getParseResult().hasMatchedOption("--default-solver");
        if (!base.solver().isEmpty() && !policyNamed) {
            controller.defaultSolver = base.solver();
        } else if (base.subbands() > 1 && !policyNamed) {
            controller.defaultSolver = base.rfChains() > 0 ? WIDEBAND_DEMO_SOLVER : "rzf";
        }
        Path tlsDir = tls == null ? null : tls.isEmpty() ? throwawayLab(base, radios) : Path.of(tls);
        if (tls != null && tls.isEmpty()) {
            deleteOnExit(tlsDir); // its keys are this run's only
        }
        ControllerConfig cfg = controller.apply(ControllerConfig.builder().port(0))
                .tls(tlsDir == null ? null : org.isac.controller.tls.TlsFiles.server(tlsDir)).build();
        if (warmupSeconds > 0) {
            warmUp(cfg, base, warmupSeconds, warmupSessions, Math.max(warmupSeconds, warmupMaxSeconds), tlsDir,
                    record.dir != null, httpPort != null);
        }
        SimReport merged;
        Map<String, String> anytime;
        org.isac.proto.sched.HostSteal.Interval steal;
        org.isac.proto.sched.CpuStalls.Result stalls;
        org.isac.proto.sched.SchedPolicy.Grants radioSched = new org.isac.proto.sched.SchedPolicy.Grants();
        org.isac.controller.live.LiveTaps taps = httpPort == null ? null : new org.isac.controller.live.LiveTaps(cfg.clock());
        try (Controller c = new Controller(cfg).record(record.open(cfg.clock())).live(taps).start();
             org.isac.controller.live.LiveView view = taps == null ? null : org.isac.controller.live.LiveView.start(taps, c::metrics,
                     c::openConnections, cfg.defaultSolver(), "127.0.0.1", httpPort, httpPeriodMs)) {
            if (view != null) {
                System.err.println("live view on " + view.url());
            }
            System.err.printf("controller on %s%s, policy %s; %d simulated radio(s) for %.1f s%n",
                    c.address(), tlsDir == null ? "" : " (mutual TLS)", cfg.defaultSolver(), radios, seconds);
            try (org.isac.controller.metrics.MetricsEndpoint endpoint = metricsPort == null ? null
                    : org.isac.controller.metrics.MetricsEndpoint.start("127.0.0.1", metricsPort, c::metrics, c::openConnections, c.recorder())) {
                if (endpoint != null) {
                    System.err.printf("metrics on http://127.0.0.1:%d/metrics%n", endpoint.port());
                }
                steal = org.isac.proto.sched.HostSteal.Interval.start();
                org.isac.proto.sched.CpuStalls watch = cpuStalls ? org.isac.proto.sched.CpuStalls.start() : null;
                try {
                    merged = runRadios(base, "127.0.0.1", c.port(), radios, Duration.ofNanos((long) (seconds * 1e9)), tlsDir,
                            false, null, controller.transport, radioRtPriority(cfg), radioSched);
                } finally {
                    stalls = watch == null ? null : watch.stop();
                    steal.stop();
                }
            }
            System.out.print(stalls == null ? merged.summary() : merged.summary(span -> stallNote(stalls, span)));
            if (stalls != null && merged.deadlineMisses() > 0) {
                System.out.println(explainedLine(stalls, merged));
            }
            System.out.print(c.summary());
            if (cfg.rtPriority() > 0) {
                System.out.println("radio scheduling: " + radioSched);
            }
            if (steal.line() != null) {
                System.out.println(steal.line());
            }
            if (stalls != null) {
                System.out.println(stalls.line());
            }
            anytime = anytimeFields(c.metrics());
            anytime.put("host_steal_ms", steal.json());
            anytime.put("cpu_stalls", stalls == null ? "null" : stalls.json());
            boolean known = stalls != null && stalls.measured() && stalls.safepointsVisible();
            anytime.put("deadline_misses_in_cpu_stalls", known ? Long.toString(explained(stalls, merged)) : "null");
            anytime.put("deadline_misses_overlapping_cpu_stalls", known ? Long.toString(overlapped(stalls, merged)) : "null");
            anytime.put("cpu_latency_us", c.cpuLatencyHeldUs() < 0 ? "null" : Integer.toString(c.cpuLatencyHeldUs()));
        }
        Reports.writeJson(report, merged.toJson(anytime));
        if (plots != null) {
            LatencyPlots.write(plots, "demo", merged);
        }
        return merged.unaccounted() == 0 ? 0 : 4;
    }

    /**
     * Runs the scenario's first radio against a throwaway controller with the same configuration
     * for {@code seconds} in all, cut into {@code sessions} sessions (a new controller and radio
     * each, in the fair class whatever {@code cfg} asks), reports at {@link #WARMUP_RATE_FACTOR} times
     * the scenario's rate except in the last session, which runs at the scenario's rate with twice
     * its deadline budget, and discards them: the JIT has then compiled the loop. While the JIT
     * still compiled more than {@value #JIT_QUIET_PERCENT} % of the time, a fast and a roomy session
     * follow, pair after pair, until {@code maxSeconds} in all. The last session
     * is there for the solves that run all their layers: in the fair class at twice the rate every
     * warm-up solve stopped early (the margin stays at half the budget while the acks' hand-off
     * tail is long), the measured run's solves mostly run all layers once their margin is
     * measured, and code compiled having seen only early stops trapped on the first full one
     * ({@code unstable_if} in {@code ControllerMetrics.recordLayers}, 1.0 s into every measured run,
     * {@code -Xlog:deoptimization=debug}; reports/capacity/PROFILE.md). One session is not
     * enough: a new controller, a hello, a first report and a closing controller take branches
     * that the steady state never takes, and the compiled code that meets them for the first time
     * is thrown away and runs interpreted again for seconds. With {@code -XX:+PrintCompilation},
     * the measured 10 s of a default demo after one 2 s session saw ≈ 300 C2 compilations (28 of
     * them after such traps); after three sessions ≈ 45 (reports/capacity/PROFILE.md). When the measured controller records
     * ({@code recorded}) or feeds the live view ({@code live}), so do the throwaway ones (into a
     * temporary directory, deleted after; taps nobody reads): their handlers are in every
     * session's pipeline, and code compiled without them traps ({@code class_check}) on the
     * measured session's first reports.
     */
    static void warmUp(ControllerConfig cfg, Scenario base, double seconds, int sessions, double maxSeconds, Path tlsDir,
            boolean recorded, boolean live) throws Exception {
        if (sessions < 1) {
            throw new IllegalArgumentException("--warmup-sessions must be >= 1, got " + sessions);
        }
        long t0 = System.nanoTime();
        // in the fair class: real-time threads at twice the rate leave the JIT's compiler threads so
        // little CPU that their queue reached into the measured run (274–389 C2 compilations there
        // against 63–74 with the warm-up in the fair class, two runs each; reports/capacity/PROFILE.md)
        ControllerConfig throwaway = cfg.toBuilder().weightEncoder(cfg.weightEncoder().uncounted()).rtPriority(0).build();
        String id = base.radioId() + "-warm-up";
        Scenario fast = base.toBuilder().set("radioId", id)
                .reportPeriodUs(Math.max(1, base.reportPeriodUs() / WARMUP_RATE_FACTOR)).build();
        Scenario roomy = base.toBuilder().set("radioId", id).deadlineBudgetUs(2 * base.deadlineBudgetUs()).build();
        Duration each = Duration.ofNanos((long) (seconds / sessions * 1e9));
        JitClock jit = new JitClock();
        long sent = 0;
        int run = 0;
        for (int i = 0; i < sessions; i++, run++) {
            sent += warmUpSession(throwaway, i == sessions - 1 ? roomy : fast, each, cfg, tlsDir, recorded, live);
        }
        // then a fast and a roomy session at a time while the JIT still works (each pair ends roomy,
        // so that the last session before the run has run every layer too)
        long pairStart = System.nanoTime(), compiledMs = jit.sinceLastMs();
        double share = 100.0 * compiledMs / Math.max(1, (pairStart - t0) / 1_000_000);
        while (jit.supported() && share > JIT_QUIET_PERCENT && (System.nanoTime() - t0) / 1e9 + 2 * each.toNanos() / 1e9 <= maxSeconds) {
            pairStart = System.nanoTime();
            sent += warmUpSession(throwaway, fast, each, cfg, tlsDir, recorded, live);
            sent += warmUpSession(throwaway, roomy, each, cfg, tlsDir, recorded, live);
            run += 2;
            compiledMs = jit.sinceLastMs();
            share = 100.0 * compiledMs / Math.max(1, (System.nanoTime() - pairStart) / 1_000_000);
        }
        System.err.printf("warm-up: %d reports to %d throwaway controller(s) in %.1f s, not counted; %s%n", sent, run,
                (System.nanoTime() - t0) / 1e9, !jit.supported() ? "the JIT's compile time is not visible"
                        : String.format(java.util.Locale.ROOT, "the JIT compiled %.1f %% of the last %s%s", share,
                                run > sessions ? "pair of sessions" : "warm-up",
                                share > JIT_QUIET_PERCENT ? " (not yet quiet at --warmup-max-seconds)" : ""));
    }

    /** One warm-up session: a throwaway controller like {@code cfg} (as {@code throwaway}) and one radio for {@code length}; reports sent. */
    private static long warmUpSession(ControllerConfig throwaway, Scenario scenario, Duration length, ControllerConfig cfg,
            Path tlsDir, boolean recorded, boolean live) throws Exception {
        Path recDir = recorded ? java.nio.file.Files.createTempDirectory("isac-warm-up-record") : null;
        try (Controller c = new Controller(throwaway)
                .record(recDir == null ? null : org.isac.proto.record.Recorder.open(recDir.resolve("rec"),
                        org.isac.proto.record.Recorder.Options.defaults(), throwaway.clock()))
                .live(live ? new org.isac.controller.live.LiveTaps(throwaway.clock()) : null).start()) {
            return runRadios(scenario, "127.0.0.1", c.port(), 1, length, tlsDir, false, null, cfg.transport(),
                    radioRtPriority(throwaway), null).reportsSent();
        } finally {
            if (recDir != null) {
                deleteTree(recDir);
            }
        }
    }

    /** The JIT's compile time summed over its threads ({@link java.lang.management.CompilationMXBean}), read in steps. */
    static final class JitClock {
        private final java.lang.management.CompilationMXBean bean = java.lang.management.ManagementFactory.getCompilationMXBean();
        private long last;

        JitClock() {
            last = supported() ? bean.getTotalCompilationTime() : 0;
        }

        boolean supported() {
            return bean != null && bean.isCompilationTimeMonitoringSupported();
        }

        /** Milliseconds compiled since the last call (or since made). */
        long sinceLastMs() {
            if (!supported()) {
                return 0;
            }
            long now = bean.getTotalCompilationTime();
            long d = now - last;
            last = now;
            return d;
        }
    }

    /** How many of a run's late updates a CPU stall explains ({@link org.isac.proto.sched.CpuStalls.Result#explaining}). */
    static long explained(org.isac.proto.sched.CpuStalls.Result stalls, SimReport run) {
        return run.missSpans().stream()
                .filter(m -> stalls.explaining(m.captureNs(), m.appliedNs(), m.lateNs()) != null).count();
    }

    /** How many of a run's late updates overlapped a CPU stall in all, explained or not ({@link org.isac.proto.sched.CpuStalls.Result#overlapping}). */
    static long overlapped(org.isac.proto.sched.CpuStalls.Result stalls, SimReport run) {
        return run.missSpans().stream().filter(m -> stalls.overlapping(m.captureNs(), m.appliedNs()) != null).count();
    }

    /**
     * "deadline misses during CPU stalls: 12 of 25 (…), 5 more overlapped a shorter one; 8 overlapped
     * none" — a miss is the machine's when its way from capture to apply overlapped a stall at
     * least as long as it was late; one that overlapped a shorter stall may be.
     */
    static String explainedLine(org.isac.proto.sched.CpuStalls.Result stalls, SimReport run) {
        if (!stalls.measured() || !stalls.safepointsVisible()) {
            return "deadline misses during CPU stalls: not known (" + (stalls.measured() ? "JVM safepoints not visible"
                    : "CPU stalls not measured") + ")";
        }
        long spans = run.missSpans().size(), n = explained(stalls, run), any = overlapped(stalls, run);
        return String.format(java.util.Locale.ROOT, "deadline misses during CPU stalls: %d of %d (each overlapped a stall at"
                + " least as long as it was late), %d more overlapped a shorter one; %d overlapped none%s", n, spans, any - n,
                spans - any, spans < run.deadlineMisses() ? " (" + spans + " of " + run.deadlineMisses() + " misses kept)" : "");
    }

    /** " [CPU 0 stalled 5.2 ms]" after a named late update that a stall explains, " [partly: …]" after one a shorter stall overlapped, else "". */
    static String stallNote(org.isac.proto.sched.CpuStalls.Result stalls, SimReport.MissSpan m) {
        org.isac.proto.sched.CpuStalls.Stall s = stalls.overlapping(m.captureNs(), m.appliedNs());
        if (s == null) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, " [%sCPU %d stalled %.1f ms]",
                s.overlapNs(m.captureNs(), m.appliedNs()) >= m.lateNs() ? "" : "partly: ", s.cpu(), s.ns() / 1e6);
    }

    /** The simulated radios' event loops run at the controller's event-loop priority (0: fair class). */
    static int radioRtPriority(ControllerConfig cfg) {
        return cfg.rtPriority() == 0 ? 0 : cfg.rtPriority() + 1;
    }

    /**
     * The controller's anytime counts for the JSON report: {@code early_stops} (all solvers),
     * {@code early_stops_by_solver} and {@code layers_run} {p50, min, count} over anytime solves.
     */
    static Map<String, String> anytimeFields(org.isac.controller.metrics.MetricsSnapshot m) {
        StringBuilder by = new StringBuilder("{");
        m.earlyStopsBySolver().forEach((name, n) -> by.append(by.length() > 1 ? ", " : "").append('"').append(name)
                .append("\": ").append(n));
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("early_stops", Long.toString(m.earlyStops()));
        f.put("early_stops_by_solver", by.append('}').toString());
        f.put("layers_run", "{\"p50\": " + m.layersRunPercentile(50) + ", \"min\": " + m.layersRunMin() + ", \"count\": "
                + m.layersRunSamples() + "}");
        return f;
    }

    /** The radio ids a demo of {@code count} radios uses (and its warm-up radio). */
    static List<String> radioIds(Scenario base, int count) {
        List<String> ids = new ArrayList<>();
        if (count == 1) {
            ids.add(base.radioId());
        } else {
            for (int i = 0; i < count; i++) {
                ids.add(base.radioId() + "-" + i);
            }
        }
        ids.add(base.radioId() + "-warm-up");
        return ids;
    }

    /** Removes {@code dir} and everything under it now (what cannot be removed is left in the temporary directory). */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // left behind in the temporary directory
        }
    }

    /** Removes {@code dir} and its files when this JVM exits. */
    private static void deleteOnExit(Path dir) {
        dir.toFile().deleteOnExit(); // registered first: deleted last, once empty
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            files.forEach(f -> f.toFile().deleteOnExit());
        } catch (java.io.IOException e) {
            // left behind in the temporary directory
        }
    }

    /** A lab CA and certificates for this run's controller and radios, in a temporary directory. */
    static Path throwawayLab(Scenario base, int count) throws java.io.IOException {
        Path dir = java.nio.file.Files.createTempDirectory("isac-demo-tls-");
        org.isac.controller.tls.LabCertificates lab = org.isac.controller.tls.LabCertificates.newCa(dir, "isac demo");
        lab.controller(List.of("localhost", "127.0.0.1"));
        for (String id : radioIds(base, count)) {
            lab.radio(id);
        }
        return dir;
    }

    /**
     * Runs {@code count} radios (ids {@code <id>-i}, seeds {@code seed+i}) against a controller and
     * merges their reports; over mutual TLS with the certificates in {@code tlsDir} when not null.
     */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir) throws Exception {
        return runRadios(base, host, port, count, sendFor, tlsDir, false);
    }

    /** {@link #runRadios(Scenario, String, int, int, Duration, Path)}, radios reconnecting when {@code reconnect}. */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir, boolean reconnect)
            throws Exception {
        return runRadios(base, host, port, count, sendFor, tlsDir, reconnect, null, org.isac.proto.net.Transport.AUTO);
    }

    /** As above, every radio recording its side of the wire into {@code recorder} when not null. */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir, boolean reconnect,
            org.isac.proto.record.Recorder recorder, org.isac.proto.net.Transport transport) throws Exception {
        return runRadios(base, host, port, count, sendFor, tlsDir, reconnect, recorder, transport, 0, null);
    }

    /**
     * As above, the radios' event loops asking for the real-time class at {@code rtPriority}
     * when it is above 0, counted in {@code grants}.
     */
    static SimReport runRadios(Scenario base, String host, int port, int count, Duration sendFor, Path tlsDir, boolean reconnect,
            org.isac.proto.record.Recorder recorder, org.isac.proto.net.Transport transport, int rtPriority,
            org.isac.proto.sched.SchedPolicy.Grants grants) throws Exception {
        EventLoopGroup group = SimRadio.newEventLoopGroup(Math.min(count, 2), transport, rtPriority,
                grants == null ? new org.isac.proto.sched.SchedPolicy.Grants() : grants);
        if (count == 1) {
            try (SimRadio r = new SimRadio(base, host, port, group).reconnect(reconnect).record(recorder)) {
                if (tlsDir != null) {
                    r.tls(org.isac.controller.tls.TlsFiles.radio(tlsDir, base.radioId()));
                }
                return r.run(sendFor);
            } finally {
                group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(2000);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(count, Thread.ofPlatform().daemon().factory());
        List<SimRadio> sims = new ArrayList<>();
        try {
            List<Future<SimReport>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Scenario s = base.toBuilder().set("radioId", base.radioId() + "-" + i)
                        .set("seed", Long.toString(base.seed() + i)).build();
                SimRadio sim = new SimRadio(s, host, port, group).reconnect(reconnect).record(recorder);
                if (tlsDir != null) {
                    sim.tls(org.isac.controller.tls.TlsFiles.radio(tlsDir, s.radioId()));
                }
                sims.add(sim);
                futures.add(pool.submit(() -> sim.run(sendFor)));
            }
            List<SimReport> reports = new ArrayList<>();
            for (Future<SimReport> f : futures) {
                reports.add(f.get());
            }
            return SimReport.merge(reports);
        } finally {
            sims.forEach(SimRadio::close);
            pool.shutdownNow();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(2000);
        }
    }
}
