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
        out.add(new String[] {"report-wideband.json", pretty.print(widebandReport()) + "\n"});
        return out;
    }

    /** Subbands, antennas, users, paths per user of the wideband example. */
    static final int WB_S = 4;
    static final int WB_N = 16;
    static final int WB_K = 4;
    static final int WB_PATHS = 3;
    static final double WB_CARRIER_HZ = 28e9;
    /** Subband centres f_s − f_c: 4 subbands of 100 MHz across 400 MHz. */
    static final double WB_SPACING_HZ = 100e6;

    /**
     * A wideband report of a fully digital 16-element ULA (half a wavelength at f_c = 28 GHz),
     * K = 4 users, S = 4 subbands 100 MHz apart: each user's channel is 3 paths with complex
     * gain α_l (CN(0, 1/3)), delay τ_l (0..50 ns) and angle θ_l (within ±10° of the user's
     * direction), h_{n,k}(f_s) = Σ_l α_l e^{−j2π(f_s − f_c)τ_l} e^{jπ n (f_s/f_c) sin θ_l}: the
     * delays make the subbands differ, the factor f_s/f_c is the beam squint. Seeded, computed
     * with {@link StrictMath}, so every machine writes the same values.
     */
    static CsiReport widebandReport() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2026);
        double[][] alphaRe = new double[WB_K][WB_PATHS];
        double[][] alphaIm = new double[WB_K][WB_PATHS];
        double[][] delay = new double[WB_K][WB_PATHS];
        double[][] angle = new double[WB_K][WB_PATHS];
        for (int k = 0; k < WB_K; k++) {
            double direction = StrictMath.toRadians(-60 + 40 * k + 10 * rnd.nextDouble());
            for (int l = 0; l < WB_PATHS; l++) {
                double g = StrictMath.sqrt(-StrictMath.log(1 - rnd.nextDouble()) / WB_PATHS); // |α|² ~ Exp(1/L)
                double ph = 2 * StrictMath.PI * rnd.nextDouble();
                alphaRe[k][l] = g * StrictMath.cos(ph);
                alphaIm[k][l] = g * StrictMath.sin(ph);
                delay[k][l] = 50e-9 * rnd.nextDouble();
                angle[k][l] = direction + StrictMath.toRadians(20 * rnd.nextDouble() - 10);
            }
        }
        CsiReport.Builder r = CsiReport.newBuilder()
                .setRadioId("usrp-wideband-1")
                .setSequence(1)
                .setCaptureNs(T0_NS)
                .setDeadlineNs(T0_NS + 2_000_000)
                .setPowerBudgetW(1.0)
                .setCarrierHz(WB_CARRIER_HZ)
                .setSolver("rzf")
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(WB_N).setVertical(1).setSpacingWavelengths(0.5));
        for (int s = 0; s < WB_S; s++) {
            double offset = (s - (WB_S - 1) / 2.0) * WB_SPACING_HZ;
            double ratio = 1 + offset / WB_CARRIER_HZ;
            float[] re = new float[WB_N * WB_K];
            float[] im = new float[WB_N * WB_K];
            for (int k = 0; k < WB_K; k++) {
                for (int l = 0; l < WB_PATHS; l++) {
                    double delayPhase = -2 * StrictMath.PI * offset * delay[k][l];
                    for (int n = 0; n < WB_N; n++) {
                        double ph = delayPhase + StrictMath.PI * n * ratio * StrictMath.sin(angle[k][l]);
                        double c = StrictMath.cos(ph);
                        double sn = StrictMath.sin(ph);
                        re[n * WB_K + k] += (float) (alphaRe[k][l] * c - alphaIm[k][l] * sn);
                        im[n * WB_K + k] += (float) (alphaRe[k][l] * sn + alphaIm[k][l] * c);
                    }
                }
            }
            ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(WB_N).setCols(WB_K);
            for (float v : re) {
                m.addRe(v);
            }
            for (float v : im) {
                m.addIm(v);
            }
            r.addSubbands(org.isac.proto.v1.Subband.newBuilder().setChannel(m).addNoisePowerW(0.0631)
                    .setFrequencyOffsetHz(offset));
        }
        r.addTargets(Target.newBuilder().setAzimuthRad(StrictMath.toRadians(-30)).setGainRe(1.0));
        r.addTargets(Target.newBuilder().setAzimuthRad(StrictMath.toRadians(20)).setGainRe(1.0));
        return r.build();
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
        CsiReport wide = parse(Files.readString(DIR.resolve("report-wideband.json")));
        assertNull(ReportValidator.validate(wide, null), "solvable without a hello");
        assertEquals(4, wide.getSubbandsCount());
        assertEquals(16, wide.getSubbands(0).getChannel().getRows());
        assertEquals(4, wide.getSubbands(0).getChannel().getCols());
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
        for (int s = 0; s < want.getSubbandsCount(); s++) {
            ComplexMatrix x = want.getSubbands(s).getChannel();
            ComplexMatrix y = got.getSubbands(s).getChannel();
            assertEquals(x.getReCount(), y.getReCount(), what);
            for (int i = 0; i < x.getReCount(); i++) {
                close(x.getRe(i), y.getRe(i), what + " subband " + s + " re[" + i + "]");
                close(x.getIm(i), y.getIm(i), what + " subband " + s + " im[" + i + "]");
            }
        }
    }

    private static Message strip(CsiReport r) {
        CsiReport.Builder b = r.toBuilder().setChannel(r.getChannel().toBuilder().clearRe().clearIm());
        for (int s = 0; s < b.getSubbandsCount(); s++) {
            b.setSubbands(s, b.getSubbands(s).toBuilder().setChannel(b.getSubbands(s).getChannel().toBuilder().clearRe().clearIm()));
        }
        return b.build();
    }

    private static void close(float want, float got, String what) {
        assertTrue(Float.isNaN(want) ? Float.isNaN(got) : Math.abs(want - got) <= CHANNEL_TOL * Math.max(1, Math.abs(want)),
                what + ": " + got + " vs " + want);
    }
}
