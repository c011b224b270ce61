package org.isac.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLimiterTest {

    /** A flood of events gives one line per period, and the line says how many were left out. */
    @Test
    void oneLinePerPeriodWithTheCountLeftOut() {
        long[] now = {5_000_000_000L};
        LogLimiter l = new LogLimiter(200, () -> now[0]);
        assertTrue(l.allow());
        for (int i = 0; i < 10_000; i++) {
            now[0] += 10_000; // 100 ms in all: still inside the period
            assertFalse(l.allow());
        }
        now[0] += 99_999_999; // 1 ns short of the period's end
        assertFalse(l.allow());
        now[0] += 1;
        assertTrue(l.allow());
        assertEquals(10_001, l.suppressed());
        assertEquals(0, l.suppressed());
        assertFalse(l.allow(), "the next period began at the last line");
    }
}
