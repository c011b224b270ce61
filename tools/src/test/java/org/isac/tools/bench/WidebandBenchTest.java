package org.isac.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.isac.solver.Problem;
import org.junit.jupiter.api.Test;

class WidebandBenchTest {
    @Test
    void picksTheWidebandDigitalSolversOnly() {
        List<String> wb = WidebandBench.widebandDigitalSolvers(List.of("mrt", "zf", "rzf", "wmmse", "hybrid-upga", "nope"));
        assertTrue(wb.containsAll(List.of("mrt", "zf", "rzf", "wmmse")), wb.toString());
        assertTrue(!wb.contains("hybrid-upga") && !wb.contains("nope"), wb.toString());
    }

    @Test
    void poolsHoldEverySubbandAndRowsCompareWithTheLoop() {
        Problem[] pool = WidebandBench.pool(64, 4, 16, 2, 5);
        assertEquals(16, pool[0].subbands());
        assertEquals(64, pool[0].channel(15).rows());
        assertTrue(pool[0].channel(15).re[0] != pool[0].channel(14).re[0]);
        WidebandBench bench = new WidebandBench(new WidebandBench.Settings(0.05, 0.05, 2, 2, 3));
        List<WidebandBench.Row> rows = bench.measure(List.of("rzf"), 64, 4, new int[] {1, 4}, s -> { });
        assertEquals(2, rows.size());
        for (WidebandBench.Row r : rows) {
            assertTrue(r.p50Ns() > 0 && r.loopP50Ns() > 0 && r.samples() >= 2 && r.loopSamples() >= 2, r.toString());
            assertEquals((double) r.p50Ns() / r.subbands(), r.perSubbandNs());
        }
        String csv = WidebandBench.csv(rows);
        assertTrue(csv.startsWith(WidebandBench.CSV_HEADER + "\n"), csv);
        assertEquals(3, csv.split("\n").length);
        String md = WidebandBench.markdown(rows);
        assertTrue(md.contains("| rzf | 64 | 4 | 4 |"), md);
    }
}
