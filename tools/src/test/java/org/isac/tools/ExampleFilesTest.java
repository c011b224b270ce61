package org.isac.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.isac.controller.Rejection;
import org.isac.controller.ReportValidator;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.Target;
import org.isac.sim.ChannelProcess;
import org.isac.sim.Scenario;
import org.isac.sim.SimRadio;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/**
 * The sample hello and reports in {@code docs/examples}: made here from the simulated radio's
 * channel process (sim-radio's {@link Scenario} and {@link ChannelProcess}, seeded), as the
 * simulated radio would send them. The test checks that the committed files are what this
 * code makes (channel values to float rounding, so another CPU's last bits do not matter) and
 * that they validate as documented; {@code -Disac.examples.write=true} rewrites them.
 */
class ExampleFilesTest {
    /** The examples directory (tests run in the module's directory). */
    private static final Path DIR = Path.of("..", "docs", "examples");
    /** Front-end clock at the first capture, ns. */
    private static final long T0_NS = 5_000_000_000L;
    /** Channel entries may differ by this much from the committed ones (float rounding of other CPUs' math). */
    private static final double CHANNEL_TOL = 1e-5;

    /**
     * A hybrid front end as the demo runs it: 64-element ULA, K = 4 users, M = 4 RF chains,
     * Saleh–Valenzuela channel at 28 GHz, users walking at 3 m/s, 12 dB SNR, 1 W, targets at
     * −60°, 0°, 60°, 6-bit phase shifters, 9-bit baseband words, CSI error μ = 0.05.
     */
    static Scenario hybridScenario() {
        return Scenario.builder().radioId("rfsoc-hybrid-1").rfChains(4).seed(2025)
                .set("csiErrorMu", "0.05").set("solver", "hybrid-upga").build();
    }

    /** A fully digital front end with a 4×4 planar array, K = 4, asking for rzf; two targets. */
    static Scenario digitalScenario() {
        return Scenario.builder().radioId("usrp-digital-1").txArray(new ArrayShape(4, 4)).users(4)
                .targetsDeg(-30, 20).targetsElevationDeg(10, 25).seed(77).set("csiErrorMu", "0.05")
                .set("solver", "rzf").build();
    }

    /** File name → content, as committed. */
    static List<String[]> files() throws Exception {
        List<String[]> out = new ArrayList<>();
        JsonFormat.Printer pretty = JsonFormat.printer();
        JsonFormat.Printer line = JsonFormat.printer().omittingInsignificantWhitespace();

        Scenario hybrid = hybridScenario();
        out.add(new String[] {"hello-hybrid.json", pretty.print(hello(hybrid)) + "\n"});
        ChannelProcess process = ChannelProcess.of(hybrid);
        StringBuilder session = new StringBuilder();
        CsiReport first = null;
        for (int seq = 1; seq <= 4; seq++) {
            CsiReport r = report(hybrid, process, seq, T0_NS + (seq - 1) * hybrid.reportPeriodNs());
            if (seq == 1) {
                first = r;
            }
            if (seq == 3) {
                // a failed estimate: one channel entry is NaN, so this line is answered with a Reject
                r = r.toBuilder().setChannel(r.getChannel().toBuilder().setRe(5, Float.NaN)).build();
            }
            session.append(line.print(r)).append('\n');
        }
        out.add(new String[] {"report-hybrid.json", pretty.print(first) + "\n"});
        out.add(new String[] {"session-hybrid.jsonl", session.toString()});

        // the digital report names its array, so it can be solved without a hello
        Scenario digital = digitalScenario();
        CsiReport d = report(digital, ChannelProcess.of(digital), 1, T0_NS).toBuilder()
                .setTxArray(geometry(digital.txShape())).build();
        out.add(new String[] {"report-digital.json", pretty.print(d) + "\n"});
        return out;
    }

    /** The hello the simulated radio sends for {@code s} (with its own clock). */
    static FrontEndHello hello(Scenario s) {
        return SimRadio.hello(s).setSoftware("docs/examples (ExampleFilesTest)").clearSharedClock().build();
    }

    /** One CSI report: the process's channel at {@code captureNs}, estimated with the scenario's error. */
    static CsiReport report(Scenario s, ChannelProcess process, long sequence, long captureNs) {
        process.advanceTo(captureNs);
        CMatrix csi = new CMatrix(s.antennas(), s.users());
        process.estimate(s.csiErrorMu(), csi);
        ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(csi.rows()).setCols(csi.cols());
        for (int i = 0; i < csi.size(); i++) {
            m.addRe((float) csi.re[i]);
        }
        for (int i = 0; i < csi.size(); i++) {
            m.addIm((float) csi.im[i]);
        }
        CsiReport.Builder r = CsiReport.newBuilder()
                .setRadioId(s.radioId())
                .setSequence(sequence)
                .setCaptureNs(captureNs)
                .setDeadlineNs(captureNs + s.deadlineBudgetNs())
                .setChannel(m)
                .addNoisePowerW(s.noisePowerW())
                .setPowerBudgetW(s.powerW())
                .setSolver(s.solver());
        Scatterers t = s.targets();
        for (int i = 0; i < t.count(); i++) {
            r.addTargets(Target.newBuilder().setAzimuthRad(t.azimuthRad[i]).setElevationRad(t.elevationRad[i])
                    .setGainRe(t.gainRe[i]).setGainIm(t.gainIm[i]));
        }
        return r.build();
    }

    static ArrayGeometry geometry(ArrayShape a) {
        return ArrayGeometry.newBuilder().setHorizontal(a.horizontal()).setVertical(a.vertical())
                .setSpacingWavelengths(0.5).build();
    }

    @Test
    void committedExamplesAreWhatTheSimulatedRadioMakes() throws Exception {
        if (Boolean.getBoolean("isac.examples.write")) {
            for (String[] f : files()) {
                Files.writeString(DIR.resolve(f[0]), f[1], StandardCharsets.UTF_8);
            }
        }
        for (String[] f : files()) {
            String committed = Files.readString(DIR.resolve(f[0]), StandardCharsets.UTF_8);
            List<String> want = f[1].lines().toList();
            List<String> got = committed.lines().toList();
            assertEquals(want.size(), got.size(), f[0] + ": line count (rewrite with -Disac.examples.write=true)");
            for (int i = 0; i < want.size(); i++) {
                if (f[0].endsWith(".jsonl")) {
                    assertSameReport(parse(want.get(i)), parse(got.get(i)), f[0] + " line " + (i + 1));
                }
            }
            if (f[0].startsWith("report-")) {
                assertSameReport(parse(f[1]), parse(committed), f[0]);
            } else if (f[0].startsWith("hello-")) {
                FrontEndHello.Builder h = FrontEndHello.newBuilder();
                JsonFormat.parser().merge(committed, h);
                assertEquals(f[1], JsonFormat.printer().print(h) + "\n", f[0]);
            }
        }
    }

    @Test
    void theSamplesValidateAsTheirReadmeSays() throws Exception {
        FrontEndHello.Builder hb = FrontEndHello.newBuilder();
        JsonFormat.parser().merge(Files.readString(DIR.resolve("hello-hybrid.json")), hb);
        FrontEndHello hello = hb.build();
        assertNull(ReportValidator.validateHello(hello));
        assertNull(ReportValidator.validate(parse(Files.readString(DIR.resolve("report-hybrid.json"))), hello));
        List<String> session = Files.readAllLines(DIR.resolve("session-hybrid.jsonl"));
        assertEquals(4, session.size());
        for (int i = 0; i < session.size(); i++) {
            Rejection bad = ReportValidator.validate(parse(session.get(i)), hello);
            if (i == 2) {
                assertEquals(Reject.Reason.NON_FINITE, bad.reason(), "line 3 is the deliberately bad one");
            } else {
                assertNull(bad, "line " + (i + 1));
            }
        }
        CsiReport digital = parse(Files.readString(DIR.resolve("report-digital.json")));
        assertNull(ReportValidator.validate(digital, null), "solvable without a hello");
        assertEquals(16, digital.getChannel().getRows());
    }

    private static CsiReport parse(String json) throws Exception {
        CsiReport.Builder b = CsiReport.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    /** Equal but for channel entries within {@link #CHANNEL_TOL} (NaN equals NaN). */
    private static void assertSameReport(CsiReport want, CsiReport got, String what) {
        assertEquals(strip(want), strip(got), what);
        ComplexMatrix a = want.getChannel();
        ComplexMatrix b = got.getChannel();
        assertEquals(a.getReCount(), b.getReCount(), what);
        for (int i = 0; i < a.getReCount(); i++) {
            close(a.getRe(i), b.getRe(i), what + " re[" + i + "]");
            close(a.getIm(i), b.getIm(i), what + " im[" + i + "]");
        }
    }

    private static Message strip(CsiReport r) {
        return r.toBuilder().setChannel(r.getChannel().toBuilder().clearRe().clearIm()).build();
    }

    private static void close(float want, float got, String what) {
        assertTrue(Float.isNaN(want) ? Float.isNaN(got) : Math.abs(want - got) <= CHANNEL_TOL * Math.max(1, Math.abs(want)),
                what + ": " + got + " vs " + want);
    }
}
