package org.isac.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestClient;
import org.isac.controller.TestData;
import org.isac.tools.cli.Main;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.WeightUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The offline {@code solve} answers a report with the update a front end receives from the
 * running controller for the same hello and report: same weights, predictions and
 * {@code fpga_frame} byte for byte; only the solve time differs and only the live path has
 * stage timestamps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SolveMatchesLiveTest {
    @TempDir
    Path dir;

    private static FrontEndHello hybridHello() {
        return FrontEndHello.newBuilder()
                .setRadioId("rfsoc-7")
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(64).setVertical(1))
                .setRfChains(4)
                .setPhaseBits(6)
                .setBasebandBits(9)
                .setMaxPowerW(1.0)
                .setProtocolVersion(1)
                .build();
    }

    private static CsiReport report(String radioId, long sequence, int n, int k, String solver) {
        return TestData.report(radioId, sequence, n, k)
                .setCaptureNs(123_456_789L)
                .setPowerBudgetW(1.0)
                .setSolver(solver)
                .build();
    }

    /** What the running controller (default settings) answers to {@code hello} then {@code reports}. */
    private static List<WeightUpdate> live(FrontEndHello hello, CsiReport... reports) throws Exception {
        List<WeightUpdate> out = new ArrayList<>();
        try (Controller c = new Controller(ControllerConfig.builder().port(0).build()).start();
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(hello));
            assertTrue(client.read().hasHelloAck());
            for (CsiReport r : reports) {
                client.send(TestData.wrap(r));
                ControllerMessage m = client.read();
                assertTrue(m.hasUpdate(), "live answer: " + m);
                out.add(m.getUpdate());
            }
        }
        return out;
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the command line, capturing what it writes to picocli's streams or to System.out / err. */
    private static synchronized Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(o, true));
            cl.setErr(new PrintWriter(e, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path write(String name, com.google.protobuf.MessageOrBuilder m) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, JsonFormat.printer().print(m));
        return f;
    }

    private static WeightUpdate parse(String json) throws Exception {
        WeightUpdate.Builder b = WeightUpdate.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    private static DecodedFrame frame(WeightUpdate u) throws Exception {
        byte[] f = u.getFpgaFrame().toByteArray();
        return new WeightFrameParser().parse(f, 0, f.length, new DecodedFrame());
    }

    /** The live update without what only the live path has: solve time, stage timestamps. */
    private static WeightUpdate comparable(WeightUpdate u) {
        return u.toBuilder().clearSolveNs().clearStages().build();
    }

    @Test
    void solveWithAHelloPrintsTheFrameTheControllerSends() throws Exception {
        FrontEndHello hello = hybridHello();
        // the served default, the float engine: the same bits in the CLI's JVM and the controller's
        CsiReport r = report("rfsoc-7", 7, 64, 4, "hybrid-upga");
        Run res = cli("solve", "--hello", write("hello.json", hello).toString(), write("report.json", r).toString());
        assertEquals(0, res.exit(), res.err());
        WeightUpdate solved = parse(res.out());

        assertFalse(solved.getFpgaFrame().isEmpty(), "solve --hello answers with the hardware frame: " + res.out());
        DecodedFrame f = frame(solved);
        assertTrue(f.hybrid());
        assertEquals(CodecId.BFP, f.codec(), "the controller's default codec");
        assertEquals(6, f.phaseBits(), "the hello's phase_bits");
        assertEquals(9, f.basebandBits(), "the hello's baseband_bits");
        assertEquals(64, f.n());
        assertEquals(4, f.m());
        assertEquals(4, f.k());
        assertEquals(7, f.sequence());
        assertTrue(f.isFor("rfsoc-7"));

        WeightUpdate sent = live(hello, r).get(0);
        assertEquals(sent.getFpgaFrame(), solved.getFpgaFrame(), "the frame, byte for byte");
        assertEquals(comparable(sent), comparable(solved));
        assertEquals(r.getCaptureNs(), solved.getCaptureNs(), "capture time echoed as the live path does");
    }

    @Test
    void batchWithAHelloAnswersEveryReportAsTheControllerDoes() throws Exception {
        FrontEndHello hello = hybridHello().toBuilder().setRfChains(0).setRadioId("usrp-2")
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(4).setVertical(4)).build();
        CsiReport[] reports = {report("usrp-2", 1, 16, 4, "rzf"), report("usrp-2", 2, 16, 4, "zf"),
                report("usrp-2", 3, 16, 4, "rzf")};
        StringBuilder lines = new StringBuilder();
        for (CsiReport r : reports) {
            lines.append(JsonFormat.printer().omittingInsignificantWhitespace().print(r)).append('\n');
        }
        Path in = dir.resolve("session.jsonl");
        Files.writeString(in, lines);
        Run res = cli("solve", "--batch", "--hello", write("hello.json", hello).toString(), in.toString());
        assertEquals(0, res.exit(), res.err());

        List<WeightUpdate> sent = live(hello, reports);
        List<String> out = res.out().lines().toList();
        assertEquals(reports.length, out.size(), res.out());
        for (int i = 0; i < reports.length; i++) {
            ControllerMessage.Builder m = ControllerMessage.newBuilder();
            JsonFormat.parser().merge(out.get(i), m);
            WeightUpdate solved = m.getUpdate();
            assertFalse(solved.getFpgaFrame().isEmpty(), out.get(i));
            assertEquals(comparable(sent.get(i)), comparable(solved), "report " + (i + 1));
        }
    }

    @Test
    void withoutAHelloTheReportStandsAloneAndTheFrameHasTheDefaultWidths() throws Exception {
        CsiReport r = report("bench-1", 3, 16, 4, "rzf").toBuilder()
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(4).setVertical(4)).build();
        Run res = cli("solve", write("report.json", r).toString());
        assertEquals(0, res.exit(), res.err());
        WeightUpdate solved = parse(res.out());
        DecodedFrame f = frame(solved);
        assertFalse(f.hybrid());
        assertEquals(CodecId.FIXED, f.codec(), "a hello that leaves baseband_bits at 0 gets 16-bit fixed point");
        assertEquals(16, f.basebandBits());
        assertEquals(16, f.n());

        // the same as a front end whose hello declares only its id, array and the report's budget
        FrontEndHello minimal = FrontEndHello.newBuilder().setRadioId("bench-1")
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(4).setVertical(4))
                .setMaxPowerW(r.getPowerBudgetW()).build();
        assertEquals(comparable(live(minimal, r).get(0)), comparable(solved));
    }

    @Test
    void basebandCodecNoneLeavesTheFrameOutAsServeDoes() throws Exception {
        CsiReport r = report("bench-1", 1, 8, 2, "zf");
        Run res = cli("solve", "--baseband-codec", "none", write("report.json", r).toString());
        assertEquals(0, res.exit(), res.err());
        assertTrue(parse(res.out()).getFpgaFrame().isEmpty());
        Run bad = cli("solve", "--baseband-codec", "mp3", write("report2.json", r).toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown baseband codec 'mp3'"), bad.err());
    }
}
