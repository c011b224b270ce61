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

    /** A wideband slot's subbands share the allowance: 64 subbands of 64 x 64 are given back, 4 of 16 x 4 are kept. */
    @Test
    void aWidebandSlotShrinksBackToo() {
        SolveEvent e = new SolveEvent();
        e.problem.setSubbands(64);
        e.precoder.setSubbands(64);
        for (int s = 0; s < 64; s++) {
            e.problem.channel(s).reshape(64, 64);
            e.precoder.baseband(s).reshape(64, 64);
        }
        assertTrue(e.heldEntries() >= 2L * 64 * 64 * 64);
        e.clear();
        assertTrue(e.heldEntries() <= 4L * SolveEvent.SLOT_KEEP_ENTRIES, "held after clear: " + e.heldEntries());

        e.problem.setSubbands(4);
        e.precoder.setSubbands(4);
        for (int s = 0; s < 4; s++) {
            e.problem.channel(s).reshape(16, 4);
            e.precoder.baseband(s).reshape(16, 4);
        }
        e.clear();
        for (int s = 0; s < 4; s++) {
            assertEquals(64, e.problem.channel(s).capacity(), "subband " + s + " keeps its buffers");
            assertEquals(64, e.precoder.baseband(s).capacity());
        }
    }
}
