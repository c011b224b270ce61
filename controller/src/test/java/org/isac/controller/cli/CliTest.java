package org.isac.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void unknownSolverIsAClearError() {
        Run res = run("{}", "solve", "--solver", "nope");
        assertEquals(2, res.exit());
        assertTrue(res.err().contains("unknown solver 'nope'") && res.err().contains("rzf"), res.err());
    }

    @Test
    void demoClosesTheLoopAndWritesTheReport() throws Exception {
        Path json = dir.resolve("demo.json");
        Path plots = dir.resolve("plots");
        Run res = run("", "demo", "--seconds", "0.4", "-n", "16", "--rate-hz", "500", "--deadline-us", "100000",
                "--report", json.toString(), "--plots", plots.toString());
        assertEquals(0, res.exit(), res.out() + res.err());
        assertTrue(res.out().contains("unaccounted 0"), res.out());
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
    }
}
