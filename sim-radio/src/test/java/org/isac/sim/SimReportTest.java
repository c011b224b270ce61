package org.isac.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SimReportTest {

    private static SimReport report(String id, long sent, long applied, Map<String, Long> dropped, long... latencies) {
        Histogram h = new Histogram(SimRadio.MAX_TRACKED_LATENCY_NS, 3);
        for (long l : latencies) {
            h.recordValue(l);
        }
        // rates: achieved 10 bit/s/Hz per applied report, genie 12 and zf 11 per sample
        return new SimReport(List.of(Scenario.builder().radioId(id).build()), "ctl \"1\"", sent, applied, dropped, 1, 2,
                3, 0, h, 10.0 * applied, 10.0 * applied, 12.0 * applied, 11.0 * applied, applied, applied, 0,
                Set.of("rzf"), 1_000_000_000L, 1_500_000_000L, "completed",
                new double[] {10.5 * applied, 3.0 * applied, 0, 0, 0.25 * applied, 0},
                new long[] {applied, applied, 0, applied, applied, 0}, new double[0]);
    }

    @Test
    void accountingAndMeans() {
        SimReport r = report("a", 10, 6, Map.of("SUPERSEDED", 2L, "STALE", 1L), 100_000, 200_000, 300_000, 400_000,
                500_000, 600_000);
        assertEquals(9, r.reportsAnswered());
        assertEquals(3, r.droppedTotal());
        assertEquals(1, r.unaccounted());
        assertEquals(10.0, r.achievedSumRateBits(), 1e-12);
        assertEquals(12.0, r.genieSumRateBits(), 1e-12);
        assertEquals(11.0, r.zfSumRateBits(), 1e-12);
        assertEquals(350_000, r.latencyMeanNs(), 1_000);
        assertEquals(600_000, r.latencyMaxNs(), 1_000);
        assertTrue(r.latencyPercentileNs(50) >= 300_000 && r.latencyPercentileNs(50) <= 301_000);
        String s = r.summary();
        assertTrue(s.contains("sent 10, answered 9, applied 6, dropped 3"), s);
        assertTrue(s.contains("unaccounted 1"), s);
        assertTrue(s.contains("bit/s/Hz"), s);
        assertTrue(s.contains(" us"), s);
    }

    @Test
    void jsonIsValidWithRequiredKeysAndNullForMissingRates() {
        SimReport empty = report("a", 3, 0, Map.of("OVERLOADED", 3L));
        JsonObject j = JsonParser.parseString(empty.toJson()).getAsJsonObject();
        assertEquals(3, j.get("reports_sent").getAsLong());
        assertEquals(0, j.get("reports_applied").getAsLong());
        assertEquals(3, j.getAsJsonObject("reports_dropped").get("OVERLOADED").getAsLong());
        assertEquals(0, j.get("unaccounted").getAsLong());
        assertEquals(0, j.getAsJsonObject("latency_ns").get("p999").getAsLong());
        assertTrue(j.getAsJsonObject("sum_rate_bits").get("achieved").isJsonNull());
        assertEquals("ctl \"1\"", j.get("controller").getAsString(), "strings are escaped");
        assertEquals("a", j.getAsJsonObject("scenario").get("radioId").getAsString());
        assertEquals(3, j.getAsJsonObject("scenario").getAsJsonArray("targetsDeg").size());
    }

    @Test
    void mergeAddsCountsHistogramsAndRates() {
        SimReport a = report("a", 10, 6, Map.of("SUPERSEDED", 2L), 100, 200, 300, 400, 500, 600);
        SimReport b = report("b", 5, 4, Map.of("SUPERSEDED", 1L, "STALE", 1L), 1000, 2000, 3000, 4000);
        SimReport m = SimReport.merge(List.of(a, b));
        assertEquals(15, m.reportsSent());
        assertEquals(10, m.reportsApplied());
        assertEquals(Map.of("SUPERSEDED", 3L, "STALE", 1L), m.reportsDropped());
        assertEquals(1, m.unaccounted());
        assertEquals(10, m.latencyNs().getTotalCount());
        assertEquals(4000, m.latencyMaxNs(), 10);
        assertEquals(2, m.deadlineMisses());
        assertEquals(10.0, m.achievedSumRateBits(), 1e-12);
        assertEquals(2, m.scenarios().size());
        assertEquals(Set.of("rzf"), m.solvers());
        assertTrue(m.summary().contains("2 radios"), m.summary());
        assertThrows(IllegalArgumentException.class, () -> SimReport.merge(List.of()));
    }

    @Test
    void extraMeasurementsMergeAsSumsOverCounts() {
        SimReport a = report("a", 10, 6, Map.of(), 100_000);
        SimReport b = report("b", 10, 2, Map.of(), 100_000);
        SimReport m = SimReport.merge(List.of(a, b));
        assertEquals(8, m.count(Extra.ACHIEVED_UNQUANTIZED_BITS));
        assertEquals(10.5, m.mean(Extra.ACHIEVED_UNQUANTIZED_BITS), 1e-12);
        assertEquals(0.25, m.mean(Extra.TAU), 1e-12);
        assertEquals(8, m.count(Extra.FRAMES_APPLIED));
        assertEquals(0, m.count(Extra.TAU_UNQUANTIZED));
        assertTrue(Double.isNaN(m.mean(Extra.TAU_UNQUANTIZED)));
        String json = m.toJson();
        assertTrue(json.contains("\"achieved_unquantized\": 10.5"), json);
        assertTrue(json.contains("\"tau_unquantized\": {\"mean\": null, \"count\": 0}"), json);
    }

    @Test
    void theFirstLateUpdatesAreNamedInTheSummaryAndTheJsonAndSurviveAMerge() {
        SimReport a = withMisses("a", 3, 1);
        SimReport b = withMisses("b \"x\"", SimReport.FIRST_MISSES, 100);
        assertEquals(3, a.firstMisses().size());
        String s = a.summary();
        assertTrue(s.contains("late: a #1 +1 us, #2 +2 us, #3 +3 us"), s);
        SimReport m = SimReport.merge(List.of(a, b));
        assertEquals(SimReport.FIRST_MISSES, m.firstMisses().size(), "at most the first 16, radio by radio");
        assertEquals("a", m.firstMisses().get(0).radioId());
        assertEquals("b \"x\"", m.firstMisses().get(3).radioId());
        assertEquals(100, m.firstMisses().get(3).sequence());
        assertTrue(m.summary().contains("the first 16: a #1 +1 us"), m.summary());
        JsonObject j = JsonParser.parseString(m.toJson()).getAsJsonObject();
        com.google.gson.JsonArray fm = j.getAsJsonArray("first_misses");
        assertEquals(SimReport.FIRST_MISSES, fm.size());
        assertEquals("b \"x\"", fm.get(3).getAsJsonObject().get("radio").getAsString());
        assertEquals(100, fm.get(3).getAsJsonObject().get("sequence").getAsLong());
        assertEquals(100_000, fm.get(3).getAsJsonObject().get("late_ns").getAsLong());
        assertEquals(0, JsonParser.parseString(report("c", 1, 1, Map.of(), 1000).toJson()).getAsJsonObject()
                .getAsJsonArray("first_misses").size());
    }

    /** A late update's legs: one line each under the list (µs, the usual in brackets, layers after the solve) and in the JSON. */
    @Test
    void aLateUpdatesLegsAreShownWithTheUsualOnes() {
        SimReport.Stages st = new SimReport.Stages(new long[] {41_000, 12_000, 702_000, 24_000, 238_000},
                new long[] {35_000, 13_000, 560_000, 23_000, 60_000}, 7, 10);
        List<SimReport.Miss> late = List.of(new SimReport.Miss("r", 5, 17_000, st), new SimReport.Miss("r", 9, 3_000));
        Histogram h = new Histogram(SimRadio.MAX_TRACKED_LATENCY_NS, 3);
        h.recordValue(1000);
        SimReport r = new SimReport(List.of(Scenario.builder().radioId("r").build()), "ctl", 100, 100, Map.of(), 2, 0, 0, 0, h,
                0, 0, 0, 0, 0, 0, 0, Set.of("rzf"), 1_000_000_000L, 1_000_000_000L, "completed",
                new double[Extra.values().length], new long[Extra.values().length], new double[0], late, List.of());
        String s = r.summary();
        assertTrue(s.contains("late: r #5 +17 us, #9 +3 us"), s);
        assertTrue(s.contains("    r #5: uplink 41 (35), queue 12 (13), solve 702 (560) 7/10 layers, encode 24 (23), downlink 238 (60)\n"), s);
        assertFalse(s.contains("r #9:"), "no legs known for #9: " + s);
        com.google.gson.JsonArray fm = JsonParser.parseString(r.toJson()).getAsJsonObject().getAsJsonArray("first_misses");
        JsonObject m = fm.get(0).getAsJsonObject();
        assertEquals(238_000, m.getAsJsonObject("stages_ns").get("downlink").getAsLong());
        assertEquals(560_000, m.getAsJsonObject("usual_ns").get("solve").getAsLong());
        assertEquals(7, m.get("layers_run").getAsInt());
        assertEquals(10, m.get("layers_planned").getAsInt());
        assertFalse(fm.get(1).getAsJsonObject().has("stages_ns"));
        assertThrows(IllegalArgumentException.class, () -> new SimReport.Stages(new long[4], new long[5], 0, 0));
        long[] legs = st.legNs();
        legs[0] = -1;
        assertEquals(41_000, st.legNs()[0], "the record keeps its own copy");
    }

    /**
     * A report of {@code n} late updates, sequences from {@code first}, late by their sequence in
     * µs; each captured at its sequence in ms and applied 1 ms plus its lateness later.
     */
    private static SimReport withMisses(String id, int n, long first) {
        List<SimReport.Miss> late = new java.util.ArrayList<>();
        List<SimReport.MissSpan> spans = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seq = first + i;
            SimReport.MissSpan span = new SimReport.MissSpan(seq * 1_000_000, seq * 1_000_000 + 1_000_000 + seq * 1000, seq * 1000);
            spans.add(span);
            if (i < SimReport.FIRST_MISSES) {
                late.add(new SimReport.Miss(id, seq, seq * 1000, null, span));
            }
        }
        Histogram h = new Histogram(SimRadio.MAX_TRACKED_LATENCY_NS, 3);
        h.recordValue(1000);
        return new SimReport(List.of(Scenario.builder().radioId("r").build()), "ctl", 100, 100, Map.of(), n, 0, 0, 0, h,
                0, 0, 0, 0, 0, 0, 0, Set.of("rzf"), 1_000_000_000L, 1_000_000_000L, "completed",
                new double[Extra.values().length], new long[Extra.values().length], new double[0], late, spans);
    }

    /** Every late update's way is kept (not only the named ones), radio by radio through a merge, and a note can follow each named one. */
    @Test
    void everyLateUpdatesWayIsKeptAndTheNamedOnesCanCarryANote() {
        SimReport a = withMisses("a", 3, 1);
        SimReport b = withMisses("b", 40, 100);
        assertEquals(40, b.missSpans().size(), "all 40, though 16 are named");
        SimReport m = SimReport.merge(List.of(a, b));
        assertEquals(43, m.missSpans().size());
        assertEquals(new SimReport.MissSpan(1_000_000, 2_001_000, 1_000), m.missSpans().get(0));
        assertEquals(139_000, m.missSpans().get(42).lateNs(), "b's last, after a's three");
        String s = a.summary(span -> span.lateNs() >= 2_000 ? " [held " + span.lateNs() + "]" : "");
        assertTrue(s.contains("late: a #1 +1 us, #2 +2 us [held 2000], #3 +3 us [held 3000]"), s);
        assertEquals(a.summary(), a.summary(span -> ""), "no note: the plain summary");
    }
}
