package org.isac.controller.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.isac.controller.ControllerConfig;
import org.isac.controller.TestData;
import org.isac.proto.v1.FrontEndHello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SolverWarmerTest {

    /**
     * A kernel on the Vector API allocates its vectors until C2 compiles it (rzf's batched
     * wideband kernels: some 15 000 solves), so the warm-up goes on past its usual count while the
     * solves still allocate, within its hard limits.
     */
    @Test
    void theWarmUpGoesOnWhileSolvesStillAllocate() {
        long ms = 1_000_000L;
        assertTrue(SolverWarmer.keepWarming(0, 0, 0));
        assertTrue(SolverWarmer.keepWarming(SolverWarmer.WARM_SOLVES - 1, 10 * ms, SolverWarmer.ALLOCATION_FREE_RUN));
        // past the usual count: allocation-free ends it, allocating continues
        assertFalse(SolverWarmer.keepWarming(SolverWarmer.WARM_SOLVES, 10 * ms, SolverWarmer.ALLOCATION_FREE_RUN));
        assertTrue(SolverWarmer.keepWarming(SolverWarmer.WARM_SOLVES, 10 * ms, 0));
        assertTrue(SolverWarmer.keepWarming(20_000, (SolverWarmer.WARM_MILLIS + 1) * ms, SolverWarmer.ALLOCATION_FREE_RUN - 1));
        // not measurable: the usual warm-up only
        assertFalse(SolverWarmer.keepWarming(SolverWarmer.WARM_SOLVES, 10 * ms, -1));
        // hard limits
        assertFalse(SolverWarmer.keepWarming(SolverWarmer.MAX_WARM_SOLVES, 10 * ms, 0));
        assertFalse(SolverWarmer.keepWarming(5000, SolverWarmer.MAX_WARM_MILLIS * ms, 0));
    }

    @Test
    void aWidebandHelloWarmsTheWidebandPathOfItsSolver() throws Exception {
        try (SolverWarmer w = new SolverWarmer(new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC))) {
            FrontEndHello narrow = TestData.hello("r1", 16);
            FrontEndHello wide = narrow.toBuilder().setSubbands(4).build();
            // a digital narrowband solver goes through the solve stage's subband loop: it warms
            assertTrue(w.warm(wide, "rzf").get() > 0, "rzf warmed on wideband reports");
            // (solver, N, K, M, S) is the key: the narrowband shape is a warm-up of its own, a repeat is not
            assertNotSame(w.warm(wide, "rzf"), w.warm(narrow, "rzf"));
            assertSame(w.warm(wide, "rzf"), w.warm(wide, "rzf"));
            // a narrowband hybrid solver cannot answer a wideband report: its warm-up ends at once
            FrontEndHello hybrid = TestData.hello("r2", 16).toBuilder().setRfChains(4).setSubbands(4).build();
            assertEquals(0, w.warm(hybrid, "hybrid-pga").get());
        }
    }

    @Test
    void aLaterControllerInTheSameJvmDoesNotWarmAShapeAgain() throws Exception {
        FrontEndHello hello = TestData.hello("r3", 12); // a shape no other test warms
        int first;
        try (SolverWarmer w = new SolverWarmer(new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC))) {
            first = w.warm(hello, "zf").get();
            assertTrue(first > 0, "the first controller warms");
        }
        try (SolverWarmer w = new SolverWarmer(new FpgaWeightEncoder(ControllerConfig.DEFAULT_BASEBAND_CODEC))) {
            int runs = SolverWarmer.RUNS.get();
            assertEquals(first, w.warm(hello, "zf").get(), "the JVM is warm for this shape: the first warm-up's count");
            assertEquals(runs, SolverWarmer.RUNS.get(), "no solves");
            // a shape the first did not warm is warmed as before
            assertTrue(w.warm(hello.toBuilder().setSubbands(2).build(), "zf").get() > 0);
            assertEquals(runs + 1, SolverWarmer.RUNS.get());
        }
    }
}
