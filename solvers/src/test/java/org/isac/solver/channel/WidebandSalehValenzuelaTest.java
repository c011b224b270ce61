package org.isac.solver.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

class WidebandSalehValenzuelaTest {

    private static CMatrix[] outs(int s) {
        CMatrix[] out = new CMatrix[s];
        for (int i = 0; i < s; i++) {
            out[i] = new CMatrix();
        }
        return out;
    }

    /** S = 1 (and B = 0 with S = 4): bit for bit the narrowband channel from the same generator state. */
    @Test
    void singleSubbandIsTheNarrowbandChannel() {
        for (ArrayShape shape : new ArrayShape[] {ArrayShape.ula(16), new ArrayShape(4, 3)}) {
            for (boolean squint : new boolean[] {false, true}) {
                for (int s : new int[] {1, 4}) {
                    double bw = s == 1 ? 2e8 : 0; // S = 1 with a real band; or B = 0 with S = 4
                    WidebandSalehValenzuela wb = new WidebandSalehValenzuela(shape, 3, 2, 5, bw, 28e9, s, 1e-6, squint);
                    SalehValenzuela nb = new SalehValenzuela(shape, 3, 10);
                    CMatrix[] out = outs(s);
                    CMatrix ref = new CMatrix();
                    SplittableRandom r1 = new SplittableRandom(7), r2 = new SplittableRandom(7);
                    for (int rep = 0; rep < 3; rep++) {
                        wb.draw(r1, out);
                        nb.draw(r2, ref);
                        // skip the delays the wideband model draws after the paths, so both stay in step
                        for (int i = 0; i < 3 * 2 * (1 + 5); i++) {
                            r2.nextDouble();
                        }
                        for (CMatrix h : out) {
                            assertEquals(shape.size(), h.rows());
                            assertEquals(3, h.cols());
                            for (int i = 0; i < ref.size(); i++) {
                                assertEquals(ref.re[i], h.re[i], 0.0, shape + " squint=" + squint + " S=" + s);
                                assertEquals(ref.im[i], h.im[i], 0.0, shape + " squint=" + squint + " S=" + s);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Every subband equals an independent element-by-element evaluation of
     * h_k(f_s) = Σ_q c_qk·e^{−j2π(f_s−f_c)τ_qk}·a(φ_qk, ε_qk, f_s), c_qk = √(N/Q)α_qk, from the drawn paths,
     * with a_{h,v} = exp(jπ(f_s/f_c)^σ(h·sinφ·cosε + v·sinε))/√N (σ = 1 with squint, 0 without).
     */
    @Test
    void everySubbandMatchesTheFormula() {
        for (ArrayShape shape : new ArrayShape[] {ArrayShape.ula(8), new ArrayShape(3, 4)}) {
            for (boolean squint : new boolean[] {false, true}) {
                int users = 2, c = 3, l = 2, sb = 5;
                double fc = 28e9, bw = 4e9;
                WidebandSalehValenzuela wb = new WidebandSalehValenzuela(shape, users, c, l, bw, fc, sb, 2e-7, squint);
                CMatrix[] out = outs(sb);
                wb.draw(new SplittableRandom(11), out);
                int n = shape.size(), nv = shape.vertical();
                for (int s = 0; s < sb; s++) {
                    double f = fc + (s - (sb - 1) / 2.0) * bw / sb;
                    assertEquals(f, wb.subbandFrequency(s), 1e-3);
                    double ratio = squint ? f / fc : 1;
                    for (int u = 0; u < users; u++) {
                        for (int i = 0; i < n; i++) {
                            int h = i / nv, v = i % nv;
                            double sumRe = 0, sumIm = 0;
                            for (int q = 0; q < c * l; q++) {
                                double phi = wb.pathAzimuth(u, q), el = wb.pathElevation(u, q);
                                double arg = Math.PI * ratio * (h * Math.sin(phi) * Math.cos(el) + v * Math.sin(el))
                                        - 2 * Math.PI * (f - fc) * wb.pathDelay(u, q);
                                double er = Math.cos(arg) / Math.sqrt(n), ei = Math.sin(arg) / Math.sqrt(n);
                                double gr = wb.pathGainRe(u, q), gi = wb.pathGainIm(u, q);
                                sumRe += gr * er - gi * ei;
                                sumIm += gr * ei + gi * er;
                            }
                            assertEquals(sumRe, out[s].re(i, u), 1e-12, "re s=" + s + " u=" + u + " i=" + i);
                            assertEquals(sumIm, out[s].im(i, u), 1e-12, "im s=" + s + " u=" + u + " i=" + i);
                        }
                    }
                }
                // the delay law: every delay within [0, τ_max); rays of one cluster within ρ·τ_max of each other
                for (int u = 0; u < users; u++) {
                    for (int cl = 0; cl < c; cl++) {
                        double lo = Double.MAX_VALUE, hi = -1;
                        for (int r = 0; r < l; r++) {
                            double t = wb.pathDelay(u, cl * l + r);
                            assertTrue(t >= 0 && t < 2e-7, "delay " + t);
                            lo = Math.min(lo, t);
                            hi = Math.max(hi, t);
                        }
                        assertTrue(hi - lo < WidebandSalehValenzuela.RAY_FRACTION * 2e-7, "ray spread " + (hi - lo));
                    }
                }
            }
        }
    }

    /**
     * E‖h_k(f_s)‖² = N on every subband. Tolerance: 5 empirical standard errors of the mean of the
     * K·draws per-user samples (about 1–2 % of N here), and the mean must also be within 5 % of N.
     */
    @Test
    void everySubbandHasPowerN() {
        for (boolean squint : new boolean[] {false, true}) {
            int n = 32, users = 4, sb = 6, draws = 1500;
            WidebandSalehValenzuela wb = new WidebandSalehValenzuela(n, users, 4, 3, 6e9, 28e9, sb, 5e-8, squint);
            CMatrix[] out = outs(sb);
            double[] sum = new double[sb], sum2 = new double[sb];
            SplittableRandom rng = new SplittableRandom(31);
            for (int d = 0; d < draws; d++) {
                wb.draw(rng, out);
                for (int s = 0; s < sb; s++) {
                    for (int u = 0; u < users; u++) {
                        double p = 0;
                        for (int i = 0; i < n; i++) {
                            p += out[s].re(i, u) * out[s].re(i, u) + out[s].im(i, u) * out[s].im(i, u);
                        }
                        sum[s] += p;
                        sum2[s] += p * p;
                    }
                }
            }
            int m = draws * users;
            for (int s = 0; s < sb; s++) {
                double mean = sum[s] / m;
                double se = Math.sqrt((sum2[s] / m - mean * mean) / m);
                assertEquals(n, mean, Math.min(5 * se, 0.05 * n), "subband " + s + " squint=" + squint + " se=" + se);
            }
        }
    }

    /** |Σ h(s1)ᴴh(s2)| / √(Σ‖h(s1)‖²·Σ‖h(s2)‖²) over draws and users. */
    private static double correlation(WidebandSalehValenzuela wb, int s1, int s2, int draws, long seed) {
        CMatrix[] out = outs(wb.subbands());
        SplittableRandom rng = new SplittableRandom(seed);
        double cr = 0, ci = 0, p1 = 0, p2 = 0;
        for (int d = 0; d < draws; d++) {
            wb.draw(rng, out);
            CMatrix a = out[s1], b = out[s2];
            for (int i = 0; i < a.size(); i++) {
                cr += a.re[i] * b.re[i] + a.im[i] * b.im[i];
                ci += a.re[i] * b.im[i] - a.im[i] * b.re[i];
                p1 += a.re[i] * a.re[i] + a.im[i] * a.im[i];
                p2 += b.re[i] * b.re[i] + b.im[i] * b.im[i];
            }
        }
        return Math.hypot(cr, ci) / Math.sqrt(p1 * p2);
    }

    /** |sinc x| = |sin πx / πx|, the modulus of E[e^{−j2πΔf·τ}] for τ ~ U[0, x/Δf). */
    private static double sinc(double x) {
        return x == 0 ? 1 : Math.abs(Math.sin(Math.PI * x) / (Math.PI * x));
    }

    @Test
    void delaySpreadMakesTheChannelFrequencySelective() {
        int n = 16, users = 4, sb = 64;
        double bw = 100e6, fc = 28e9;
        // zero delay spread, no squint: all subbands identical
        WidebandSalehValenzuela flat = new WidebandSalehValenzuela(n, users, 3, 4, bw, fc, sb, 0, false);
        CMatrix[] out = outs(sb);
        flat.draw(new SplittableRandom(41), out);
        for (int s = 1; s < sb; s++) {
            for (int i = 0; i < out[0].size(); i++) {
                assertEquals(out[0].re[i], out[s].re[i], 1e-12);
                assertEquals(out[0].im[i], out[s].im[i], 1e-12);
            }
        }
        assertTrue(out[0].frobeniusNorm2() > 0);

        // τ_max = 50 ns, one ray per cluster (τ ~ U[0, τ_max)): B·τ_max = 5, (B/S)·τ_max ≈ 0.078
        double tau = 50e-9;
        WidebandSalehValenzuela sel = new WidebandSalehValenzuela(n, users, 10, 1, bw, fc, sb, tau, false);
        double dfEdge = sel.subbandFrequency(sb - 1) - sel.subbandFrequency(0);
        double dfAdj = sel.subbandFrequency(1) - sel.subbandFrequency(0);
        double edge = correlation(sel, 0, sb - 1, 2000, 42);
        double adj = correlation(sel, 0, 1, 2000, 43);
        // predicted |E e^{−j2πΔfτ}| = |sinc(Δf·τ_max)|: ≈ 0.016 at the edges, ≈ 0.99 adjacent.
        // Estimation error of the normalised correlation from 8000 user draws of 10 paths is
        // ~1/√8000 ≈ 0.011 per component; 0.05 is about 4–5 of those.
        assertEquals(sinc(dfEdge * tau), edge, 0.05, "first-last correlation");
        assertEquals(sinc(dfAdj * tau), adj, 0.05, "adjacent correlation");
        assertTrue(edge < 0.2, "edges decorrelated: " + edge);
        assertTrue(adj > 0.95, "adjacent subbands correlated: " + adj);

        // clusters of several rays: the law's correlation is χ((1−ρ)τΔf)·χ(ρτΔf), |χ(x)| = |sinc x|
        WidebandSalehValenzuela rays = new WidebandSalehValenzuela(n, users, 4, 3, bw, fc, sb, tau, false);
        double mid = correlation(rays, 0, 8, 2000, 44);
        double dfMid = rays.subbandFrequency(8) - rays.subbandFrequency(0);
        double rho = WidebandSalehValenzuela.RAY_FRACTION;
        assertEquals(sinc((1 - rho) * tau * dfMid) * sinc(rho * tau * dfMid), mid, 0.05, "clustered correlation");
    }

    @Test
    void squintTurnsTheEdgeBeams() {
        int n = 64, sb = 8;
        double fc = 28e9, bw = 0.2 * fc;
        double phi = Math.toRadians(30);
        ArrayShape ula = ArrayShape.ula(n);
        double[] cRe = new double[n], cIm = new double[n], gRe = new double[n], gIm = new double[n];
        ula.steering(phi, 0, cRe, cIm, 0);
        for (boolean squint : new boolean[] {false, true}) {
            WidebandSalehValenzuela wb = new WidebandSalehValenzuela(n, 1, 1, 1, bw, fc, sb, 0, squint);
            CMatrix[] out = outs(sb);
            wb.draw(new SplittableRandom(51), out);
            wb.setPath(0, 0, 1, 0, phi, 0, 0); // gain √(N/Q)·α = 1, so h(f_s) = a(φ, f_s)
            wb.evaluate(out);
            for (int s : new int[] {0, sb - 1}) {
                double re = 0, im = 0, norm = 0;
                for (int i = 0; i < n; i++) {
                    double hr = out[s].re(i, 0), hi = out[s].im(i, 0);
                    re += cRe[i] * hr + cIm[i] * hi;
                    im += cRe[i] * hi - cIm[i] * hr;
                    norm += hr * hr + hi * hi;
                }
                assertEquals(1, norm, 1e-12, "unit-norm steering vector");
                double gain = Math.hypot(re, im);
                if (!squint) {
                    assertEquals(1, gain, 1e-12, "no squint: the carrier's beam, subband " + s);
                    continue;
                }
                assertTrue(gain < 0.9, "squint: edge subband " + s + " loses gain on the carrier beam, got " + gain);
                // the edge beam points at sin φ_s = sin φ · f_c / f_s (the array phase π n sin φ f_s/f_c)
                double ratio = wb.subbandFrequency(s) / fc;
                double predicted = Math.asin(Math.sin(phi) * ratio);
                double step = 1e-4, best = -1, arg = 0;
                for (double t = -Math.PI / 2; t <= Math.PI / 2; t += step) {
                    ula.steering(t, 0, gRe, gIm, 0);
                    double r = 0, m = 0;
                    for (int i = 0; i < n; i++) {
                        r += gRe[i] * out[s].re(i, 0) + gIm[i] * out[s].im(i, 0);
                        m += gRe[i] * out[s].im(i, 0) - gIm[i] * out[s].re(i, 0);
                    }
                    double g = r * r + m * m;
                    if (g > best) {
                        best = g;
                        arg = t;
                    }
                }
                assertTrue(Math.abs(predicted - phi) > 0.02, "the test separates squinted from carrier beams");
                assertEquals(predicted, arg, 2 * step, "beam of subband " + s);
                assertEquals(1, Math.sqrt(best), 1e-6, "full gain at the squinted angle");
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        ArrayShape ula = ArrayShape.ula(8);
        assertMessage("N >= 1", () -> new WidebandSalehValenzuela(0, 1, 1, 1, 1e8, 28e9, 4, 1e-8, false));
        assertMessage("K = 0", () -> new WidebandSalehValenzuela(ula, 0, 1, 1, 1e8, 28e9, 4, 1e-8, false));
        assertMessage("C = 0", () -> new WidebandSalehValenzuela(ula, 1, 0, 1, 1e8, 28e9, 4, 1e-8, false));
        assertMessage("L = 0", () -> new WidebandSalehValenzuela(ula, 1, 1, 0, 1e8, 28e9, 4, 1e-8, false));
        assertMessage("S = 0", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, 28e9, 0, 1e-8, false));
        assertMessage("carrier", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, 0, 4, 1e-8, false));
        assertMessage("carrier", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, Double.POSITIVE_INFINITY, 4, 1e-8, false));
        assertMessage("bandwidth", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, -1, 28e9, 4, 1e-8, false));
        assertMessage("bandwidth", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, Double.NaN, 28e9, 4, 1e-8, false));
        assertMessage("bandwidth", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 56e9, 28e9, 4, 1e-8, false));
        assertMessage("delay spread", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, 28e9, 4, -1e-9, false));
        assertMessage("delay spread", () -> new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, 28e9, 4, Double.NaN, false));
        assertMessage("16", () -> new WidebandSalehValenzuela(ula.withSpacing(15), 1, 1, 1, 40e9, 28e9, 4, 0, true));
        WidebandSalehValenzuela wb = new WidebandSalehValenzuela(ula, 1, 1, 1, 1e8, 28e9, 4, 1e-8, false);
        SplittableRandom rng = new SplittableRandom(1);
        assertMessage("expected 4, got 3", () -> wb.draw(rng, outs(3)));
        assertMessage("got null", () -> wb.draw(rng, null));
        assertMessage("subband 2 is null", () -> wb.draw(rng, new CMatrix[] {new CMatrix(), new CMatrix(), null, new CMatrix()}));
        assertThrows(IndexOutOfBoundsException.class, () -> wb.subbandFrequency(4));
        assertThrows(IndexOutOfBoundsException.class, () -> wb.subbandFrequency(-1));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), "message '" + ex.getMessage() + "' should mention " + fragment);
    }
}
