package org.isac.controller.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLimiterTest {

    /** A flood of events gives one line per period, and the line says how many were left out. */
    @Test
    void oneLinePerPeriodWithTheCountLeftOut() throws Exception {
        LogLimiter l = new LogLimiter(200);
        assertTrue(l.allow());
        for (int i = 0; i < 10_000; i++) {
            assertFalse(l.allow());
        }
        Thread.sleep(250);
        assertTrue(l.allow());
        assertEquals(10_000, l.suppressed());
        assertEquals(0, l.suppressed());
    }
}
