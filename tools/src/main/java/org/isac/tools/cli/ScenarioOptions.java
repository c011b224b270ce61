package org.isac.tools.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.isac.sim.Scenario;
import picocli.CommandLine.Option;

/** Options that describe a simulated radio; mapped onto {@link Scenario} keys. */
public final class ScenarioOptions {
    @Option(names = "--scenario", paramLabel = "FILE", description = "scenario properties file (key=value; see Scenario keys)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "set any scenario key, e.g. --set csiErrorMu=0.1 (repeatable)")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = {"-n", "--antennas"}, paramLabel = "N", description = "transmit antennas (ULA; with --tx-array it must agree)")
    Integer antennas;

    @Option(names = "--tx-array", paramLabel = "HxV", description = "transmit array, e.g. 4x4 (a UPA; N = H·V) or N (a ULA)")
    String txArray;

    @Option(names = "--rx-array", paramLabel = "HxV", description = "radar receive array, e.g. 5x4 (default: the transmit array)")
    String rxArray;

    @Option(names = {"-k", "--users"}, paramLabel = "K", description = "users")
    Integer users;

    @Option(names = {"-m", "--rf-chains"}, paramLabel = "M", description = "RF chains (0 = fully digital)")
    Integer rfChains;

    @Option(names = "--snr-db", paramLabel = "DB", description = "P_t/σ² in dB")
    Double snrDb;

    @Option(names = "--rate-hz", paramLabel = "HZ", description = "CSI reports per second")
    Double rateHz;

    @Option(names = "--deadline-us", paramLabel = "US", description = "capture → applied budget per report (µs)")
    Long deadlineUs;

    @Option(names = "--speed", paramLabel = "M/S", description = "user speed for the Doppler-driven channel ageing")
    Double speedMps;

    @Option(names = "--csi-error", paramLabel = "MU", description = "CSI estimation error μ in [0, 1]")
    Double csiErrorMu;

    @Option(names = "--reports", paramLabel = "COUNT", description = "stop after this many reports per radio (default: run for --seconds)")
    Long reports;

    @Option(names = "--seed", paramLabel = "SEED", description = "random seed")
    Long seed;

    @Option(names = "--solver", paramLabel = "NAME", description = "ask the controller for this solver (default: its policy)")
    String solver;

    @Option(names = "--subbands", paramLabel = "S", description = {"wideband: S subbands per report (per-subband CSI and weights,",
            "one analog F; a frequency-selective Saleh-Valenzuela channel); 1 = narrowband"})
    Integer subbands;

    @Option(names = "--bandwidth-mhz", paramLabel = "MHZ", description = "wideband: the band the subbands split, MHz (default 400)")
    Double bandwidthMhz;

    @Option(names = "--squint", description = "wideband: steering vectors follow each subband's frequency (beam squint)")
    Boolean squint;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "solver hyper-parameter (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    /** The scenario: file (or defaults), then --set, then the named options; {@code dflt} fills keys no option gave. */
    Scenario scenario(Map<String, String> dflt) throws IOException {
        Scenario.Builder b = file == null ? Scenario.builder() : Scenario.load(file).toBuilder();
        if (file == null) {
            dflt.forEach(b::set);
        }
        set.forEach(b::set);
        if (txArray != null) {
            b.set("txArray", txArray);
        }
        if (rxArray != null) {
            b.set("rxArray", rxArray);
        }
        if (antennas != null) {
            b.set("antennas", antennas.toString());
        }
        if (users != null) {
            b.set("users", users.toString());
        }
        if (rfChains != null) {
            b.set("rfChains", rfChains.toString());
        }
        if (snrDb != null) {
            b.set("snrDb", snrDb.toString());
        }
        if (rateHz != null) {
            if (!(rateHz > 0) || rateHz > 1e6) {
                throw new IllegalArgumentException("--rate-hz must be in (0, 1e6], got " + rateHz);
            }
            b.set("reportPeriodUs", Long.toString(Math.max(1, Math.round(1e6 / rateHz))));
        }
        if (deadlineUs != null) {
            b.set("deadlineBudgetUs", deadlineUs.toString());
        }
        if (speedMps != null) {
            b.set("speedMps", speedMps.toString());
        }
        if (csiErrorMu != null) {
            b.set("csiErrorMu", csiErrorMu.toString());
        }
        if (reports != null) {
            b.set("reportLimit", reports.toString());
        }
        if (seed != null) {
            b.set("seed", seed.toString());
        }
        if (solver != null) {
            b.set("solver", solver);
        }
        if (subbands != null) {
            b.set("subbands", subbands.toString());
        }
        if (bandwidthMhz != null) {
            b.set("bandwidthHz", Double.toString(bandwidthMhz * 1e6));
        }
        if (squint != null) {
            b.set("squint", squint.toString());
        }
        params.forEach((k, v) -> b.set(Scenario.PARAM_PREFIX + k, v));
        return b.build();
    }
}
