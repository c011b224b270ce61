package org.isac.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Seed003BenchTest {
    @Test
    void poolsCarryTheModelsSetupParametersAndGeometry() {
        Seed003Bench.Variant dnn = new Seed003Bench.Variant("d", "dnn-isac", Map.of("rho", 0.5, "q_bits", 7.0), false);
        Problem[] pool = Seed003Bench.pool(20, 3, 5, dnn);
        assertEquals(3, pool.length);
        for (Problem p : pool) {
            assertEquals(20, p.antennas());
            assertEquals(10, p.users());
            assertEquals(2, p.targets.count());
            assertEquals(Math.toRadians(-10), p.targets.azimuthRad[0], 1e-12);
            assertEquals(Math.toRadians(25), p.targets.azimuthRad[1], 1e-12);
            assertEquals(ArrayShape.ula(20), p.tx);
            assertEquals(0.5, p.params.get("rho", -1));
            assertEquals(7, p.params.get("q_bits", -1));
            // normalised to unit mean entry power, as the models were trained
            assertEquals(200, p.channel.frobeniusNorm2(), 1e-9);
        }
        Problem[] planar = Seed003Bench.pool(10, 1, 5, new Seed003Bench.Variant("s", "sca-crlb", Map.of(), true));
        assertEquals(new ArrayShape(5, 2), planar[0].tx);
        assertEquals(new ArrayShape(5, 2), planar[0].rx);
        assertTrue(planar[0].targets.elevationRad[0] > 0.5);
        // same channels whatever the variant
        assertEquals(Seed003Bench.pool(10, 1, 5, dnn)[0].channel.re[3], planar[0].channel.re[3]);
    }

    @Test
    void timesTheNetworkAndTurnsAMissingModelIntoANote(@TempDir Path dir) throws Exception {
        SolverSweep sweep = new SolverSweep(new SolverSweep.Settings(0.2, 0.05, 4, 7, 12), 39);
        List<Seed003Bench.Variant> v = new ArrayList<>(Seed003Bench.variants(List.of("dnn-isac", "rzf")));
        assertEquals(List.of("dnn-isac", "dnn-isac", "dnn-isac", "rzf"), v.stream().map(Seed003Bench.Variant::solver).toList());
        v.add(new Seed003Bench.Variant("dnn-isac ρ=0.55", "dnn-isac", Map.of("rho", 0.55), false));
        Seed003Bench.Result r = Seed003Bench.measure(sweep, v, new int[] {20}, 4, 11, s -> { });
        assertEquals(4, r.rows().size());
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("no model shipped"), r.notes().get(0));
        SolverSweep.Row full = r.rows().get(0);
        assertEquals("dnn-isac ρ=0.5", full.solver());
        assertEquals(20, full.n());
        assertEquals(10, full.k());
        assertEquals(0, full.m());
        assertTrue(full.samples() >= SolverSweep.MIN_SAMPLES && full.p99Ns() >= full.p50Ns() && full.p50Ns() > 0);
        SolverSweep.Row rzf = r.rows().get(3);
        // the ρ = 0.5 network serves far more than RZF on the channels it was trained for
        assertTrue(full.sumRateBits() > rzf.sumRateBits() + 5, full.sumRateBits() + " vs " + rzf.sumRateBits());
        String md = Seed003Bench.markdown(r);
        assertTrue(md.contains("| dnn-isac ρ=0.5 Q=7 J=10% | 20 | 10 |"), md);
        assertTrue(md.contains("no model shipped"), md);
        List<Path> plots = Seed003Bench.plots(dir, r);
        assertEquals(List.of(dir.resolve("latency-ccdf-seed003-m20.png")), plots);
        assertTrue(Files.size(plots.get(0)) > 1000);
    }
}
