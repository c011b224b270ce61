package org.isac.solver.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.isac.solver.Scatterers;
import org.isac.solver.TestData;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;
import org.junit.jupiter.api.Test;

class CrlbFimTest {
    private static final double STEP = 1e-6;
    private static final double FD_REL_TOL = 1e-6;
    private static final double EXACT_REL_TOL = 1e-12;

    private static Scatterers randomTargets(SplittableRandom rng, int m) {
        Scatterers t = new Scatterers();
        for (int i = 0; i < m; i++) {
            t.add(rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextGaussian(), rng.nextGaussian());
        }
        return t;
    }

    /** Noise-free echo μ = vec_l(Σ_m α_m b_m a_mᴴ x_l), re/im stacked; x_l = columns of X. */
    private static void echo(ArrayShape tx, ArrayShape rx, double[] omega, int m, CMatrix x, double[] out) {
        int nt = tx.size(), nr = rx.size(), l = x.cols();
        double[] ar = new double[nt], ai = new double[nt], br = new double[nr], bi = new double[nr];
        java.util.Arrays.fill(out, 0);
        for (int t = 0; t < m; t++) {
            tx.steering(omega[t], omega[m + t], ar, ai, 0);
            rx.steering(omega[t], omega[m + t], br, bi, 0);
            double alr = omega[2 * m + t], ali = omega[3 * m + t];
            for (int s = 0; s < l; s++) {
                double gr = 0, gi = 0; // a ᴴ x_s
                for (int i = 0; i < nt; i++) {
                    double xr = x.re[i * l + s], xi = x.im[i * l + s];
                    gr += ar[i] * xr + ai[i] * xi;
                    gi += ar[i] * xi - ai[i] * xr;
                }
                double cr = alr * gr - ali * gi, ci = alr * gi + ali * gr;
                for (int r = 0; r < nr; r++) {
                    out[2 * (s * nr + r)] += br[r] * cr - bi[r] * ci;
                    out[2 * (s * nr + r) + 1] += br[r] * ci + bi[r] * cr;
                }
            }
        }
    }

    /**
     * Seed 004 eq. (10): F_ij = (2/σ²)·Re Σ_l (∂v[l]/∂ω_i)ᴴ(∂v[l]/∂ω_j), with the derivatives
     * of the noise-free echo by central differences over L explicit snapshots X (N_t × L);
     * the analytic FIM uses W = X/√L so that R_x = XXᴴ/L = WWᴴ.
     */
    @Test
    void fimEqualsFiniteDifferenceFisherInformation() {
        SplittableRandom rng = new SplittableRandom(4);
        ArrayShape tx = new ArrayShape(3, 2), rx = new ArrayShape(2, 3);
        for (int trial = 0; trial < 5; trial++) {
            int m = 1 + trial % 3, l = 7;
            double sigma2 = 0.3;
            Scatterers t = randomTargets(rng, m);
            CMatrix xs = TestData.gaussian(rng, tx.size(), l);
            CMatrix w = new CMatrix(tx.size(), l);
            w.copyFrom(xs);
            w.scale(1 / Math.sqrt(l));
            CrlbFim fim = new CrlbFim();
            fim.setTargets(tx, rx, t);
            int p = 4 * m;
            double[] f = new double[p * p];
            fim.fim(w, l, sigma2, f);

            double[] omega = new double[p];
            for (int i = 0; i < m; i++) {
                omega[i] = t.azimuthRad[i];
                omega[m + i] = t.elevationRad[i];
                omega[2 * m + i] = t.gainRe[i];
                omega[3 * m + i] = t.gainIm[i];
            }
            int len = 2 * rx.size() * l;
            double[][] d = new double[p][len];
            double[] plus = new double[len], minus = new double[len];
            for (int i = 0; i < p; i++) {
                double keep = omega[i];
                omega[i] = keep + STEP;
                echo(tx, rx, omega, m, xs, plus);
                omega[i] = keep - STEP;
                echo(tx, rx, omega, m, xs, minus);
                omega[i] = keep;
                for (int q = 0; q < len; q++) {
                    d[i][q] = (plus[q] - minus[q]) / (2 * STEP);
                }
            }
            double max = 0;
            for (double v : f) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    double s = 0; // Re Σ conj(d_i) d_j = Σ (re·re + im·im)
                    for (int q = 0; q < len; q++) {
                        s += d[i][q] * d[j][q];
                    }
                    assertEquals(2 / sigma2 * s, f[i * p + j], FD_REL_TOL * max, "F[" + i + "][" + j + "] M=" + m);
                }
            }
        }
    }

    @Test
    void fimIsSymmetricPositiveDefiniteAndScales() {
        SplittableRandom rng = new SplittableRandom(5);
        ArrayShape tx = new ArrayShape(4, 4), rx = new ArrayShape(5, 4);
        CrlbFim fim = new CrlbFim();
        for (int trial = 0; trial < 10; trial++) {
            int m = 2;
            fim.setTargets(tx, rx, randomTargets(rng, m));
            CMatrix w = TestData.gaussian(rng, 16, 4 + trial % 4);
            int p = 4 * m;
            double[] f = new double[p * p], inv = new double[p * p], f2 = new double[p * p];
            fim.fim(w, 30, 1e-3, f);
            double max = 0;
            for (double v : f) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    assertEquals(f[i * p + j], f[j * p + i], EXACT_REL_TOL * max);
                }
            }
            for (int r = 0; r < 20; r++) {
                double q = 0;
                double[] v = new double[p];
                for (int i = 0; i < p; i++) {
                    v[i] = rng.nextGaussian();
                }
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        q += v[i] * f[i * p + j] * v[j];
                    }
                }
                assertTrue(q > 0, "vᵀFv > 0");
            }
            double crlb = fim.invert(f, inv);
            assertTrue(Double.isFinite(crlb) && crlb > 0);
            // F·F⁻¹ = I
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    for (int l = 0; l < p; l++) {
                        s += f[i * p + l] * inv[l * p + j];
                    }
                    assertEquals(i == j ? 1 : 0, s, 1e-9);
                }
            }
            // F ∝ L/σ²: doubling L halves the CRLB
            fim.fim(w, 60, 1e-3, f2);
            assertEquals(crlb / 2, fim.crlb(f2, inv), 1e-12 * crlb);
        }
    }

    /** Σ_ij Φ_ij F_ij(W) = tr(T·ĀᴴWWᴴĀ) = ‖(ĀT^{1/2})ᴴ…‖: checked as Re tr(Wᴴ Ā T Āᴴ W). */
    @Test
    void gradientKernelReproducesLinearFunctional() {
        SplittableRandom rng = new SplittableRandom(6);
        ArrayShape tx = new ArrayShape(4, 2), rx = new ArrayShape(3, 3);
        CrlbFim fim = new CrlbFim();
        for (int trial = 0; trial < 10; trial++) {
            int m = 1 + trial % 3, p = 4 * m;
            fim.setTargets(tx, rx, randomTargets(rng, m));
            CMatrix w = TestData.gaussian(rng, tx.size(), 5);
            double[] phi = new double[p * p], f = new double[p * p];
            for (int i = 0; i < p; i++) {
                for (int j = i; j < p; j++) {
                    phi[i * p + j] = phi[j * p + i] = rng.nextGaussian();
                }
            }
            fim.fim(w, 12, 0.5, f);
            double lhs = 0;
            for (int i = 0; i < p * p; i++) {
                lhs += phi[i] * f[i];
            }
            CMatrix t = new CMatrix(), z = new CMatrix(), tz = new CMatrix();
            fim.gradientKernel(phi, 12, 0.5, t);
            for (int a = 0; a < 3 * m; a++) {
                for (int b = 0; b < 3 * m; b++) {
                    assertEquals(t.re(a, b), t.re(b, a), 1e-12 * (1 + Math.abs(t.re(a, b))));
                    assertEquals(t.im(a, b), -t.im(b, a), 1e-12 * (1 + Math.abs(t.im(a, b))));
                }
            }
            Kernels.mulConjTransA(fim.txBasis(), w, z);
            Kernels.mul(t, z, tz);
            double rhs = 0; // Re tr(Zᴴ T Z)
            for (int i = 0; i < z.rows() * z.cols(); i++) {
                rhs += z.re[i] * tz.re[i] + z.im[i] * tz.im[i];
            }
            assertEquals(lhs, rhs, 1e-10 * Math.abs(lhs) + 1e-12);
        }
    }

    @Test
    void ratesCountRadarStreamsAsInterference() {
        CMatrix h = new CMatrix(2, 2);
        h.set(0, 0, 1, 0);
        h.set(1, 1, 1, 0);
        CMatrix w = new CMatrix(2, 3);
        w.set(0, 0, 1, 0);
        w.set(1, 1, 2, 0);
        w.set(0, 2, 1, 0); // radar stream seen by user 1 only
        double[] r = new double[2];
        double sum = IsacRates.ratesNats(h, w, new double[] {1, 1}, r);
        assertEquals(Math.log(1 + 1.0 / 2), r[0], 1e-15);
        assertEquals(Math.log(1 + 4.0), r[1], 1e-15);
        assertEquals(r[0] + r[1], sum, 1e-15);
        CMatrix g = new CMatrix();
        Kernels.mulConjTransA(h, w, g);
        assertEquals(sum, IsacRates.ratesFromProducts(g, new double[] {1, 1}, r), 1e-15);
    }
}
