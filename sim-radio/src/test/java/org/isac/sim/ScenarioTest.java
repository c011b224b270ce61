package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.channel.Fading;
import org.isac.solver.channel.Rayleigh;
import org.isac.solver.channel.RicianPathLoss;
import org.isac.solver.channel.SalehValenzuela;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {
    private static final double EPS = 1e-12;

    @Test
    void defaultsAreTheDocumentedOnes() {
        Scenario s = Scenario.defaults();
        assertEquals("sim-0", s.radioId());
        assertEquals(64, s.antennas());
        assertEquals(4, s.users());
        assertEquals(0, s.rfChains());
        assertArrayEquals(new double[] {-60, 0, 60}, s.targetsDeg());
        assertEquals(12, s.snrDb());
        assertEquals(1.0, s.powerW());
        assertEquals("sv", s.channel());
        assertEquals(1, s.seed());
        assertEquals(1000, s.reportPeriodUs());
        assertEquals(1000, s.deadlineBudgetUs());
        assertEquals(3, s.speedMps());
        assertEquals(28e9, s.carrierHz());
        assertEquals(0, s.csiErrorMu());
        assertEquals("", s.solver());
        assertTrue(s.solverParams().isEmpty());
        assertEquals(1, s.genieEvery());
        assertTrue(s.sharedClock());
        assertTrue(s.newChannelModel() instanceof SalehValenzuela);
    }

    @Test
    void derivedNoiseDopplerAndRho() {
        Scenario s = Scenario.builder().snrDb(10).powerW(2).build();
        assertEquals(0.2, s.noisePowerW(), EPS, "sigma^2 = P_t / 10^(snr/10)");
        double fd = 3 * 28e9 / RicianPathLoss.C0;
        assertEquals(fd, s.dopplerHz(), 1e-9);
        assertEquals(Fading.besselJ0(2 * Math.PI * fd * 100e-6), s.rhoPerStep(), EPS);
        assertEquals(Fading.besselJ0(2 * Math.PI * fd * 1e-3), s.rhoPerReport(), EPS);
        assertEquals(1.0, Scenario.builder().speedMps(0).build().rhoPerStep(), 0.0, "speed 0 freezes the channel");
    }

    @Test
    void propertiesOverrideDefaultsWithLenientKeySpelling() {
        Properties p = new Properties();
        p.setProperty("antennas", "32");
        p.setProperty("report-period-us", "500");
        p.setProperty("DEADLINE_BUDGET_US", "250");
        p.setProperty("targetsDeg", " -30 , 45 ");
        p.setProperty("channel", "Rician");
        p.setProperty("kFactor", "3.5");
        p.setProperty("solver", "rzf");
        p.setProperty("param.reg", "0.01");
        p.setProperty("sharedClock", "false");
        Scenario s = Scenario.fromProperties(p);
        assertEquals(32, s.antennas());
        assertEquals(500, s.reportPeriodUs());
        assertEquals(250, s.deadlineBudgetUs());
        assertArrayEquals(new double[] {-30, 45}, s.targetsDeg());
        assertEquals("rician", s.channel());
        assertEquals(3.5, s.kFactor());
        assertEquals("rzf", s.solver());
        assertEquals(Map.of("reg", 0.01), s.solverParams());
        assertEquals(false, s.sharedClock());
        assertTrue(s.newChannelModel() instanceof RicianPathLoss);
        assertEquals(4, s.users(), "untouched keys keep their defaults");
    }

    @Test
    void propertiesRoundTripAndFieldOverrides(@TempDir Path dir) throws IOException {
        Scenario s = Scenario.builder().radioId("bench-1").users(8).targetsDeg().csiErrorMu(0.25).param("reg", 0.5)
                .seed(-3).build();
        Path f = dir.resolve("s.properties");
        Files.writeString(f, s.toProperties());
        Scenario back = Scenario.load(f);
        assertEquals(s, back);
        assertEquals(0, back.targetsDeg().length);
        Scenario o = back.toBuilder().set("speed-mps", "0").set("genieEvery", "10").build();
        assertEquals(0, o.speedMps());
        assertEquals(10, o.genieEvery());
        assertEquals("bench-1", o.radioId());
        assertEquals(Map.of("reg", 0.5), o.solverParams());
        assertTrue(s.describe().contains("K=8"), s.describe());
        assertTrue(s.toString().contains("csiErrorMu=0.25"), s.toString());
    }

    @Test
    void badValuesGiveClearErrors() {
        assertError(Scenario.builder().antennas(0), "antennas");
        assertError(Scenario.builder().users(65), "users must be in [1, antennas=64]");
        assertError(Scenario.builder().rfChains(2), "rfChains");
        assertError(Scenario.builder().targetsDeg(100), "targetsDeg");
        assertError(Scenario.builder().snrDb(Double.NaN), "snrDb");
        assertError(Scenario.builder().powerW(0), "powerW");
        assertError(Scenario.builder().channel("awgn"), "channel must be 'sv', 'rician', 'rayleigh' or 'trace'");
        assertError(Scenario.builder().scoreShare(0), "scoreShare must be in (0, 1], got 0");
        assertError(Scenario.builder().set("score_share", "1.5"), "scoreShare must be in (0, 1], got 1.5");
        assertError(Scenario.builder().kFactor(-1), "kFactor");
        assertError(Scenario.builder().minDistanceM(500), "distances");
        assertError(Scenario.builder().reportPeriodUs(0), "reportPeriodUs");
        assertError(Scenario.builder().deadlineBudgetUs(-5), "deadlineBudgetUs");
        assertError(Scenario.builder().speedMps(-1), "speedMps");
        assertError(Scenario.builder().carrierHz(0), "carrierHz");
        assertError(Scenario.builder().channel("rician").subbands(4), "subbands");
        assertError(Scenario.builder().csiErrorMu(1.5), "csiErrorMu must lie in [0, 1]");
        assertError(Scenario.builder().solver("r zf"), "solver");
        assertError(Scenario.builder().param("reg", Double.POSITIVE_INFINITY), "solver parameter reg");
        assertError(Scenario.builder().genieEvery(-1), "genieEvery");
        assertError(Scenario.builder().radioId(" "), "radioId");
        // every problem is listed, not only the first
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().antennas(0).csiErrorMu(2).build());
        assertTrue(e.getMessage().contains("antennas") && e.getMessage().contains("csiErrorMu"), e.getMessage());
    }

    @Test
    void unparseableTextAndUnknownKeysAreNamed(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().set("antennas", "many"));
        assertTrue(e.getMessage().contains("'antennas'") && e.getMessage().contains("'many'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("antenas", "8"));
        assertTrue(e.getMessage().contains("unknown scenario key 'antenas'") && e.getMessage().contains("antennas"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("sharedClock", "maybe"));
        assertTrue(e.getMessage().contains("boolean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("targetsDeg", "10,x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("param.", "1"));
        assertTrue(e.getMessage().contains("no name"), e.getMessage());
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "users=4\nsnrDb=loud\n");
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("snrDb"), e.getMessage());
    }

    /** A valid value other than the default for every key of the table (on the default scenario). */
    private static final Map<String, String> OTHER = Map.ofEntries(Map.entry("radioId", "bench-7"),
            Map.entry("antennas", "32"), Map.entry("users", "6"), Map.entry("rfChains", "8"),
            Map.entry("targetsDeg", "-45.5,10"), Map.entry("snrDb", "-3.25"), Map.entry("powerW", "2.5"),
            Map.entry("channel", "rician"), Map.entry("trace", "."), Map.entry("traceRadio", "sim-9"), Map.entry("svPaths", "3"), Map.entry("kFactor", "0.5"),
            Map.entry("gainScale", "0.001"), Map.entry("pathLossExponent", "3.5"), Map.entry("shadowSigmaDb", "0"),
            Map.entry("minDistanceM", "50"), Map.entry("maxDistanceM", "250.5"), Map.entry("referenceDistanceM", "2"),
            Map.entry("maxUserAngleDeg", "60"), Map.entry("seed", "-9007199254740993"), Map.entry("reportPeriodUs", "250"),
            Map.entry("deadlineBudgetUs", "700"), Map.entry("channelStepUs", "50"), Map.entry("speedMps", "0.1"),
            Map.entry("carrierHz", "3500000000"), Map.entry("subbands", "16"), Map.entry("bandwidthHz", "100000000"),
            Map.entry("delaySpreadNs", "12.5"), Map.entry("squint", "true"), Map.entry("csiErrorMu", "0.3"), Map.entry("solver", "rzf"),
            Map.entry("genieEvery", "7"), Map.entry("scoreShare", "1"), Map.entry("sharedClock", "false"),
            Map.entry("maxFrameBytes", "1024"), Map.entry("reportLimit", "12"), Map.entry("phaseBits", "0"),
            Map.entry("basebandBits", "16"), Map.entry("txArray", "8x4"), Map.entry("rxArray", "3x1"),
            Map.entry("targetsElevationDeg", "0.5,-180"), Map.entry("targetsGainRe", "0.1,-2"),
            Map.entry("targetsGainIm", "0,1.0E-9"));

    /** The canonical key names, in the table's order, as the printed scenario gives them. */
    private static Set<String> tableKeys() {
        Set<String> keys = new HashSet<>(Scenario.defaults().toMap().keySet());
        assertEquals(ScenarioKey.values().length, keys.size());
        return keys;
    }

    @Test
    void everyKeyOfTheTableRoundTripsThroughItsText(@TempDir Path dir) throws IOException {
        assertEquals(tableKeys(), OTHER.keySet(), "every key of the table has a test value");
        for (ScenarioKey k : ScenarioKey.values()) {
            String text = OTHER.get(k.key);
            Scenario.Builder b = Scenario.builder().set(k.key, text);
            if (k == ScenarioKey.TARGETS_ELEVATION_DEG || k == ScenarioKey.TARGETS_GAIN_RE
                    || k == ScenarioKey.TARGETS_GAIN_IM) {
                b.set("targetsDeg", "1,2"); // one entry per target
            }
            Scenario s = b.build();
            assertEquals(text, k.text(k.type.parse(k.key, text)), k.key + ": printing the parsed text gives it back");
            String printed = s.value(k.key);
            assertFalse(printed.equals(Scenario.defaults().value(k.key)), k.key + " differs from its default");
            Scenario parsed = Scenario.builder().set(k.key, printed).set("targetsDeg", s.value("targetsDeg")).build();
            assertEquals(s, parsed, k.key + ": print -> parse -> equal");
            assertEquals(printed, parsed.value(k.key));
            assertEquals(s, s.toBuilder().build(), k.key + ": toBuilder keeps it");
            Path f = dir.resolve(k.key + ".properties");
            Files.writeString(f, s.toProperties());
            assertEquals(s, Scenario.load(f), k.key + ": through a properties file");
            assertEquals(s.hashCode(), Scenario.load(f).hashCode());
        }
        Scenario all = Scenario.builder().set("txArray", "8x4").set("users", "6").set("rfChains", "8")
                .set("targetsDeg", "1,2").set("targetsGainRe", "0.1,-2").set("seed", "-9007199254740993").build();
        assertEquals(all, Scenario.fromProperties(properties(all.toProperties())));
        assertEquals(-9007199254740993L, all.seed(), "a long seed is not squeezed through a double");
    }

    private static Properties properties(String text) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(text));
        return p;
    }

    @Test
    void everyKeyNamesABadValueWithItsRange() {
        // key -> {bad text, what the message must say besides the key and the text}
        Map<String, String[]> bad = Map.ofEntries(Map.entry("radioId", new String[] {" ", "must not be empty"}),
                Map.entry("antennas", new String[] {"5000", "[1, 4096]"}),
                Map.entry("users", new String[] {"0", "[1, antennas=64]"}),
                Map.entry("rfChains", new String[] {"2", "0 (digital) or in [users=4, antennas=64]"}),
                Map.entry("targetsDeg", new String[] {"10,91", "[-90, 90] degrees"}),
                Map.entry("snrDb", new String[] {"201", "+-200 dB"}),
                Map.entry("powerW", new String[] {"-1", "> 0 W"}),
                Map.entry("channel", new String[] {"awgn", "'sv', 'rician', 'rayleigh' or 'trace'"}),
                Map.entry("trace", new String[] {"/no/such/recording", "a recording directory that exists"}),
                Map.entry("traceRadio", new String[] {"sim 0", "must not contain whitespace"}),
                Map.entry("svPaths", new String[] {"0", ">= 1"}),
                Map.entry("kFactor", new String[] {"-0.5", ">= 0 (linear)"}),
                Map.entry("gainScale", new String[] {"0", "> 0"}),
                Map.entry("pathLossExponent", new String[] {"-1", ">= 0"}),
                Map.entry("shadowSigmaDb", new String[] {"NaN", ">= 0 dB"}),
                Map.entry("minDistanceM", new String[] {"500", "referenceDistanceM <= minDistanceM <= maxDistanceM"}),
                Map.entry("maxDistanceM", new String[] {"Infinity", "minDistanceM <= maxDistanceM (finite)"}),
                Map.entry("referenceDistanceM", new String[] {"0", "0 < referenceDistanceM"}),
                Map.entry("maxUserAngleDeg", new String[] {"95", "[0, 90]"}),
                Map.entry("seed", new String[] {"1.5", "not an integer"}),
                Map.entry("reportPeriodUs", new String[] {"5", "[10, 60000000] us"}),
                Map.entry("deadlineBudgetUs", new String[] {"0", "[1, 60000000] us"}),
                Map.entry("channelStepUs", new String[] {"1000001", "[1, 1000000] us"}),
                Map.entry("speedMps", new String[] {"-3", ">= 0 m/s"}),
                Map.entry("carrierHz", new String[] {"0", "> 0 Hz"}),
                Map.entry("subbands", new String[] {"1025", "[1, 1024]"}),
                Map.entry("bandwidthHz", new String[] {"60000000000", "[0, 2 x carrierHz)"}),
                Map.entry("delaySpreadNs", new String[] {"-1", "[0, 1e6] ns"}),
                Map.entry("squint", new String[] {"maybe", "not a boolean (true/false)"}),
                Map.entry("csiErrorMu", new String[] {"1.01", "[0, 1]"}),
                Map.entry("solver", new String[] {"r zf", "without spaces"}),
                Map.entry("genieEvery", new String[] {"-1", ">= 0 (0 = never)"}),
                Map.entry("scoreShare", new String[] {"0", "(0, 1]"}),
                Map.entry("sharedClock", new String[] {"maybe", "not a boolean (true/false)"}),
                Map.entry("maxFrameBytes", new String[] {"1023", ">= 1024"}),
                Map.entry("reportLimit", new String[] {"-1", ">= 0 (0 = no limit)"}),
                Map.entry("phaseBits", new String[] {"9", "[0, 8] (0 = continuous)"}),
                Map.entry("basebandBits", new String[] {"17", "[0, 16] (0 = float)"}),
                Map.entry("txArray", new String[] {"4x0", "at least one element per axis"}),
                Map.entry("rxArray", new String[] {"100x100", "at most 4096 elements"}),
                Map.entry("targetsElevationDeg", new String[] {"0,0,181", "[-180, 180] degrees"}),
                Map.entry("targetsGainRe", new String[] {"1,2", "one entry per target (3) or none"}),
                Map.entry("targetsGainIm", new String[] {"0,NaN,0", "finite"}));
        assertEquals(tableKeys(), bad.keySet(), "every key of the table has a bad value");
        for (Map.Entry<String, String[]> e : bad.entrySet()) {
            String key = e.getKey(), text = e.getValue()[0], range = e.getValue()[1];
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> Scenario.builder().set(key, text).build(), key);
            String m = ex.getMessage();
            assertTrue(m.contains(key) && m.contains(text.trim()) && m.contains(range),
                    key + "=" + text + " must be named with '" + range + "': " + m);
        }
    }

    @Test
    void unknownKeysListEveryKeyAndTheHelpDocumentsThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().set("report-rate", "1"));
        String help = Scenario.keyHelp();
        for (ScenarioKey k : ScenarioKey.values()) {
            assertTrue(e.getMessage().contains(k.key + ", "), k.key + " in: " + e.getMessage());
            assertTrue(help.contains(k.key + " [" + Scenario.defaults().value(k.key) + "]: " + k.doc), k.key + " in: " + help);
        }
        assertTrue(e.getMessage().endsWith(Scenario.PARAM_PREFIX + "NAME"), e.getMessage());
        assertEquals(ScenarioKey.values().length + 1, help.lines().count(), help);
        assertTrue(Arrays.stream(ScenarioKey.values()).noneMatch(k -> k.doc.isBlank()));
    }

    private static void assertError(Scenario.Builder b, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void planarArrayKeysSetTheGeometryAndRoundTrip(@TempDir Path dir) throws IOException {
        Scenario d = Scenario.defaults();
        assertEquals(ArrayShape.ula(64), d.txShape());
        assertEquals(d.txShape(), d.rxShape(), "rx defaults to the tx array");
        assertEquals("", d.value("txArray"));
        assertFalse(d.planarArray());

        Scenario s = Scenario.builder().set("tx-array", "4x4").set("RX_ARRAY", " 5X4 ").users(4).build();
        assertEquals(16, s.antennas(), "N follows the transmit array");
        assertEquals(new ArrayShape(4, 4), s.txShape());
        assertEquals(new ArrayShape(5, 4), s.rxShape());
        assertTrue(s.planarArray());
        assertEquals("4x4", s.value("txArray"));
        assertEquals("5x4", s.value("rxArray"));
        assertEquals(16, s.newChannelModel().antennas());
        assertTrue(s.describe().contains("UPA(4x4)"), s.describe());
        Path f = dir.resolve("upa.properties");
        Files.writeString(f, s.toProperties());
        assertEquals(s, Scenario.load(f));
        Scenario changed = s.toBuilder().set("users", "2").build();
        assertEquals(new ArrayShape(4, 4), changed.txShape(), "toBuilder keeps the geometry");
        assertEquals(new ArrayShape(5, 4), changed.rxShape());

        Scenario line = Scenario.builder().set("txArray", "16").set("antennas", "16").build();
        assertEquals(ArrayShape.ula(16), line.txShape());
        assertFalse(line.planarArray());
        assertTrue(Scenario.builder().set("antennas", "16").set("rxArray", "4x5").build().planarArray(),
                "a planar receive array alone separates the angles");
        assertTrue(Scenario.builder().set("txArray", "4x4").set("channel", "rayleigh").build().newChannelModel()
                instanceof Rayleigh);
    }

    @Test
    void planarArrayKeysAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().set("txArray", "4x4").set("antennas", "64").build());
        assertTrue(e.getMessage().contains("disagrees with txArray 4x4"), e.getMessage());
        Properties p = new Properties();
        p.setProperty("txArray", "4x4");
        p.setProperty("antennas", "64");
        assertThrows(IllegalArgumentException.class, () -> Scenario.fromProperties(p), "a file must not contradict itself");
        assertEquals(16, Scenario.builder().set("antennas", "64").set("txArray", "4x4").build().antennas(),
                "a later txArray overrides an earlier antennas (CLI over file)");
        assertEquals(32, Scenario.builder().set("txArray", "4x4").build().toBuilder().set("txArray", "4x8").build()
                .antennas(), "toBuilder leaves the transmit array free to change");
        for (String bad : new String[] {"4x", "x4", "4x4x4", "0x4", "four"}) {
            assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("txArray", bad).build(), bad);
        }
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("rxArray", "100x100").build());
        assertTrue(e.getMessage().contains("rxArray"), e.getMessage());
    }

    @Test
    void targetElevationsAndGains() {
        Scenario s = Scenario.builder().set("targetsDeg", "-30,40").set("targetsElevationDeg", "10,127.5")
                .set("targetsGainRe", "0.1,-0.2").set("targetsGainIm", "0,0.3").build();
        Scatterers t = s.targets();
        assertEquals(2, t.count());
        assertEquals(Math.toRadians(-30), t.azimuthRad[0], EPS);
        assertEquals(Math.toRadians(127.5), t.elevationRad[1], EPS);
        assertEquals(-0.2, t.gainRe[1], EPS);
        assertEquals(0.3, t.gainIm[1], EPS);
        assertEquals("10,127.5", s.value("targetsElevationDeg"));
        Scatterers plain = Scenario.defaults().targets();
        assertEquals(3, plain.count());
        assertEquals(0, plain.elevationRad[2], 0.0, "elevation defaults to 0");
        assertEquals(1, plain.gainRe[2], 0.0, "gain defaults to 1");
        assertEquals(0, plain.gainIm[2], 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, Scenario.defaults().targetsElevationDeg());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().set("targetsElevationDeg", "1,2").build());
        assertTrue(e.getMessage().contains("one entry per target (3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("targetsGainIm", "1").build());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().set("targetsElevationDeg", "0,0,200").build());
    }
}
