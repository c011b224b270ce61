package org.isac.solver.digital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Problem;
import org.isac.solver.Scatterers;
import org.isac.solver.TestData;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.isac.solver.metric.Metrics;
import org.isac.solver.metric.Scnr;
import org.junit.jupiter.api.Test;

class MaxMinAoTest {
    private static final double OBJ_REL_TOL = 1e-10;
    private static final double POWER_REL_TOL = 1e-12;

    /** Dense G_i = α_i·a_r·a_tᴴ (N_r × N_t). */
    private static CMatrix echo(Problem p, Scatterers s, int i) {
        int nt = p.tx.size(), nr = p.rx.size();
        double[] atr = new double[nt], ati = new double[nt], arr = new double[nr], ari = new double[nr];
        p.tx.steering(s.azimuthRad[i], s.elevationRad[i], atr, ati, 0);
        p.rx.steering(s.azimuthRad[i], s.elevationRad[i], arr, ari, 0);
        CMatrix g = new CMatrix(nr, nt);
        for (int r = 0; r < nr; r++) {
            for (int c = 0; c < nt; c++) {
                // α·a_r[r]·conj(a_t[c])
                double xr = arr[r] * atr[c] + ari[r] * ati[c], xi = ari[r] * atr[c] - arr[r] * ati[c];
                g.set(r, c, s.gainRe[i] * xr - s.gainIm[i] * xi, s.gainRe[i] * xi + s.gainIm[i] * xr);
            }
        }
        return g;
    }

    /** Dense SCNR of seed 002 eq. (5): ‖f_mᴴG_mW‖² / (Σ_{j≠m}‖f_mᴴG_jW‖² + N_rσ²‖f_m‖²). */
    static double[] denseScnr(Problem p, CMatrix w, CMatrix f, double sigma2) {
        int m = p.targets.count(), c = p.clutter.count(), nr = p.rx.size();
        CMatrix[] g = new CMatrix[m + c];
        for (int i = 0; i < m + c; i++) {
            g[i] = i < m ? echo(p, p.targets, i) : echo(p, p.clutter, i - m);
        }
        double[] out = new double[m];
        for (int q = 0; q < m; q++) {
            CMatrix fq = new CMatrix(nr, 1);
            for (int r = 0; r < nr; r++) {
                fq.set(r, 0, f.re(r, q), f.im(r, q));
            }
            double signal = 0, rest = nr * sigma2 * fq.frobeniusNorm2();
            for (int i = 0; i < m + c; i++) {
                CMatrix gw = new CMatrix(), fgw = new CMatrix();
                Kernels.mul(g[i], w, gw);
                Kernels.mulConjTransA(fq, gw, fgw);
                double e = fgw.frobeniusNorm2();
                if (i == q) {
                    signal = e;
                } else {
                    rest += e;
                }
            }
            out[q] = signal / rest;
        }
        return out;
    }

    private static double minLog1p(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, Math.log1p(x));
        }
        return m;
    }

    @Test
    void objectiveMatchesDenseSinrAndScnrAndPowerIsPerAntenna() {
        SplittableRandom rng = new SplittableRandom(51);
        MaxMinAo ao = new MaxMinAo();
        Scnr scnr = new Scnr();
        for (int trial = 0; trial < 6; trial++) {
            Problem p = TestData.echoProblem(rng, 6 + trial, trial % 2 == 0 ? ArrayShape.ula(5) : new ArrayShape(2, 3), 2 + trial % 3, 1 + trial % 2,
                    trial % 3);
            double delta = 0.5 + trial;
            ao.setUp(p, delta, 0.7, true);
            ao.initialize();
            double[] steps = {0.05};
            ao.run(MaxMinAo.StepRule.FIXED, 3, 2, 1, steps, 10, 10, 0);
            CMatrix w = new CMatrix(), f = new CMatrix();
            ao.precoder(w);
            ao.receiveFilters(f);
            double[] sinr = new double[p.users()];
            Metrics.sinr(p.channel, w, p.noise, sinr);
            double[] sc = denseScnr(p, w, f, 0.7);
            double h = minLog1p(sinr) + delta * minLog1p(sc);
            assertEquals(h, ao.objective(), OBJ_REL_TOL * Math.abs(h), "trial " + trial);
            double[] fast = new double[p.targets.count()];
            scnr.scnr(p.tx, p.rx, p.targets, p.clutter, w, f, 0.7, fast);
            for (int m = 0; m < fast.length; m++) {
                assertEquals(sc[m], fast[m], 1e-10 * sc[m]);
            }
            for (int i = 0; i < w.rows(); i++) {
                double r2 = 0;
                for (int c = 0; c < w.cols(); c++) {
                    r2 += w.re(i, c) * w.re(i, c) + w.im(i, c) * w.im(i, c);
                }
                assertEquals(p.powerBudgetW / w.rows(), r2, POWER_REL_TOL * p.powerBudgetW, "row " + i);
            }
        }
    }

    /**
     * The filters after one layer are the max-SCNR filters for the layer's input W (eq. (13)
     * with the inverse): parallel to (Σ_{j≠m}G_jWWᴴG_jᴴ + N_rσ²I)⁻¹a_r,m, computed densely.
     */
    @Test
    void filterUpdateIsTheMaxScnrFilter() {
        SplittableRandom rng = new SplittableRandom(52);
        MaxMinAo ao = new MaxMinAo();
        for (int trial = 0; trial < 4; trial++) {
            Problem p = TestData.echoProblem(rng, 7, ArrayShape.ula(6), 3, 2, 1 + trial % 2);
            ao.setUp(p, 1, 0.3, trial % 2 == 0);
            ao.initialize();
            CMatrix w0 = new CMatrix(), f0 = new CMatrix(), f1 = new CMatrix();
            // random W⁰ and Φ⁰ instead of the init, so the update has something to change
            CMatrix wr = TestData.gaussian(rng, 7, 3);
            int jn = ao.scatterers(), mt = ao.targets();
            double[] pr = new double[jn * mt], pi = new double[jn * mt];
            for (int i = 0; i < pr.length; i++) {
                pr[i] = rng.nextGaussian();
                pi[i] = rng.nextGaussian();
            }
            ao.setState(wr, pr, pi);
            ao.precoder(w0);
            ao.run(MaxMinAo.StepRule.FIXED, 1, 1, 1, new double[] {1e-3}, 10, 10, 0);
            ao.receiveFilters(f1);
            int nr = p.rx.size();
            // dense: R_m = Σ_{j≠m} G_j W Wᴴ G_jᴴ + N_r σ² I
            int c = p.clutter.count();
            for (int m = 0; m < mt; m++) {
                CMatrix r = new CMatrix(nr, nr);
                for (int i = 0; i < nr; i++) {
                    r.set(i, i, nr * 0.3, 0);
                }
                for (int j = 0; j < mt + c; j++) {
                    if (j == m) {
                        continue;
                    }
                    CMatrix g = j < mt ? echo(p, p.targets, j) : echo(p, p.clutter, j - mt);
                    CMatrix gw = new CMatrix(), gwwg = new CMatrix(), gwh = new CMatrix(gw.cols(), 0);
                    Kernels.mul(g, w0, gw);
                    gwh = new CMatrix(gw.cols(), gw.rows());
                    for (int a = 0; a < gw.rows(); a++) {
                        for (int b = 0; b < gw.cols(); b++) {
                            gwh.set(b, a, gw.re(a, b), -gw.im(a, b));
                        }
                    }
                    Kernels.mul(gw, gwh, gwwg);
                    for (int i = 0; i < nr * nr; i++) {
                        r.re[i] += gwwg.re[i];
                        r.im[i] += gwwg.im[i];
                    }
                }
                double[] arr = new double[nr], ari = new double[nr];
                p.rx.steering(p.targets.azimuthRad[m], p.targets.elevationRad[m], arr, ari, 0);
                CMatrix rhs = new CMatrix(nr, 1);
                for (int i = 0; i < nr; i++) {
                    rhs.set(i, 0, arr[i], ari[i]);
                }
                assertTrue(Kernels.cholesky(r));
                Kernels.choleskySolve(r, rhs);
                double dr = 0, di = 0, n1 = 0, n2 = 0;
                for (int i = 0; i < nr; i++) {
                    double xr = f1.re(i, m), xi = f1.im(i, m);
                    dr += xr * rhs.re[i] + xi * rhs.im[i];
                    di += xr * rhs.im[i] - xi * rhs.re[i];
                    n1 += xr * xr + xi * xi;
                    n2 += rhs.re[i] * rhs.re[i] + rhs.im[i] * rhs.im[i];
                }
                double cos = Math.hypot(dr, di) / Math.sqrt(n1 * n2);
                assertEquals(1, cos, 1e-10, "trial " + trial + " target " + m);
            }
        }
    }

    /** Fixed-step and backtracking AO raise h from the MRT / max-SCNR start on every instance. */
    @Test
    void alternatingOptimisationImprovesTheStart() {
        SplittableRandom rng = new SplittableRandom(54);
        MaxMinAo ao = new MaxMinAo();
        double[] trace = new double[101];
        ao.traceObjective(trace);
        for (int trial = 0; trial < 10; trial++) {
            Problem p = Seed002Scenario.draw(rng, 2 + trial % 4);
            for (MaxMinAo.StepRule rule : new MaxMinAo.StepRule[] {MaxMinAo.StepRule.FIXED, MaxMinAo.StepRule.BACKTRACKING}) {
                ao.setUp(p, 1, 1, true);
                ao.initialize();
                ao.run(rule, 100, 6, 1, new double[] {rule == MaxMinAo.StepRule.FIXED ? 0.003 : 0.1}, 10, 10, 0);
                assertEquals(101, ao.traceLength());
                assertTrue(trace[100] > trace[0], rule + " trial " + trial + ": h " + trace[0] + " -> " + trace[100]);
            }
        }
    }
}
