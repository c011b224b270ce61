package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.hybrid.WidebandJcasObjective.Sensing;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.junit.jupiter.api.Test;

/**
 * The wideband objective against the narrowband {@link JcasObjective} (S = 1, identical
 * subbands) and its gradients against central finite differences of independent oracles
 * ({@link Metrics#sumRateBits}, {@link Metrics#beampatternError}, an explicit N × N
 * band-averaged covariance), using df = 2·Re⟨∇f, dX⟩ as {@link JcasObjectiveTest} does.
 */
class WidebandJcasObjectiveTest {
    private static final double FD_REL_TOL = 1e-6;
    private static final double EXACT_REL_TOL = 1e-12;
    private static final double VALUE_REL_TOL = 1e-10;
    private static final double OMEGA = 0.3;
    private static final double ETA = 0.07;

    /** A random wideband instance: S SV channels, non-unit-modulus F, S basebands, Ψ and Ψ_s. */
    private static final class Instance {
        final int n;
        final int m;
        final int k;
        final int s;
        final CMatrix[] h;
        final double[][] noise;
        final CMatrix f;
        final CMatrix[] w;
        final CMatrix psi;
        final CMatrix[] psis;

        /** Random N = 8..16, M = 2..4, K = 2..4. */
        Instance(long seed, int subbands) {
            this(seed, subbands, -1, -1, -1);
        }

        Instance(long seed, int subbands, int n0, int m0, int k0) {
            SplittableRandom rng = new SplittableRandom(seed);
            n = n0 > 0 ? n0 : 8 + rng.nextInt(9);
            m = m0 > 0 ? m0 : 2 + rng.nextInt(3);
            k = k0 > 0 ? k0 : 2 + rng.nextInt(3);
            s = subbands;
            h = new CMatrix[s];
            noise = new double[s][k];
            w = new CMatrix[s];
            psis = new CMatrix[s];
            f = JcasObjectiveTest.random(rng, n, m, 1);
            psi = randomPsd(rng, n);
            for (int b = 0; b < s; b++) {
                h[b] = new CMatrix();
                new SalehValenzuela(n, k).draw(rng, h[b]);
                for (int i = 0; i < k; i++) {
                    noise[b][i] = 0.5 + rng.nextDouble();
                }
                w[b] = JcasObjectiveTest.random(rng, m, k, 0.3);
                psis[b] = randomPsd(rng, n);
            }
        }

        static CMatrix randomPsd(SplittableRandom rng, int n) {
            CMatrix b = JcasObjectiveTest.random(rng, n, 3, 0.5);
            CMatrix p = new CMatrix();
            Kernels.mulConjTransB(b, b, p);
            return p;
        }

        WidebandJcasObjective objective(Sensing sensing, boolean squint) {
            WidebandJcasObjective o = new WidebandJcasObjective();
            if (squint) {
                o.bind(h, noise, psis);
            } else {
                o.bind(h, noise, psi);
            }
            o.setSensing(sensing);
            return o;
        }
    }

    private static CMatrix x(CMatrix f, CMatrix w) {
        CMatrix x = new CMatrix();
        Kernels.mul(f, w, x);
        return x;
    }

    /** (1/S)Σ_s R_s from {@link Metrics#sumRateBits}. */
    private static double rateOracle(Instance in, CMatrix f, CMatrix[] w) {
        double r = 0;
        for (int b = 0; b < in.s; b++) {
            r += Metrics.sumRateBits(in.h[b], x(f, w[b]), in.noise[b], new double[in.k]);
        }
        return r / in.s;
    }

    /** τ_avg from an explicit C = (1/S)Σ_s X_sX_sᴴ; τ_ps from {@link Metrics#beampatternError}. */
    private static double tauOracle(Instance in, Sensing sensing, boolean squint, CMatrix f, CMatrix[] w) {
        if (sensing == Sensing.PER_SUBBAND) {
            double t = 0;
            for (int b = 0; b < in.s; b++) {
                t += Metrics.beampatternError(x(f, w[b]), squint ? in.psis[b] : in.psi);
            }
            return t / in.s;
        }
        CMatrix c = new CMatrix(in.n, in.n), xx = new CMatrix();
        for (int b = 0; b < in.s; b++) {
            CMatrix xb = x(f, w[b]);
            Kernels.mulConjTransB(xb, xb, xx);
            Kernels.addScaled(c, 1.0 / in.s, xx);
        }
        Kernels.addScaled(c, -1, in.psi);
        return c.frobeniusNorm2();
    }

    private interface Fn {
        double at(CMatrix f, CMatrix[] w);
    }

    /** Gradient with respect to F (subband −1) or W_s into out. */
    private interface Grad {
        void into(CMatrix f, CMatrix[] w, int subband, CMatrix out);
    }

    private static CMatrix[] copies(CMatrix[] w) {
        CMatrix[] c = new CMatrix[w.length];
        for (int i = 0; i < w.length; i++) {
            c[i] = new CMatrix().copyFrom(w[i]);
        }
        return c;
    }

    private static double fd(Fn fn, CMatrix f, CMatrix[] w, int subband, CMatrix dx, double eps) {
        CMatrix fp = new CMatrix().copyFrom(f), fm = new CMatrix().copyFrom(f);
        CMatrix[] wp = copies(w), wm = copies(w);
        CMatrix p = subband < 0 ? fp : wp[subband], mi = subband < 0 ? fm : wm[subband];
        Kernels.addScaled(p, eps, dx);
        Kernels.addScaled(mi, -eps, dx);
        return (fn.at(fp, wp) - fn.at(fm, wm)) / (2 * eps);
    }

    /**
     * Checks the gradient against central differences: the real and the imaginary part of 3
     * random entries (df/dRe x = 2Re g, df/dIm x = 2Im g) and 2 dense random directions.
     */
    private static void check(String name, Instance in, Fn fn, Grad grad, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        CMatrix g = new CMatrix();
        for (int subband = -1; subband < in.s; subband++) {
            CMatrix base = subband < 0 ? in.f : in.w[subband];
            grad.into(in.f, in.w, subband, g);
            assertEquals(base.rows(), g.rows(), name + " rows");
            assertEquals(base.cols(), g.cols(), name + " cols");
            double rms = Math.sqrt(g.frobeniusNorm2() / g.size());
            double entryScale = Math.sqrt(base.frobeniusNorm2() / base.size());
            String where = name + " N=" + in.n + " M=" + in.m + " K=" + in.k + " S=" + in.s
                    + (subband < 0 ? " wrt F" : " wrt W_" + subband);
            for (int e = 0; e < 3; e++) {
                int idx = rng.nextInt(base.size());
                for (int part = 0; part < 2; part++) {
                    CMatrix dx = new CMatrix(base.rows(), base.cols());
                    (part == 0 ? dx.re : dx.im)[idx] = 1;
                    double numeric = fd(fn, in.f, in.w, subband, dx, 1e-5 * entryScale);
                    double analytic = 2 * (part == 0 ? g.re[idx] : g.im[idx]);
                    double err = Math.abs(numeric - analytic);
                    assertTrue(err < FD_REL_TOL * Math.max(Math.abs(analytic), 0.01 * rms), where + " entry " + idx
                            + (part == 0 ? " re" : " im") + ": analytic " + analytic + " numeric " + numeric);
                }
            }
            for (int dir = 0; dir < 2; dir++) {
                CMatrix dx = JcasObjectiveTest.random(rng, base.rows(), base.cols(), 1);
                dx.scale(Math.sqrt(base.frobeniusNorm2() / dx.frobeniusNorm2()));
                double numeric = fd(fn, in.f, in.w, subband, dx, 1e-5);
                double analytic = 2 * Kernels.realInner(g, dx);
                double rel = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-300);
                assertTrue(rel < FD_REL_TOL, where + " dir " + dir + ": analytic " + analytic + " numeric " + numeric);
            }
        }
    }

    private static void checkAll(Instance in, Sensing sensing, boolean squint, long seed) {
        WidebandJcasObjective o = in.objective(sensing, squint);
        check("∇R", in, (f, w) -> rateOracle(in, f, w),
                (f, w, s, out) -> {
                    if (s < 0) {
                        o.gradRateF(f, w, out);
                    } else {
                        o.gradRateW(f, w, s, out);
                    }
                }, seed);
        check("∇τ " + sensing + (squint ? " squint" : ""), in, (f, w) -> tauOracle(in, sensing, squint, f, w),
                (f, w, s, out) -> {
                    if (s < 0) {
                        o.gradTauF(f, w, out);
                    } else {
                        o.gradTauW(f, w, s, out);
                    }
                }, seed + 1);
        // the fused directions: ∇_F J and, with η = 1, ∇_{W_s} J
        check("∇J " + sensing + (squint ? " squint" : ""), in,
                (f, w) -> rateOracle(in, f, w) - OMEGA * tauOracle(in, sensing, squint, f, w),
                (f, w, s, out) -> {
                    if (s < 0) {
                        o.ascentF(f, w, OMEGA, out);
                    } else {
                        CMatrix[] all = new CMatrix[in.s];
                        for (int b = 0; b < in.s; b++) {
                            all[b] = new CMatrix();
                        }
                        o.ascentW(f, w, OMEGA, 1, all);
                        out.copyFrom(all[s]);
                    }
                }, seed + 2);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (int subbands : new int[] {1, 4}) {
            for (int c = 0; c < 4; c++) {
                Instance in = new Instance(1000 + 10L * subbands + c, subbands);
                checkAll(in, Sensing.BAND_AVERAGED, false, 70 + c);
                checkAll(in, Sensing.PER_SUBBAND, false, 80 + c);
            }
        }
    }

    /** Beam squint: one Ψ_s per subband (per-subband sensing term). */
    @Test
    void squintGradientsMatchFiniteDifferences() {
        for (int c = 0; c < 3; c++) {
            Instance in = new Instance(2000 + c, 3);
            checkAll(in, Sensing.PER_SUBBAND, true, 90 + c);
        }
    }

    @Test
    void valuesMatchOracles() {
        for (int c = 0; c < 4; c++) {
            Instance in = new Instance(3000 + c, 1 + c);
            for (Sensing sensing : Sensing.values()) {
                WidebandJcasObjective o = in.objective(sensing, false);
                double r = rateOracle(in, in.f, in.w), t = tauOracle(in, sensing, false, in.f, in.w);
                assertEquals(r, o.sumRateBits(in.f, in.w), VALUE_REL_TOL * r);
                assertEquals(t, o.tau(in.f, in.w), VALUE_REL_TOL * t);
                assertEquals(r - OMEGA * t, o.objective(in.f, in.w, OMEGA), VALUE_REL_TOL * (r + OMEGA * t));
                double fused = o.ascentF(in.f, in.w, OMEGA, new CMatrix());
                assertEquals(r - OMEGA * t, fused, VALUE_REL_TOL * (r + OMEGA * t), "ascentF value " + sensing);
                assertEquals(t, o.lastTau(), VALUE_REL_TOL * t);
                assertEquals(r, o.lastSumRateBits(), VALUE_REL_TOL * r);
            }
        }
    }

    /** Jensen: for a common Ψ, ‖C − Ψ‖² ≤ (1/S)Σ_s ‖X_sX_sᴴ − Ψ‖², strictly when the subbands differ. */
    @Test
    void bandAveragedErrorIsAtMostPerSubbandError() {
        for (int c = 0; c < 6; c++) {
            Instance in = new Instance(4000 + c, 2 + c % 3);
            double avg = in.objective(Sensing.BAND_AVERAGED, false).tau(in.f, in.w);
            double per = in.objective(Sensing.PER_SUBBAND, false).tau(in.f, in.w);
            assertTrue(avg < per, "τ_avg " + avg + " vs τ_ps " + per);
        }
    }

    private static void assertClose(String what, CMatrix expected, CMatrix actual, double rel) {
        assertEquals(expected.rows(), actual.rows(), what + " rows");
        assertEquals(expected.cols(), actual.cols(), what + " cols");
        double scale = Math.sqrt(expected.frobeniusNorm2());
        double diff = 0;
        for (int i = 0; i < expected.size(); i++) {
            diff = Math.max(diff, Math.hypot(expected.re[i] - actual.re[i], expected.im[i] - actual.im[i]));
        }
        assertTrue(diff <= rel * scale, what + ": max deviation " + diff + " (‖·‖ = " + scale + ")");
    }

    /**
     * Compares the wideband objective on (H_s, W_s) to the narrowband one on (H, W) with every
     * W_s-gradient multiplied by {@code wScale} (S for identical subbands, 1 for S = 1).
     */
    private static void assertMatchesNarrowband(String what, WidebandJcasObjective wb, CMatrix f, CMatrix[] ws,
            JcasObjective nb, CMatrix w, double rel) {
        int s = ws.length;
        double r = nb.sumRateBits(f, w), t = nb.tau(f, w);
        assertEquals(r, wb.sumRateBits(f, ws), rel * r, what + " R");
        assertEquals(t, wb.tau(f, ws), rel * t, what + " τ");
        double j = nb.objective(f, w, OMEGA);
        assertEquals(j, wb.objective(f, ws, OMEGA), rel * (r + OMEGA * t), what + " J");

        CMatrix e = new CMatrix(), a = new CMatrix();
        nb.gradRateF(f, w, e);
        wb.gradRateF(f, ws, a);
        assertClose(what + " ∇_F R", e, a, rel);
        nb.gradTauF(f, w, e);
        wb.gradTauF(f, ws, a);
        assertClose(what + " ∇_F τ", e, a, rel);
        double jf = nb.ascentF(f, w, OMEGA, e);
        assertEquals(jf, wb.ascentF(f, ws, OMEGA, a), rel * (r + OMEGA * t), what + " ascentF value");
        assertClose(what + " ascentF", e, a, rel);

        CMatrix[] outs = new CMatrix[s];
        for (int b = 0; b < s; b++) {
            outs[b] = new CMatrix();
        }
        nb.ascentW(f, w, OMEGA, ETA, e);
        wb.ascentW(f, ws, OMEGA, ETA, outs);
        for (int b = 0; b < s; b++) {
            outs[b].scale(s);
            assertClose(what + " S·ascentW_" + b, e, outs[b], rel);
            nb.gradRateW(f, w, e);
            wb.gradRateW(f, ws, b, a);
            a.scale(s);
            assertClose(what + " S·∇_W" + b + " R", e, a, rel);
            nb.gradTauW(f, w, e);
            wb.gradTauW(f, ws, b, a);
            a.scale(s);
            assertClose(what + " S·∇_W" + b + " τ", e, a, rel);
            nb.ascentW(f, w, OMEGA, ETA, e);
        }
    }

    /** S = 1: value and every gradient equal the narrowband {@link JcasObjective}'s. */
    @Test
    void singleSubbandIsNarrowband() {
        for (int c = 0; c < 6; c++) {
            Instance in = new Instance(5000 + c, 1);
            JcasObjective nb = new JcasObjective();
            nb.bind(in.h[0], in.noise[0], in.psi);
            for (Sensing sensing : Sensing.values()) {
                assertMatchesNarrowband("S=1 " + sensing, in.objective(sensing, false), in.f, in.w, nb, in.w[0],
                        EXACT_REL_TOL);
            }
            // the squint binding with its one Ψ_0 is the narrowband problem at Ψ_0
            JcasObjective nb0 = new JcasObjective();
            nb0.bind(in.h[0], in.noise[0], in.psis[0]);
            assertMatchesNarrowband("S=1 squint", in.objective(Sensing.PER_SUBBAND, true), in.f, in.w, nb0, in.w[0],
                    EXACT_REL_TOL);
        }
    }

    /**
     * Identical subbands (H_s = H, σ²_s = σ², W_s = W, Ψ_s = Ψ): J, ∇_F J equal the narrowband
     * values and every ∇_{W_s} equals the narrowband ∇_W divided by S.
     */
    @Test
    void identicalSubbandsAreNarrowband() {
        for (int c = 0; c < 4; c++) {
            int s = 2 + c;
            Instance in = new Instance(6000 + c, 1);
            CMatrix[] h = new CMatrix[s], ws = new CMatrix[s], psis = new CMatrix[s];
            double[][] noise = new double[s][];
            for (int b = 0; b < s; b++) {
                h[b] = in.h[0];
                noise[b] = in.noise[0];
                ws[b] = new CMatrix().copyFrom(in.w[0]);
                psis[b] = in.psi;
            }
            JcasObjective nb = new JcasObjective();
            nb.bind(in.h[0], in.noise[0], in.psi);
            for (Sensing sensing : Sensing.values()) {
                WidebandJcasObjective wb = new WidebandJcasObjective();
                wb.bind(h, noise, in.psi);
                wb.setSensing(sensing);
                assertMatchesNarrowband("S=" + s + " identical " + sensing, wb, in.f, ws, nb, in.w[0], 1e-11);
            }
            WidebandJcasObjective sq = new WidebandJcasObjective();
            sq.bind(h, noise, psis);
            sq.setSensing(Sensing.PER_SUBBAND);
            assertMatchesNarrowband("S=" + s + " identical squint binding", sq, in.f, ws, nb, in.w[0], 1e-11);
        }
    }

    @Test
    void rejectsInconsistentInputs() {
        Instance in = new Instance(7000, 3);
        WidebandJcasObjective squint = in.objective(Sensing.BAND_AVERAGED, true);
        assertThrows(IllegalStateException.class, () -> squint.tau(in.f, in.w));
        WidebandJcasObjective o = in.objective(Sensing.BAND_AVERAGED, false);
        assertThrows(IllegalArgumentException.class, () -> o.tau(in.f, new CMatrix[] {in.w[0], in.w[1]}));
        assertThrows(IllegalArgumentException.class,
                () -> o.bind(in.h, new double[][] {in.noise[0]}, in.psi));
        assertThrows(IllegalArgumentException.class,
                () -> o.bind(in.h, in.noise, new CMatrix[] {in.psi}));
        assertThrows(IllegalArgumentException.class,
                () -> o.bind(new CMatrix[] {in.h[0], new CMatrix(in.n, in.k + 1)}, new double[][] {in.noise[0], in.noise[1]},
                        in.psi));
    }

    /**
     * The batched rate path (one product G̃ = H̃ᴴF over the stacked channels, one H̃·Ṽ for the
     * band sum) against the per-subband narrowband objectives it replaces: ∇_F (1/S)Σ_s R_s =
     * (1/S)Σ_s eq. (13), and the F ascent direction and value, to 1e-12 of the gradient's norm,
     * with K ≠ M (so a block offset that confused K and M fails) and S up to 17, for the vector
     * and the scalar kernels.
     */
    @Test
    void batchedRateGradientMatchesPerSubbandSum() {
        int[][] shapes = {{16, 5, 3}, {16, 3, 4}, {12, 4, 4}};
        for (org.isac.solver.linalg.FastKernels kern
                : new org.isac.solver.linalg.FastKernels[] {org.isac.solver.linalg.FastKernels.get(),
                        org.isac.solver.linalg.FastKernels.scalar()}) {
            for (int[] shape : shapes) {
                for (int subbands : new int[] {1, 2, 5, 17}) {
                    Instance in = new Instance(900 + subbands * 31L + shape[1], subbands, shape[0], shape[1], shape[2]);
                    String what = kern.name() + " N=" + in.n + " M=" + in.m + " K=" + in.k + " S=" + subbands;
                    WidebandJcasObjective wb = in.objective(Sensing.BAND_AVERAGED, false);
                    wb.useKernels(kern);
                    CMatrix expected = new CMatrix(in.n, in.m), one = new CMatrix();
                    double rate = 0;
                    for (int b = 0; b < subbands; b++) {
                        JcasObjective nb = new JcasObjective();
                        nb.useKernels(kern);
                        nb.bind(in.h[b], in.noise[b], in.psi);
                        nb.gradRateF(in.f, in.w[b], one);
                        Kernels.addScaled(expected, 1.0 / subbands, one);
                        rate += nb.lastSumRateBits() / subbands;
                    }
                    CMatrix actual = new CMatrix();
                    wb.gradRateF(in.f, in.w, actual);
                    assertClose(what + " ∇_F R", expected, actual, EXACT_REL_TOL);
                    assertEquals(rate, wb.lastSumRateBits(), EXACT_REL_TOL * rate, what + " R");
                    double tau = wb.tau(in.f, in.w);
                    CMatrix gradTau = new CMatrix();
                    wb.gradTauF(in.f, in.w, gradTau);
                    Kernels.addScaled(expected, -OMEGA, gradTau);
                    double j = wb.ascentF(in.f, in.w, OMEGA, actual);
                    assertClose(what + " ascentF", expected, actual, EXACT_REL_TOL);
                    assertEquals(rate - OMEGA * tau, j, EXACT_REL_TOL * (rate + OMEGA * tau), what + " ascentF value");
                }
            }
        }
    }

    /** The stacked channels are a copy taken at bind: binding again after a channel changed uses the new channel. */
    @Test
    void bindAgainSeesChangedChannels() {
        Instance in = new Instance(77, 3, 12, 3, 2);
        WidebandJcasObjective wb = in.objective(Sensing.BAND_AVERAGED, false);
        CMatrix before = new CMatrix(), after = new CMatrix(), fresh = new CMatrix();
        wb.gradRateF(in.f, in.w, before);
        in.h[1].scale(2);
        wb.bind(in.h, in.noise, in.psi);
        wb.gradRateF(in.f, in.w, after);
        in.objective(Sensing.BAND_AVERAGED, false).gradRateF(in.f, in.w, fresh);
        assertClose("rebound", fresh, after, 0);
        double diff = 0;
        for (int i = 0; i < before.size(); i++) {
            diff = Math.max(diff, Math.abs(before.re[i] - after.re[i]));
        }
        assertTrue(diff > 1e-6, "the changed channel changes the gradient");
    }
}
