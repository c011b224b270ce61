package org.isac.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayerPacerTest {
    /** A budget whose clock the test moves. */
    static final class Manual implements TimeBudget {
        long remaining;
        long downstream;

        @Override
        public long remainingNs() {
            return remaining;
        }

        @Override
        public long downstreamNs() {
            return downstream;
        }
    }

    /** One solve: set-up {@code s}, {@code layers} layers of {@code l}, finish {@code f} ns, from {@code start} ns left. */
    private static int solve(LayerPacer p, Manual b, long key, long start, long s, long l, long f, int layers) {
        b.remaining = start;
        if (!p.begin(b, key)) {
            return -1;
        }
        b.remaining -= s;
        p.setUpDone();
        int ran = 0;
        while (ran < layers) {
            b.remaining -= l;
            ran++;
            if (ran == layers) {
                p.lastLayerDone();
            } else if (!p.anotherLayerFits()) {
                break;
            }
        }
        b.remaining -= f;
        p.finished();
        return ran;
    }

    @Test
    void learnsTheLayerTimeAndStopsWhenTheNextWouldNotFit() {
        LayerPacer p = new LayerPacer();
        Manual b = new Manual();
        assertEquals(10, solve(p, b, 1, 1_000_000_000, 100, 100, 100, 10), "first solve of a shape: no estimate yet");
        assertTrue(Double.isNaN(p.layerNs(1)), "the first solve teaches nothing (class loading, JIT)");
        assertEquals(10, solve(p, b, 1, 1_000_000_000, 100, 100, 100, 10));
        assertEquals(100, p.layerNs(1), 1e-9);
        // 700 ns: set-up 100, then another layer while ≥ 1.25·100 + 100 are left after one: 4 layers
        assertEquals(4, solve(p, b, 1, 700, 100, 100, 100, 10));
        assertTrue(b.remaining >= 0, "done within the budget: " + b.remaining);
        for (long start = 325; start < 3000; start += 37) {
            int ran = solve(p, b, 1, start, 100, 100, 100, 10);
            assertTrue(ran >= 1, "begin accepted " + start);
            assertTrue(b.remaining >= 0, start + " ns: finished " + (-b.remaining) + " ns late after " + ran + " layers");
        }
        assertFalse(p.begin(budget(300), 1), "set-up + 1.25 layers + finish = 325 > 300");
        assertTrue(p.begin(budget(400), 1));
    }

    @Test
    void aPauseCountsAsFourLayersAtMostAndRefusalsShrinkTheEstimates() {
        LayerPacer p = new LayerPacer();
        Manual b = new Manual();
        solve(p, b, 7, 1_000_000_000, 100, 100, 100, 10);
        solve(p, b, 7, 1_000_000_000, 100, 100, 100, 10);
        solve(p, b, 7, 1_000_000_000, 100, 1_000_000, 100, 1); // one 1 ms pause in a layer
        assertEquals(100 + 0.25 * (400 - 100), p.layerNs(7), 1e-9, "clamped to 4x the average");
        double before = p.layerNs(7);
        assertFalse(p.begin(budget(10), 7));
        assertEquals(LayerPacer.DECAY * before, p.layerNs(7), 1e-9, "a refusal shrinks the estimate");
    }

    @Test
    void withoutADeadlineItNeitherDecidesNorLearns() {
        LayerPacer p = new LayerPacer();
        for (int i = 0; i < 3; i++) {
            assertTrue(p.begin(TimeBudget.UNBOUNDED, 3));
            p.setUpDone();
            assertTrue(p.anotherLayerFits());
            p.finished();
        }
        assertTrue(Double.isNaN(p.layerNs(3)));
    }

    @Test
    void remembersEightShapes() {
        LayerPacer p = new LayerPacer();
        Manual b = new Manual();
        for (long key = 0; key < LayerPacer.SHAPES; key++) {
            solve(p, b, key, 1_000_000_000, 10, 10 * (key + 1), 10, 2);
            solve(p, b, key, 1_000_000_000, 10, 10 * (key + 1), 10, 2);
        }
        for (long key = 0; key < LayerPacer.SHAPES; key++) {
            assertEquals(10 * (key + 1), p.layerNs(key), 1e-9, "shape " + key);
        }
        solve(p, b, 99, 1_000_000_000, 10, 10, 10, 2); // a ninth shape replaces the least recently used (0)
        assertTrue(Double.isNaN(p.layerNs(0)));
        assertEquals(20, p.layerNs(1), 1e-9);
    }

    private static TimeBudget budget(long ns) {
        return () -> ns;
    }

    /** A pacer that has learned shape 1: set-up, layers and finish of 100 ns each. */
    private static LayerPacer learned(Manual b) {
        LayerPacer p = new LayerPacer();
        for (int i = 0; i < 3; i++) {
            solve(p, b, 1, 1_000_000_000, 100, 100, 100, 10);
        }
        assertEquals(100, p.layerNs(1), 1e-9);
        return p;
    }

    @Test
    void layersSlowerThanUsualKeepBackTheMarginsSlowdownToo() {
        Manual b = new Manual();
        b.downstream = 200;
        for (long start = 1_000; start < 6_000; start += 53) {
            // this solve's layers take 300 ns (3× the shape's 100): the work after the solve is
            // expected 3× slower too, so (3 − 1) × 200 ns must still be left when it ends
            LayerPacer p = learned(b);
            int ran = solve(p, b, 1, start, 100, 300, 100, 50);
            assertTrue(ran >= 1, "begin accepted " + start);
            assertTrue(ran == 1 || b.remaining >= 2 * 200,
                    start + " ns: " + b.remaining + " ns left after " + ran + " slow layers, want ≥ 400");
        }
        // without a downstream margin the same solves run closer to the deadline
        b.downstream = 0;
        LayerPacer p = learned(b);
        int plain = solve(p, b, 1, 3_000, 100, 300, 100, 50);
        b.downstream = 200;
        LayerPacer q = learned(b);
        int kept = solve(q, b, 1, 3_000, 100, 300, 100, 50);
        assertTrue(kept < plain, "slow layers with a margin to stretch: " + kept + " layers, without: " + plain);
    }

    @Test
    void layersAtUsualSpeedRunAsManyWhateverTheMargin() {
        for (long start = 500; start < 3_000; start += 41) {
            Manual b = new Manual();
            b.downstream = 0;
            int plain = solve(learned(b), b, 1, start, 100, 110, 100, 50);
            b.downstream = 500;
            int withMargin = solve(learned(b), b, 1, start, 100, 110, 100, 50);
            assertEquals(plain, withMargin, start + " ns: a 10 % slower layer is noise, not a slow machine");
        }
    }

    @Test
    void theStretchIsCountedUpToFourTimesTheMargin() {
        Manual b = new Manual();
        b.downstream = 100;
        LayerPacer p = learned(b);
        b.remaining = 100_000;
        assertTrue(p.begin(b, 1));
        b.remaining -= 100;
        p.setUpDone();
        b.remaining -= 5_000; // one layer 50× its average (a host's pause): counted as 4×
        p.anotherLayerFits();
        assertEquals(300, p.slowDownstreamNs(), "(4 − 1) × 100 ns");
    }
}
