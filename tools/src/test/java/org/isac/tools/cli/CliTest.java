package org.isac.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.isac.controller.CsiMapping;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.SolverRegistry;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static synchronized Run run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static CsiReport report(long seq, int n, int k, long seed) {
        Random rnd = new Random(seed);
        ComplexMatrix.Builder ch = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            ch.addRe((float) rnd.nextGaussian()).addIm((float) rnd.nextGaussian());
        }
        return CsiReport.newBuilder().setRadioId("r").setSequence(seq).setChannel(ch).addNoisePowerW(0.1)
                .setPowerBudgetW(2.0).build();
    }

    private static String json(CsiReport r) throws Exception {
        return JsonFormat.printer().omittingInsignificantWhitespace().print(r);
    }

    @Test
    void solvePrintsTheSameWeightsAsTheSolver() throws Exception {
        CsiReport r = report(3, 8, 2, 1);
        Path f = dir.resolve("report.json");
        Files.writeString(f, JsonFormat.printer().print(r));
        Run res = run("", "solve", "--solver", "zf", f.toString());
        assertEquals(0, res.exit(), res.err());
        WeightUpdate.Builder u = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(res.out(), u);
        assertEquals("zf", u.getSolver());
        assertEquals(3, u.getSequence());
        Problem p = CsiMapping.toProblem(r, null);
        Precoder x = new Precoder();
        SolverRegistry.create("zf").solve(p, x);
        CMatrix got = CsiMapping.fromComplexMatrix(u.getBaseband(), new CMatrix());
        assertEquals(x.baseband.rows(), got.rows());
        assertEquals(x.baseband.cols(), got.cols());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(x.baseband.re[i], got.re[i], 1e-6);
            assertEquals(x.baseband.im[i], got.im[i], 1e-6);
        }
        assertEquals(2.0, got.frobeniusNorm2(), 1e-5, "budget from the report");
    }

    /** The wideband example: one baseband set per subband, each the narrowband answer of its subband; a v2 frame. */
    @Test
    void solvePrintsEverySubbandOfAWidebandReport() throws Exception {
        Path f = Path.of("..", "docs", "examples", "report-wideband.json");
        Run res = run("", "solve", f.toString());
        assertEquals(0, res.exit(), res.err());
        assertTrue(res.out().contains("\"subbandBaseband\""), res.out());
        WeightUpdate.Builder u = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(res.out(), u);
        assertEquals(3, u.getSubbandBasebandCount());
        assertEquals(2, u.getFpgaFrame().byteAt(4), "a version 2 weight frame");
        assertEquals(4, u.getFpgaFrame().byteAt(30), "of 4 baseband sets");
        CsiReport.Builder rb = CsiReport.newBuilder();
        JsonFormat.parser().merge(Files.readString(f), rb);
        Problem p = CsiMapping.toProblem(rb.build(), null);
        for (int s = 0; s < 4; s++) {
            Precoder x = new Precoder();
            SolverRegistry.create("rzf").solve(org.isac.solver.SubbandLoop.narrowband(p, s, new Problem()), x);
            CMatrix got = CsiMapping.fromComplexMatrix(s == 0 ? u.getBaseband() : u.getSubbandBaseband(s - 1), new CMatrix());
            for (int i = 0; i < got.size(); i++) {
                assertEquals((float) x.baseband.re[i], got.re[i], "subband " + s);
            }
            assertEquals(1.0, got.frobeniusNorm2(), 1e-5, "the budget holds in subband " + s);
        }
        // a narrowband hybrid solver is refused, naming the wideband one
        Run hybrid = run("", "solve", "--solver", "hybrid-pga", "--param", "rf_chains=4", f.toString());
        assertEquals(1, hybrid.exit());
        assertTrue(hybrid.err().contains("BAD_PARAMETER") && hybrid.err().contains("hybrid-upga-wb"), hybrid.err());
    }

    @Test
    void paramOverrideReachesTheSolver() throws Exception {
        String in = json(report(1, 8, 4, 2));
        Run small = run(in, "solve", "--solver", "rzf", "--param", "reg=1e-9");
        Run zf = run(in, "solve", "--solver", "zf");
        Run large = run(in, "solve", "--solver", "rzf", "--param", "reg=1e3");
        WeightUpdate.Builder a = WeightUpdate.newBuilder();
        WeightUpdate.Builder b = WeightUpdate.newBuilder();
        WeightUpdate.Builder c = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(small.out(), a);
        JsonFormat.parser().merge(zf.out(), b);
        JsonFormat.parser().merge(large.out(), c);
        double dSmall = 0;
        double dLarge = 0;
        for (int i = 0; i < a.getBaseband().getReCount(); i++) {
            dSmall += Math.abs(a.getBaseband().getRe(i) - b.getBaseband().getRe(i));
            dLarge += Math.abs(c.getBaseband().getRe(i) - b.getBaseband().getRe(i));
        }
        assertTrue(dSmall < 1e-3, "rzf with a tiny regulariser is zf: " + dSmall);
        assertTrue(dLarge > 1e-2, "a large regulariser moves away from zf: " + dLarge);
    }

    @Test
    void batchAnswersEveryLineAndRejectsBadOnesWithAReason() throws Exception {
        CsiReport nan = report(2, 8, 2, 3).toBuilder()
                .setChannel(report(2, 8, 2, 3).getChannel().toBuilder().setRe(5, Float.NaN)).build();
        String in = json(report(1, 8, 2, 4)) + "\n{not json\n" + JsonFormat.printer().omittingInsignificantWhitespace()
                .print(nan).replace("\"NaN\"", "\"NaN\"") + "\n\n" + json(report(4, 4, 8, 5)) + "\n"
                + json(report(5, 8, 2, 6)) + "\n";
        Run res = run(in, "solve", "--batch");
        assertEquals(1, res.exit(), "some lines were rejected");
        List<String> lines = res.out().lines().toList();
        assertEquals(5, lines.size(), res.out());
        ControllerMessage[] m = new ControllerMessage[5];
        for (int i = 0; i < 5; i++) {
            ControllerMessage.Builder b = ControllerMessage.newBuilder();
            JsonFormat.parser().merge(lines.get(i), b);
            m[i] = b.build();
        }
        assertEquals(1, m[0].getUpdate().getSequence());
        assertEquals("rzf", m[0].getUpdate().getSolver(), "the default policy");
        assertEquals(Reject.Reason.MALFORMED, m[1].getReject().getReason());
        assertTrue(m[1].getReject().getDetail().contains("line 2"), m[1].getReject().getDetail());
        assertEquals(Reject.Reason.NON_FINITE, m[2].getReject().getReason());
        assertEquals(Reject.Reason.TOO_MANY_USERS, m[3].getReject().getReason());
        assertEquals(5, m[4].getUpdate().getSequence(), "a bad line does not disturb the next");
        assertTrue(res.err().contains("3 report(s) rejected"), res.err());
    }

    @Test
    void helpShowsTheDefaultsTheCommandsUse() {
        String serve = run("", "serve", "--help").out().replaceAll("\\s+", " ");
        assertTrue(serve.contains("none (default: " + org.isac.controller.ControllerConfig.DEFAULT_SOLVER + ";"), serve);
        assertTrue(serve.contains("(default: " + org.isac.controller.ControllerConfig.DEFAULT_WAIT_MODE + ")"), serve);
        assertTrue(serve.contains("(default: " + org.isac.controller.ControllerConfig.DEFAULT_BASEBAND_CODEC + ")"), serve);
        String demo = run("", "demo", "--help").out().replaceAll("\\s+", " ");
        assertTrue(demo.contains("none (default: " + DemoCommand.DEMO_SOLVER + ";"), demo);
        assertTrue(demo.contains("the trained " + DemoCommand.DEMO_SOLVER + " JCAS precoder"), demo);
        String top = run("", "--help").out();
        for (String launcherOnly : new String[] {"test", "build", "jmh"}) {
            assertTrue(top.lines().anyMatch(l -> l.startsWith("  " + launcherOnly + " ")), launcherOnly + " in: " + top);
        }
    }

    @Test
    void enumOptionsTakeAnyCase() {
        picocli.CommandLine.ParseResult pr = Main.commandLine().parseArgs("serve", "--wait-mode", "blocking", "--transport", "nio");
        ServeCommand serve = (ServeCommand) pr.subcommand().commandSpec().userObject();
        assertEquals(org.isac.controller.pipeline.WaitMode.BLOCKING, serve.controller.waitMode);
        pr = Main.commandLine().parseArgs("serve", "--wait-mode", "Busy_Spin");
        serve = (ServeCommand) pr.subcommand().commandSpec().userObject();
        assertEquals(org.isac.controller.pipeline.WaitMode.BUSY_SPIN, serve.controller.waitMode);
    }

    @Test
    void unknownSolverIsAClearError() {
        Run res = run("{}", "solve", "--solver", "nope");
        assertEquals(2, res.exit());
        assertTrue(res.err().contains("unknown solver 'nope'") && res.err().contains("rzf"), res.err());
    }

    @Test
    void demoClosesTheLoopAndWritesTheReport() throws Exception {
        Path json = dir.resolve("demo.json");
        Path plots = dir.resolve("plots");
        Run res = run("", "demo", "--seconds", "0.4", "-n", "32", "--rate-hz", "500", "--deadline-us", "100000",
                "--warmup-seconds", "1", "--warmup-max-seconds", "3", "--cpu-stalls",
                "--report", json.toString(), "--plots", plots.toString());
        assertEquals(0, res.exit(), res.out() + res.err());
        // the warm-up says how long it ran and how busy the JIT still was at its end
        assertTrue(java.util.regex.Pattern.compile("warm-up: \\d+ reports to \\d+ throwaway controller\\(s\\) in [0-9.]+ s, not counted;"
                + " the JIT compiled [0-9.]+ % of the last (warm-up|pair of sessions)").matcher(res.err()).find(), res.err());
        assertTrue(res.out().contains("unaccounted 0"), res.out());
        assertTrue(res.out().contains("solvers: hybrid-upga"), "the demo's default is the trained hybrid precoder: " + res.out());
        assertTrue(res.out().contains("beampattern error tau"), res.out());
        assertTrue(res.out().contains("p99.9"), res.out());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        long sent = o.get("reports_sent").getAsLong();
        long applied = o.get("reports_applied").getAsLong();
        long dropped = o.getAsJsonObject("reports_dropped").entrySet().stream()
                .mapToLong(e -> e.getValue().getAsLong()).sum();
        assertTrue(sent > 50, "sent " + sent);
        assertEquals(sent, applied + dropped);
        assertEquals(0, o.get("unaccounted").getAsLong());
        for (String key : List.of("p50", "p99", "p999")) {
            assertTrue(o.getAsJsonObject("latency_ns").get(key).getAsLong() > 0, key);
        }
        for (String key : List.of("achieved", "genie", "zf")) {
            assertTrue(o.getAsJsonObject("sum_rate_bits").get(key).getAsDouble() > 0, key);
        }
        assertTrue(Files.size(plots.resolve("demo-latency-ccdf.png")) > 1000);
        // the machine's steal during the run: a number of ms where Linux counts it, null elsewhere
        if (org.isac.proto.sched.HostSteal.totalNs().isPresent()) {
            assertTrue(o.get("host_steal_ms").getAsLong() >= 0, o.toString());
            assertTrue(res.out().contains("host steal: "), res.out());
        } else {
            assertTrue(o.get("host_steal_ms").isJsonNull(), o.toString());
        }
        // CPU stalls, asked for: a summary line; in the JSON the stalls (null where they could not be
        // measured) and how many of the run's misses they explain, never more than there were
        assertTrue(res.out().contains("cpu stalls: "), res.out());
        if (o.get("cpu_stalls").isJsonNull()) {
            assertTrue(res.out().contains("cpu stalls: not measured ("), res.out());
            assertTrue(o.get("deadline_misses_in_cpu_stalls").isJsonNull(), o.toString());
        } else {
            JsonObject st = o.getAsJsonObject("cpu_stalls");
            assertEquals(org.isac.proto.sched.CpuStalls.allowedCpus().size(), st.get("cpus").getAsInt(), st.toString());
            assertTrue(st.get("count").getAsLong() >= 0 && st.get("total_ns").getAsLong() >= st.get("longest_ns").getAsLong(), st.toString());
            long explained = o.get("deadline_misses_in_cpu_stalls").getAsLong();
            long overlapping = o.get("deadline_misses_overlapping_cpu_stalls").getAsLong();
            assertTrue(0 <= explained && explained <= overlapping && overlapping <= o.get("deadline_misses").getAsLong(),
                    o.toString());
        }
        // the demo asks for polling idle CPUs: held where the process may write the device, else said why not
        assertTrue(res.out().contains("cpu idle: CPU wake-up latency "), res.out());
        if (java.nio.file.Files.isWritable(org.isac.proto.sched.CpuLatency.DEVICE)) {
            assertEquals(0, o.get("cpu_latency_us").getAsInt(), o.toString());
            assertTrue(res.out().contains("held at 0 us"), res.out());
        } else {
            assertTrue(o.get("cpu_latency_us").isJsonNull(), o.toString());
            assertTrue(res.out().contains("not held: "), res.out());
        }
    }

    /** A radio process asked for polling idle CPUs holds the limit while its radios run and says so in its summary and JSON. */
    @Test
    void simHoldsTheCpuLatencyLimitWhenAsked() throws Exception {
        Path json = dir.resolve("sim.json");
        try (org.isac.controller.Controller c = new org.isac.controller.Controller(
                org.isac.controller.ControllerConfig.builder().port(0).defaultSolver("rzf").build()).start()) {
            Run res = run("", "sim", "--port", Integer.toString(c.port()), "--seconds", "0.3", "-n", "8", "-k", "2",
                    "--cpu-latency-us", "0", "--report", json.toString());
            assertEquals(0, res.exit(), res.out() + res.err());
            JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            assertEquals(0, o.get("unaccounted").getAsLong(), o.toString());
            if (Files.isWritable(org.isac.proto.sched.CpuLatency.DEVICE)) {
                assertTrue(res.out().contains("cpu idle: CPU wake-up latency held at 0 us"), res.out());
                assertEquals(0, o.get("cpu_latency_us").getAsInt(), o.toString());
            } else {
                assertTrue(res.out().contains("cpu idle: CPU wake-up latency not held: "), res.out());
                assertTrue(o.get("cpu_latency_us").isJsonNull(), o.toString());
            }
        }
    }

    @Test
    void cpuLatencyIsOffForServeZeroForTheDemoAndCheckedAsParsed() {
        ServeCommand serve = (ServeCommand) Main.commandLine().parseArgs("serve").subcommand().commandSpec().userObject();
        assertEquals(org.isac.controller.ControllerConfig.CPU_LATENCY_OFF,
                serve.controller.apply(org.isac.controller.ControllerConfig.builder()).build().cpuLatencyUs());
        DemoCommand demo = (DemoCommand) Main.commandLine().parseArgs("demo").subcommand().commandSpec().userObject();
        assertEquals(0, demo.controller.apply(org.isac.controller.ControllerConfig.builder()).build().cpuLatencyUs());
        assertFalse(demo.cpuStalls, "the CPU-stall watchers cost the solves layers: a diagnosis asked for, not the default");
        assertEquals(30.0, demo.warmupMaxSeconds);
        assertTrue(((DemoCommand) Main.commandLine().parseArgs("demo", "--cpu-stalls").subcommand().commandSpec().userObject())
                .cpuStalls);
        demo = (DemoCommand) Main.commandLine().parseArgs("demo", "--cpu-latency-us", "OFF").subcommand().commandSpec()
                .userObject();
        assertEquals(org.isac.controller.ControllerConfig.CPU_LATENCY_OFF,
                demo.controller.apply(org.isac.controller.ControllerConfig.builder()).build().cpuLatencyUs());
        serve = (ServeCommand) Main.commandLine().parseArgs("serve", "--cpu-latency-us", "5").subcommand().commandSpec()
                .userObject();
        assertEquals(5, serve.controller.apply(org.isac.controller.ControllerConfig.builder()).build().cpuLatencyUs());
        SimCommand sim = (SimCommand) Main.commandLine().parseArgs("sim").subcommand().commandSpec().userObject();
        assertEquals("off", sim.cpuLatency, "a radio process leaves the machine's idle policy alone unless asked");
        sim = (SimCommand) Main.commandLine().parseArgs("sim", "--cpu-latency-us", "0").subcommand().commandSpec().userObject();
        assertEquals(0, ControllerOptions.cpuLatencyUs(sim.cpuLatency));
        for (String bad : List.of("-1", "soon", "")) {
            Run sr = run("", "sim", "--cpu-latency-us", bad);
            assertEquals(2, sr.exit(), bad + ": " + sr.err());
            Run res = run("", "serve", "--cpu-latency-us", bad);
            assertEquals(2, res.exit(), bad + ": " + res.err());
            assertTrue(res.err().contains("--cpu-latency-us must be off or a number of microseconds >= 0"), res.err());
        }
    }

    @Test
    void demoOnPlanarArraysReportsTheCrlb() throws Exception {
        Path json = dir.resolve("demo-upa.json");
        Run res = run("", "demo", "--seconds", "20", "--reports", "10", "--solver", "sca-crlb", "--tx-array", "4x4",
                "--rx-array", "5x4", "--set", "channel=rayleigh", "--set", "targetsDeg=-42.39,-48.92",
                "--set", "targetsElevationDeg=127.65,108.53", "--set", "targetsGainRe=0.087,-0.0399",
                "--set", "targetsGainIm=0.0001,0.117", "--set", "powerW=0.01", "--set", "genieEvery=0",
                "--param", "max_iter=300", "--rate-hz", "20", "--deadline-us", "2000000", "--report", json.toString());
        assertEquals(0, res.exit(), res.out() + res.err());
        assertTrue(res.out().contains("unaccounted 0"), res.out());
        assertTrue(res.out().contains("UPA(4x4)"), res.out());
        assertTrue(res.out().contains("sensing CRLB"), res.out());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(0, o.get("unaccounted").getAsLong());
        JsonObject crlb = o.getAsJsonObject("measurements").getAsJsonObject("crlb");
        assertEquals(o.get("reports_applied").getAsLong(), crlb.get("count").getAsLong());
        assertTrue(crlb.get("mean").getAsDouble() > 0, crlb.toString());
    }

    @Test
    void benchWritesTheCsvTheSummaryAndPlots() throws Exception {
        Path out = dir.resolve("bench");
        Run res = run("", "bench", "--quick", "--solvers", "mrt,zf", "--n", "8,16", "--k", "2", "--m", "2",
                "--loopback-radios", "2", "--loopback-rate-hz", "200", "--loopback-seconds", "0.3",
                "--loopback-solver", "zf", "--subbands", "1,4", "--out", out.toString());
        assertEquals(0, res.exit(), res.err());
        List<String> wide = Files.readAllLines(out.resolve("wideband.csv"));
        assertEquals(org.isac.tools.bench.WidebandBench.CSV_HEADER, wide.get(0));
        assertEquals(List.of("mrt,64,4,1", "mrt,64,4,4", "zf,64,4,1", "zf,64,4,4"),
                wide.subList(1, wide.size()).stream().map(l -> String.join(",", List.of(l.split(",")).subList(0, 4))).toList());
        List<String> csv = Files.readAllLines(out.resolve("latency.csv"));
        assertEquals("solver,n,k,m,layers,p50_ns,p99_ns,p999_ns,gflops,peak_fraction", csv.get(0));
        assertEquals(5, csv.size(), String.join("\n", csv));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertEquals(10, f.length, line);
            long p50 = Long.parseLong(f[5]);
            long p99 = Long.parseLong(f[6]);
            long p999 = Long.parseLong(f[7]);
            assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999, line);
            assertEquals("0", f[3], "digital solvers report m = 0: " + line);
            assertTrue(Double.parseDouble(f[8]) > 0, "counted flops give GFLOP/s: " + line);
        }
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("Machine:") && md.contains("p99.9") && md.contains("## Loopback")
                && md.contains("## Wideband"), md);
        assertTrue(Files.size(out.resolve("latency-ccdf-n8-k2.png")) > 1000);
        assertTrue(Files.size(out.resolve("p99-vs-n.png")) > 1000);
        // on a loaded machine every loopback report may miss its 1 ms deadline; then there is nothing to plot
        Path loopPlot = out.resolve("loopback-latency-ccdf.png");
        assertTrue(Files.exists(loopPlot) ? Files.size(loopPlot) > 1000 : md.contains(", applied 0,"), md);
    }

    @Test
    void benchRefusesUnknownSolvers() {
        Run res = run("", "bench", "--solvers", "mrt,bogus", "--out", dir.resolve("x").toString());
        assertEquals(2, res.exit());
        assertTrue(res.err().contains("unknown solver 'bogus'"), res.err());
    }

    @Test
    void quantizationWritesTheCsvAndPlots() throws Exception {
        Path out = dir.resolve("q");
        Run res = run("", "quantization", "--draws", "2", "--out", out.toString());
        assertEquals(0, res.exit(), res.err());
        List<String> csv = Files.readAllLines(out.resolve("quantization.csv"));
        assertEquals("scenario,phase_bits,baseband_bits,codec,rate_bits,rate_loss_bits,tau", csv.get(0));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("digital,0,16,bfp,")), String.join("\n", csv));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("hybrid,3,0,none,")), String.join("\n", csv));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            assertEquals(7, f.length, line);
            assertTrue(Double.parseDouble(f[4]) > 0, line);
        }
        assertTrue(Files.size(out.resolve("rate-loss-vs-baseband-bits.png")) > 1000);
        assertTrue(Files.size(out.resolve("rate-loss-vs-phase-bits.png")) > 1000);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Knees"));
    }

    private static CsiReport isacReport() {
        CsiReport.Builder b = report(1, 16, 4, 9).toBuilder().clearNoisePowerW().addNoisePowerW(1.0).setPowerBudgetW(10);
        b.getTxArrayBuilder().setHorizontal(4).setVertical(4).setSpacingWavelengths(0.5);
        b.getRxArrayBuilder().setHorizontal(5).setVertical(4).setSpacingWavelengths(0.5);
        b.addTargetsBuilder().setAzimuthRad(-0.74).setElevationRad(0.91).setGainRe(0.087);
        b.addTargetsBuilder().setAzimuthRad(-0.85).setElevationRad(1.25).setGainRe(-0.04).setGainIm(0.117);
        return b.build();
    }

    @Test
    void digitalIsacSolversServeSensingStreamsAndReceiveFilters() throws Exception {
        String in = json(isacReport());
        Run sca = run(in, "solve", "--solver", "sca-crlb", "--param", "sensing_streams=6", "--param", "max_iter=50");
        assertEquals(0, sca.exit(), sca.err());
        WeightUpdate.Builder u = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(sca.out(), u);
        assertEquals(16, u.getBaseband().getRows());
        assertEquals(4 + 6, u.getBaseband().getCols(), "users first, then the sensing streams");
        double power = 0;
        for (int i = 0; i < u.getBaseband().getReCount(); i++) {
            power += u.getBaseband().getRe(i) * u.getBaseband().getRe(i) + u.getBaseband().getIm(i) * u.getBaseband().getIm(i);
        }
        assertTrue(power <= 10 * (1 + 1e-5), "within the report's budget: " + power);

        Run mm = run(in, "solve", "--solver", "maxmin-ao", "--param", "max_iter=5");
        assertEquals(0, mm.exit(), mm.err());
        WeightUpdate.Builder v = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(mm.out(), v);
        assertEquals(20, v.getReceive().getRows(), "radar receive filters N_r x M from the report's rx_array");
        assertEquals(2, v.getReceive().getCols());
    }

    @Test
    void reportArrayMustMatchTheChannel() throws Exception {
        CsiReport bad = isacReport().toBuilder().setTxArray(isacReport().getTxArray().toBuilder().setVertical(3)).build();
        Run res = run(json(bad), "solve", "--solver", "zf");
        assertEquals(1, res.exit());
        assertTrue(res.err().contains("BAD_DIMENSIONS"), res.err());
    }

    @Test
    void trainHybridWritesAModelThatSolves() throws Exception {
        Path model = dir.resolve("m/tiny.model");
        Run res = run("", "train", "hybrid", "--n", "8", "--k", "2", "--m", "2", "--epochs", "1", "--batch", "64",
                "--out", model.toString());
        assertEquals(0, res.exit(), res.err());
        assertTrue(res.err().contains("epoch"), "progress is shown: " + res.err());
        org.isac.solver.hybrid.HybridUpgaModel m = org.isac.solver.hybrid.HybridUpgaModel.load(model.toString());
        assertEquals(8, m.antennas());
        assertEquals(2, m.rfChains());
        for (int i = 0; i < m.outer(); i++) {
            assertTrue(Double.isFinite(m.lambda(i)) && m.lambda(i) >= 0, "lambda " + i);
            for (int j = 0; j < m.inner(); j++) {
                assertTrue(Double.isFinite(m.mu(i, j)), "mu " + i + "," + j);
            }
        }
        Problem p = CsiMapping.toProblem(report(1, 8, 2, 12), null);
        p.rfChains = 2;
        Precoder x = new Precoder();
        org.isac.solver.hybrid.HybridUpgaSolver.load(model.toString()).solve(p, x);
        assertTrue(x.isHybrid());
        assertEquals(2.0, x.effective(new CMatrix()).frobeniusNorm2(), 1e-6, "||FW||^2 = P_t");

        Path reports = dir.resolve("rh");
        Run rep = run("", "reproduce", "hybrid", "--model", model.toString(), "--quick", "--out", reports.toString());
        assertEquals(0, rep.exit(), rep.err());
        Path d = reports.resolve(m.name());
        List<String> curve = Files.readAllLines(d.resolve("objective-vs-layers.csv"));
        assertEquals("method,layer,objective", curve.get(0));
        assertEquals(1 + (m.outer() + 1) + (m.outer() + 1) + (3 * m.outer() + 1), curve.size(),
                "trained curve and untrained budgets I and 3I, init included");
        assertTrue(Files.size(d.resolve("objective-vs-layers.png")) > 1000);
        assertTrue(Files.readString(d.resolve("summary.md")).contains("How close"));
    }

    @Test
    void reproduceDnnWritesTablesAndPlots() throws Exception {
        Path out = dir.resolve("dnn");
        Run res = run("", "reproduce", "dnn", "--instances", "4", "--out", out.toString());
        assertEquals(0, res.exit(), res.err());
        List<String> csv = Files.readAllLines(out.resolve("tradeoff.csv"));
        assertEquals("antennas,rho,dnn_rate_bits,dnn_crlb_db,baseline,baseline_rate_bits,baseline_crlb_db", csv.get(0));
        assertEquals(1 + 2 * 11 * 2, csv.size(), "M in {10, 20} x 11 values of rho x 2 baselines");
        for (String name : List.of("rate-vs-rho-m10.png", "crlb-vs-rho-m20.png", "csi-error.png", "beampattern-m10.png")) {
            assertTrue(Files.size(out.resolve(name)) > 1000, name);
        }
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Table 3"));
    }
}
