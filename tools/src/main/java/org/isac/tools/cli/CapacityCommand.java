package org.isac.tools.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.tools.bench.MachineInfo;
import org.isac.controller.metrics.MetricsSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Capacity: the controller in this JVM, the simulated load in another process ({@code sim
 * --load}: no scoring), raised step by step (radios × rate) until capture → applied p99 passes
 * the budget, a deadline is missed or fewer than 95 % of reports are applied.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Capacity ramp: the controller here, simulated radios in a separate process (sim --load), radios x rate",
                "raised until p99 > budget, a deadline miss or < 95 % applied; per solver. Writes capacity.csv, summary.md",
                "and the latency CCDF at the knee to reports/capacity/."})
public final class CapacityCommand implements Callable<Integer> {
    @Option(names = "--solvers", split = ",", defaultValue = "rzf,hybrid-upga",
            description = "solvers to ramp (default: ${DEFAULT-VALUE})")
    List<String> solvers;

    /** Seconds each step's load JVM runs its radios before the counted run (JIT). */
    static final double WARMUP_SECONDS = 2;

    @Option(names = "--seconds", defaultValue = "4", description = "seconds per step (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--budget-us", defaultValue = "1000", description = "capture -> applied budget (default: ${DEFAULT-VALUE})")
    long budgetUs;

    @Option(names = "--rt-priority", defaultValue = "" + DemoCommand.DEMO_RT_PRIORITY, paramLabel = "P",
            description = "the controller's --rt-priority (its event loops at P + 1) and the load process's radios' event"
                    + " loops at P + 1, as in the demo; 0 = fair class (default: ${DEFAULT-VALUE})")
    int rtPriority;

    @Option(names = "--cpu-latency-us", defaultValue = "" + DemoCommand.DEMO_CPU_LATENCY_US, paramLabel = "US|off",
            converter = ControllerOptions.CpuLatencyConverter.class,
            description = "the controller's --cpu-latency-us while the ramp runs (it holds for the load process too: the"
                    + " limit is the machine's), as in the demo (default: ${DEFAULT-VALUE})")
    String cpuLatency;

    @Option(names = "--out", defaultValue = "reports/capacity", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    /** One step of the ramp, as the load process reported it. */
    /** One step; {@code stealMs} is the host's steal during its measured run (null when Linux does not say). */
    record Row(String solver, int radios, int rateHz, long sent, long applied, long misses, long p50Ns, long p99Ns,
               long earlyStops, Path plot, Long stealMs) {
        /** A step from its load process's JSON report ({@code sim --report}). */
        static Row of(String solver, int radios, int rateHz, JsonObject o, long earlyStops, Path plot) {
            JsonObject lat = o.getAsJsonObject("latency_ns");
            com.google.gson.JsonElement steal = o.get("host_steal_ms");
            return new Row(solver, radios, rateHz, o.get("reports_sent").getAsLong(), o.get("reports_applied").getAsLong(),
                    o.get("deadline_misses").getAsLong(), lat.get("p50").getAsLong(), lat.get("p99").getAsLong(), earlyStops, plot,
                    steal == null || steal.isJsonNull() ? null : steal.getAsLong());
        }

        /** The steal as the summary shows it: ms, or "–" when unknown. */
        String steal() {
            return stealMs == null ? "–" : Long.toString(stealMs);
        }

        boolean holds(long budgetNs) {
            return within(budgetNs) && misses == 0;
        }

        /** p99 within the budget and ≥ 95 % applied: the ramp goes on past such a step even when some updates missed. */
        boolean within(long budgetNs) {
            return sent > 0 && p99Ns <= budgetNs && applied >= 0.95 * sent;
        }
    }

    static int[][] ladder(String solver) {
        return solver.startsWith("hybrid") || solver.startsWith("maxmin") || solver.startsWith("sca") || solver.equals("wmmse")
                ? new int[][] {{1, 100}, {1, 250}, {1, 500}, {1, 1000}, {2, 1000}, {4, 1000}}
                : new int[][] {{1, 1000}, {2, 1000}, {4, 1000}, {8, 1000}, {8, 2000}, {16, 2000}, {32, 2000}};
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory("isac-capacity");
        long budgetNs = budgetUs * 1000;
        List<Row> rows = new ArrayList<>();
        String schedLine = "";
        String idleLine = "";
        for (String solver : solvers) {
            ControllerConfig cfg = ControllerConfig.builder().port(0).defaultSolver(solver).rtPriority(rtPriority)
                    .cpuLatencyUs(ControllerOptions.cpuLatencyUs(cpuLatency)).build();
            try (Controller c = new Controller(cfg).start()) {
                // an uncounted first step at the ladder's first rung warms this JVM (the controller's JIT)
                int[] first = ladder(solver)[0];
                step(c, solver, first[0], first[1], tmp, -1 - rows.size());
                int failing = 0;
                for (int[] step : ladder(solver)) {
                    Row r = step(c, solver, step[0], step[1], tmp, rows.size());
                    rows.add(r);
                    System.err.printf(Locale.ROOT, "%s: %d radios x %d Hz: sent %d applied %d misses %d p50 %.0f us p99 %.0f us"
                            + " host steal %s ms%n", solver, r.radios(), r.rateHz(), r.sent(), r.applied(), r.misses(),
                            r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.steal());
                    if (!r.within(budgetNs) && ++failing >= 2) {
                        break; // the knee and one step past it (a step with a few misses but p99 in budget goes on)
                    }
                }
                schedLine = c.scheduling();
                idleLine = c.cpuIdle();
            }
        }
        StringBuilder csv = new StringBuilder("solver,radios,rate_hz,sent,applied,deadline_misses,p50_ns,p99_ns\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d%n", r.solver(), r.radios(), r.rateHz(), r.sent(),
                    r.applied(), r.misses(), r.p50Ns(), r.p99Ns()));
        }
        Files.writeString(out.resolve("capacity.csv"), csv, StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder("# Capacity\n\n");
        md.append(String.format(Locale.ROOT, "Command: `isac capacity --solvers %s --seconds %s --budget-us %d`.  %n",
                String.join(",", solvers), seconds, budgetUs));
        md.append("Machine: ").append(MachineInfo.detect().describe()).append("\n\n");
        md.append(rtPriority == 0 ? "Scheduling: the fair class.\n\n" : String.format(Locale.ROOT,
                "Scheduling: real time where permitted (controller solve thread at %d, event loops and the load's radio loops"
                        + " at %d); the controller said: %s.%n%n", rtPriority, rtPriority + 1, schedLine));
        md.append("CPU idle (`--cpu-latency-us ").append(cpuLatency).append("`): ").append(idleLine).append(".\n\n");
        md.append("The controller (defaults: one solve shard, anytime solving) runs in this JVM; the reports come from `sim --load` "
                + "in a separate JVM (no genie, ZF or τ scoring; each step's JVM first runs the same radios for "
                + WARMUP_SECONDS + " s, not counted, so that it is compiled; and each solver's ladder starts with an"
                + " uncounted run of its first step, which warms this JVM), one radio per id, shared clock, budget ")
                .append(budgetUs).append(" µs capture → applied. A step holds when p99 ≤ budget, no applied update missed its "
                + "deadline and ≥ 95 % of reports were applied; the ramp goes on until two steps have p99 over the budget or < 95 %"
                + " applied. Host steal: the time this machine's host kept its CPUs from it during the step's measured run"
                + " (`/proc/stat`, 10 ms steps; on a virtual machine a step can fail for it).\n\n");
        md.append("| solver | radios | rate (Hz) | reports/s | sent | applied | deadline misses | p50 (µs) | p99 (µs) | early stops (with the load's warm-up) | host steal (ms) | holds |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %.0f | %.0f | %d | %s | %s |%n", r.solver(),
                    r.radios(), r.rateHz(), r.radios() * r.rateHz(), r.sent(), r.applied(), r.misses(), r.p50Ns() / 1e3,
                    r.p99Ns() / 1e3, r.earlyStops(), r.steal(), r.holds(budgetNs) ? "yes" : "no"));
        }
        md.append("\n## Sustained\n\n");
        for (String solver : solvers) {
            Row best = null, knee = null, inBudget = null;
            for (Row r : rows) {
                if (!r.solver().equals(solver)) {
                    continue;
                }
                if (r.holds(budgetNs)) {
                    best = r;
                }
                if (r.within(budgetNs)) {
                    inBudget = r;
                    knee = null; // the knee is the first step past the last one within the budget
                } else if (knee == null) {
                    knee = r;
                }
            }
            md.append(String.format(Locale.ROOT, "- `%s`: %s", solver, best == null ? "no step held"
                    : best.radios() * best.rateHz() + " reports/s (" + best.radios() + " radios × " + best.rateHz() + " Hz)"));
            if (inBudget != null && inBudget != best) {
                md.append(String.format(Locale.ROOT, "; p99 within the budget and ≥ 95 %% applied up to %d reports/s (%d radios × %d Hz,"
                        + " %d of %d applied updates late)", inBudget.radios() * inBudget.rateHz(), inBudget.radios(),
                        inBudget.rateHz(), inBudget.misses(), inBudget.applied()));
            }
            Row shown = knee != null ? knee : best;
            if (shown != null && shown.plot() != null && Files.exists(shown.plot())) {
                Path dst = out.resolve("ccdf-" + solver + ".png");
                Files.copy(shown.plot(), dst, StandardCopyOption.REPLACE_EXISTING);
                md.append(String.format(Locale.ROOT, "; latency CCDF at %s (%d radios × %d Hz): `%s`", knee != null ? "the knee"
                        : "the last step", shown.radios(), shown.rateHz(), dst.getFileName()));
            }
            md.append('\n');
        }
        Files.writeString(out.resolve("summary.md"), md, StandardCharsets.UTF_8);
        System.err.println("wrote " + out.resolve("capacity.csv") + " and " + out.resolve("summary.md"));
        return 0;
    }

    /** Runs one step: a load process against {@code c}; returns what it reported. */
    private Row step(Controller c, String solver, int radios, int rateHz, Path tmp, int index) throws Exception {
        Path json = tmp.resolve("step-" + index + ".json");
        Path plots = tmp.resolve("step-" + index);
        long stopsBefore = c.metrics().earlyStops();
        // the load JVM gets this JVM's options (the launcher's module and warning flags, GC, heap)
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "sim", "--load",
                "--port", Integer.toString(c.port()), "--radios", Integer.toString(radios), "--rate-hz", Integer.toString(rateHz),
                "--deadline-us", Long.toString(budgetUs), "--seconds", Double.toString(seconds), "--solver", solver,
                "--set", "radioId=load" + index, "--report", json.toString(), "--plots", plots.toString(),
                "--warmup-seconds", Double.toString(WARMUP_SECONDS),
                "--rt-priority", Integer.toString(rtPriority == 0 ? 0 : rtPriority + 1)));
        if (solver.startsWith("hybrid")) {
            cmd.addAll(List.of("--rf-chains", "4"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("step-" + index + ".log").toFile())
                .start();
        if (!p.waitFor((long) (seconds + 60), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("load process did not finish; see " + tmp.resolve("step-" + index + ".log"));
        }
        if (!Files.exists(json)) {
            throw new IllegalStateException("load process wrote no report (exit " + p.exitValue() + "); see "
                    + tmp.resolve("step-" + index + ".log"));
        }
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        MetricsSnapshot m = c.metrics();
        return Row.of(solver, radios, rateHz, o, m.earlyStops() - stopsBefore, plots.resolve("sim-latency-ccdf.png"));
    }
}
