package org.isac.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A capacity step read from its load process's report: the books, the latency and the host's steal when Linux gave it. */
class CapacityRowTest {
    private static JsonObject report(String steal) {
        return JsonParser.parseString("{\"reports_sent\": 8000, \"reports_applied\": 7990, \"deadline_misses\": 3,"
                + " \"latency_ns\": {\"p50\": 120000, \"p99\": 640000}" + (steal == null ? "" : ", \"host_steal_ms\": " + steal)
                + "}").getAsJsonObject();
    }

    @Test
    void aStepReadsItsLoadsReportAndTheHostSteal() {
        CapacityCommand.Row r = CapacityCommand.Row.of("rzf", 8, 1000, report("30"), 0, Path.of("p.png"));
        assertEquals(8000, r.sent());
        assertEquals(7990, r.applied());
        assertEquals(3, r.misses());
        assertEquals(120_000, r.p50Ns());
        assertEquals(640_000, r.p99Ns());
        assertEquals(30L, r.stealMs());
        assertEquals("30", r.steal());
        assertTrue(r.within(1_000_000), "p99 in budget, 99.9 % applied");
        assertFalse(r.holds(1_000_000), "three applied updates were late");
        assertNull(CapacityCommand.Row.of("rzf", 8, 1000, report("null"), 0, null).stealMs(), "Linux did not say");
        assertEquals("–", CapacityCommand.Row.of("rzf", 8, 1000, report(null), 0, null).steal(), "an older load without the field");
    }
}
