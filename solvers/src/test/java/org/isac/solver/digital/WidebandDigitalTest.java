package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.TestData;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The wideband digital solvers against a per-subband oracle: subband s of a wideband solve must be
 * bit for bit the narrowband solve of a fresh problem holding only subband s.
 */
@Tag("vector-width")
class WidebandDigitalTest {
    /** The wideband solvers of the digital package. */
    static final String[] WIDEBAND = {"mrt", "zf", "rzf", "wmmse"};

    /** S subbands at N × K: independent Saleh–Valenzuela draws, per-subband noise varying around 12 dB. */
    static Problem wideband(SplittableRandom rng, int n, int k, int subbands) {
        Problem p = new Problem();
        p.powerBudgetW = 1.7;
        p.setSubbands(subbands);
        SalehValenzuela model = new SalehValenzuela(n, k);
        for (int s = 0; s < subbands; s++) {
            model.draw(rng, p.channel(s));
            double[] noise = p.noiseFor(s, k);
            for (int u = 0; u < k; u++) {
                noise[u] = p.powerBudgetW * Math.pow(10, -1.2) * rng.nextDouble(0.5, 2);
            }
            p.setFrequencyRatio(s, 1 + 0.05 * (s - subbands / 2.0) / subbands);
        }
        return p;
    }

    /** Subband s alone as a fresh narrowband problem. */
    static Problem narrowband(Problem p, int s) {
        Problem q = new Problem();
        q.channel.copyFrom(p.channel(s));
        double[] noise = p.noise(s);
        System.arraycopy(noise, 0, q.noiseFor(0, noise.length), 0, noise.length);
        q.powerBudgetW = p.powerBudgetW;
        q.perAntennaPower = p.perAntennaPower;
        q.tx = p.tx;
        q.rx = p.rx;
        q.params.copyFrom(p.params);
        q.targets.copyFrom(p.targets);
        q.clutter.copyFrom(p.clutter);
        return q;
    }

    static byte[] digest(CMatrix m) {
        Precoder tmp = new Precoder();
        tmp.baseband.copyFrom(m);
        return digest(tmp);
    }

    static byte[] digest(Precoder out) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            out.digestInto(md);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static Supplier<Solver> factory(String name, FastKernels fk) {
        return switch (name) {
            case "mrt" -> () -> new LinearPrecoder(LinearPrecoder.Kind.MRT, fk);
            case "zf" -> () -> new LinearPrecoder(LinearPrecoder.Kind.ZF, fk);
            case "rzf" -> () -> new LinearPrecoder(LinearPrecoder.Kind.RZF, fk);
            default -> () -> SolverRegistry.create(name);
        };
    }

    @Test
    void everyWidebandSolverSaysSo() {
        for (String name : WIDEBAND) {
            assertTrue(SolverRegistry.create(name).wideband(), name);
        }
    }

    @Test
    void oneSubbandIsTheNarrowbandAnswerBitForBit() {
        for (String name : WIDEBAND) {
            SplittableRandom rng = new SplittableRandom(21);
            Problem p = LinearPrecoderTest.problem(rng, 64, 4, 12);
            Precoder fresh = new Precoder();
            SolverRegistry.create(name).solve(p, fresh);
            // the same problem after it has been wideband (grow, then back to S = 1), same solver
            Solver solver = SolverRegistry.create(name);
            Problem q = wideband(new SplittableRandom(5), 64, 4, 4);
            Precoder out = new Precoder();
            solver.solve(q, out);
            q.copyFrom(p);
            assertEquals(1, q.subbands());
            solver.solve(q, out);
            assertEquals(1, out.subbands(), name);
            assertArrayEquals(digest(fresh), digest(out), name + ": S = 1 differs from the narrowband solve");
        }
    }

    @Test
    void everySubbandIsItsNarrowbandSolveBitForBit() {
        FastKernels[] kernels = FastKernels.usingVectorApi()
                ? new FastKernels[] {FastKernels.get(), FastKernels.scalar()} : new FastKernels[] {FastKernels.scalar()};
        for (FastKernels fk : kernels) {
            for (String name : WIDEBAND) {
                if (name.equals("wmmse") && fk != kernels[0]) {
                    continue;
                }
                Supplier<Solver> make = factory(name, fk);
                Solver solver = make.get();
                Precoder out = new Precoder();
                for (int[] shape : new int[][] {{64, 4, 4}, {64, 4, 16}, {16, 3, 5}, {32, 8, 16}}) {
                    SplittableRandom rng = new SplittableRandom(31L * shape[2] + shape[1]);
                    Problem p = wideband(rng, shape[0], shape[1], shape[2]);
                    solver.solve(p, out);
                    assertEquals(shape[2], out.subbands(), name);
                    assertTrue(!out.isHybrid(), name);
                    for (int s = 0; s < shape[2]; s++) {
                        Problem q = narrowband(p, s);
                        Precoder ref = new Precoder();
                        make.get().solve(q, ref);
                        assertArrayEquals(digest(ref.baseband), digest(out.baseband(s)),
                                name + " (" + fk.name() + ") N=" + shape[0] + " K=" + shape[1] + " S=" + shape[2]
                                        + ": subband " + s + " differs from its narrowband solve");
                    }
                }
            }
        }
    }

    @Test
    void eachSubbandMeetsItsOwnBudget() {
        for (String name : WIDEBAND) {
            Solver solver = SolverRegistry.create(name);
            Precoder out = new Precoder();
            Problem p = wideband(new SplittableRandom(41), 64, 4, 16);
            solver.solve(p, out);
            for (int s = 0; s < 16; s++) {
                double power = out.effective(s, new CMatrix()).frobeniusNorm2();
                // every one of these solvers spends the full budget in each subband
                assertEquals(p.powerBudgetW, power, 1e-12 * p.powerBudgetW, name + " subband " + s);
            }
        }
    }

    @Test
    @Tag("allocation") // also run without type profiles: see pom.xml
    void widebandSolvesAllocateNothingAfterWarmUp() {
        if (FastKernels.vectorWidthEmulated()) {
            return; // emulated vector widths allocate by design
        }
        for (String name : WIDEBAND) {
            Solver solver = SolverRegistry.create(name);
            Precoder out = new Precoder();
            Problem[] pool = {wideband(new SplittableRandom(51), 64, 4, 16), wideband(new SplittableRandom(52), 64, 4, 16)};
            int warm = 4_000;
            if (name.equals("wmmse")) { // a few iterations each: the workspace is what is shared
                warm = 1_000;
                for (Problem p : pool) {
                    p.params.put("max_iter", 3);
                }
            }
            for (int i = 0; i < warm; i++) {
                solver.solve(pool[i & 1], out);
            }
            TestData.allocatedBytes();
            long before = TestData.allocatedBytes();
            for (int i = 0; i < warm / 2; i++) {
                solver.solve(pool[i & 1], out);
            }
            long allocated = TestData.allocatedBytes() - before;
            assertTrue(allocated < 2048, name + " allocated " + allocated + " bytes in " + warm / 2 + " wideband solves");
        }
    }

    @Test
    void wmmseSharesATimeBudgetAcrossTheSubbands() {
        Solver wmmse = SolverRegistry.create("wmmse");
        Problem p = wideband(new SplittableRandom(71), 16, 4, 4);
        Precoder free = new Precoder(), out = new Precoder();
        wmmse.solve(p, free);
        // time enough for everything: the same bits as without a budget
        p.budget = new org.isac.solver.TickBudget(1_000_000_000_000L, 1000);
        wmmse.solve(p, out);
        wmmse.solve(p, out);
        assertArrayEquals(digest(free), digest(out), "a budget that is never short changes nothing");
        assertTrue(!out.deadlineStop && !out.outOfTime);
        // short of time: every subband still gets a feasible answer of its own
        for (long ticks : new long[] {6, 12, 40}) {
            p.budget = new org.isac.solver.TickBudget(ticks * 1000, 1000);
            wmmse.solve(p, out);
            assertEquals(4, out.subbands());
            assertTrue(out.deadlineStop || out.outOfTime, ticks + " ticks");
            if (ticks == 40) { // shared, the time reaches the last subband too (unshared, the first took it all)
                assertTrue(!out.outOfTime, "40 ticks: a subband was left with no time");
            }
            for (int s = 0; s < 4; s++) {
                assertTrue(out.baseband(s).allFinite(), ticks + " ticks, subband " + s);
                assertTrue(out.baseband(s).frobeniusNorm2() <= p.powerBudgetW * (1 + 1e-9), ticks + " ticks, subband " + s);
            }
        }
        // already late: out of time, each subband holds its start (the RZF answer), at full power
        p.budget = new org.isac.solver.TickBudget(0, 1000);
        wmmse.solve(p, out);
        assertTrue(out.outOfTime);
        for (int s = 0; s < 4; s++) {
            Precoder rzf = new Precoder();
            new LinearPrecoder(LinearPrecoder.Kind.RZF, FastKernels.scalar()).solve(narrowband(p, s), rzf);
            assertArrayEquals(digest(rzf.baseband), digest(out.baseband(s)), "subband " + s);
        }
    }

    @Test
    void badWidebandShapesAreRejected() {
        for (String name : WIDEBAND) {
            Solver solver = SolverRegistry.create(name);
            Precoder out = new Precoder();
            Problem p = wideband(new SplittableRandom(61), 16, 4, 4);
            p.channel(2).reshape(16, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> solver.solve(p, out), name);
            assertTrue(e.getMessage().contains("subband 2"), name + ": " + e.getMessage());

            Problem q = wideband(new SplittableRandom(62), 16, 4, 4);
            q.channel(3).zero();
            e = assertThrows(IllegalArgumentException.class, () -> solver.solve(q, out), name);
            assertTrue(e.getMessage().contains("subband 3"), name + ": " + e.getMessage());
        }
        Problem r = wideband(new SplittableRandom(63), 8, 2, 3);
        CMatrix h = r.channel(1);
        for (int i = 0; i < 8; i++) { // two identical users in subband 1
            h.set(i, 1, h.re(i, 0), h.im(i, 0));
        }
        for (String name : new String[] {"zf"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SolverRegistry.create(name).solve(r, new Precoder()));
            assertTrue(e.getMessage().contains("singular") && e.getMessage().contains("subband 1"), e.getMessage());
        }
    }
}
