package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.linalg.CMatrix;
import org.junit.jupiter.api.Test;

/** Rates and precoders of updates, against the plain definitions. */
class UpdateMathTest {
    private static final int N = 8, K = 2;

    private static ComplexMatrix matrix(int rows, int cols, long seed) {
        return TestData.channel(rows, cols, seed).build();
    }

    /** Σ_k log2(1 + |h_kᴴx_k|² / (Σ_{j≠k} |h_kᴴx_j|² + σ²)) over every column j of X, written out. */
    private static double plainSumRate(CMatrix h, CMatrix x, double noise) {
        double rate = 0;
        for (int k = 0; k < h.cols(); k++) {
            double signal = 0, interference = 0;
            for (int j = 0; j < x.cols(); j++) {
                double re = 0, im = 0;
                for (int i = 0; i < h.rows(); i++) {
                    double hr = h.re(i, k), hi = -h.im(i, k);
                    re += hr * x.re(i, j) - hi * x.im(i, j);
                    im += hr * x.im(i, j) + hi * x.re(i, j);
                }
                if (j == k) {
                    signal = re * re + im * im;
                } else {
                    interference += re * re + im * im;
                }
            }
            rate += Math.log(1 + signal / (interference + noise)) / Math.log(2);
        }
        return rate;
    }

    @Test
    void sensingStreamsCountAsInterference() {
        CsiReport r = TestData.report("u", 1, N, K).build();
        ComplexMatrix users = matrix(N, K, 5);
        ComplexMatrix isac = matrix(N, K + 3, 6); // K user streams, then 3 sensing streams
        WeightUpdate digital = WeightUpdate.newBuilder().setBaseband(users).build();
        WeightUpdate withSensing = WeightUpdate.newBuilder().setBaseband(isac).build();
        CMatrix h = CsiMapping.fromComplexMatrix(r.getChannel(), new CMatrix());
        double a = UpdateMath.sumRateBits(r, digital);
        double b = UpdateMath.sumRateBits(r, withSensing);
        assertEquals(plainSumRate(h, CsiMapping.fromComplexMatrix(users, new CMatrix()), 0.1), a, 1e-9 * a);
        assertTrue(Double.isFinite(b), "an ISAC precoder N x (K + N_s) has a rate");
        assertEquals(plainSumRate(h, CsiMapping.fromComplexMatrix(isac, new CMatrix()), 0.1), b, 1e-9 * b);
        // dropping the sensing columns removes their interference: the rate rises
        ComplexMatrix.Builder firstK = ComplexMatrix.newBuilder().setRows(N).setCols(K);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < K; j++) {
                firstK.addRe(isac.getRe(i * (K + 3) + j));
            }
        }
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < K; j++) {
                firstK.addIm(isac.getIm(i * (K + 3) + j));
            }
        }
        assertTrue(UpdateMath.sumRateBits(r, WeightUpdate.newBuilder().setBaseband(firstK).build()) > b);
    }

    @Test
    void aHybridPrecoderIsFTimesWAndShapesThatDoNotFitHaveNoRate() {
        ComplexMatrix f = matrix(N, 3, 11), w = matrix(3, K, 12);
        CMatrix x = UpdateMath.precoder(WeightUpdate.newBuilder().setAnalog(f).setBaseband(w).build());
        CMatrix fm = CsiMapping.fromComplexMatrix(f, new CMatrix()), wm = CsiMapping.fromComplexMatrix(w, new CMatrix());
        assertEquals(N, x.rows());
        assertEquals(K, x.cols());
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < K; j++) {
                double re = 0, im = 0;
                for (int m = 0; m < 3; m++) {
                    re += fm.re(i, m) * wm.re(m, j) - fm.im(i, m) * wm.im(m, j);
                    im += fm.re(i, m) * wm.im(m, j) + fm.im(i, m) * wm.re(m, j);
                }
                assertEquals(re, x.re(i, j), 1e-12);
                assertEquals(im, x.im(i, j), 1e-12);
            }
        }
        CsiReport r = TestData.report("u", 1, N, K).build();
        assertTrue(Double.isNaN(UpdateMath.sumRateBits(r, WeightUpdate.newBuilder().setBaseband(matrix(N, K - 1, 3)).build())),
                "fewer streams than users");
        assertTrue(Double.isNaN(UpdateMath.sumRateBits(r, WeightUpdate.newBuilder().setBaseband(matrix(N + 1, K, 3)).build())),
                "another antenna count");
    }
}
