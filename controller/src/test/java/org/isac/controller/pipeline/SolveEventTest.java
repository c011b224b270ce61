package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SolveEventTest {

    /** A ring slot gives back what an outsized report grew and keeps what a usual one needs. */
    @Test
    void aSlotShrinksBackAfterAnOutsizedReport() {
        SolveEvent e = new SolveEvent();
        e.problem.channel.reshape(64, 4);
        e.precoder.baseband.reshape(64, 4);
        e.clear();
        assertEquals(64 * 4, e.problem.channel.rows() * e.problem.channel.cols(), "a usual slot keeps its shape");
        long usual = e.heldEntries();

        e.problem.channel.reshape(4096, 64);
        e.precoder.analog.reshape(4096, 64);
        e.precoder.baseband.reshape(4096, 64);
        assertTrue(e.heldEntries() >= 3L * 4096 * 64);
        e.clear();
        assertTrue(e.heldEntries() <= 4L * SolveEvent.SLOT_KEEP_ENTRIES, "held after clear: " + e.heldEntries());
        assertTrue(e.heldEntries() <= Math.max(usual, 4L * SolveEvent.SLOT_KEEP_ENTRIES));
        // and it serves the next report as before
        e.problem.channel.reshape(64, 4);
        assertEquals(64, e.problem.channel.rows());
    }
}
