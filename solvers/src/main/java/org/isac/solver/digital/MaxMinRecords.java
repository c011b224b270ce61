package org.isac.solver.digital;

import org.isac.solver.linalg.CMatrix;

/**
 * What a {@link MaxMinAo} run keeps of each outer layer: the objective's quantities at each
 * point, the layer's W-step coefficients (z (8), Σ₁, Σ₂ (14)–(15), F (13), y, X_c) and its
 * inner steps. A recording run ({@link MaxMinAo#setRecording}) keeps one of each per layer,
 * which is what the reverse mode reads; otherwise two evaluations and one layer are reused.
 * Fields are written by the AO and only read elsewhere.
 */
public final class MaxMinRecords {
    private MaxMinRecords() {
    }

    /**
     * The quantities of the objective at one point (W, Φ), or their adjoints: communication
     * and sensing powers, rates; grow-only buffers.
     */
    public static class Buffers {
        public final CMatrix e = new CMatrix(); // (K+J) × K: rows 0…K−1 = Q = HᴴW, rows K… = P = A_tᴴW
        public double[] sRe = new double[0], sIm = new double[0], t = new double[0], d = new double[0], r = new double[0];
        public double[] gRe = new double[0], gIm = new double[0], n = new double[0], p = new double[0];
        public double[] ts = new double[0], ss = new double[0], ds = new double[0], rs = new double[0];

        public void size(int k, int jn, int mt) {
            if (sRe.length < k) {
                sRe = new double[k];
                sIm = new double[k];
                t = new double[k];
                d = new double[k];
                r = new double[k];
            }
            if (gRe.length < jn * mt) {
                gRe = new double[jn * mt];
                gIm = new double[jn * mt];
            }
            if (p.length < jn) {
                p = new double[jn];
            }
            if (n.length < mt) {
                n = new double[mt];
                ts = new double[mt];
                ss = new double[mt];
                ds = new double[mt];
                rs = new double[mt];
            }
        }
    }

    /** One evaluation of the objective: {@link Buffers} and h with its two minima. */
    public static final class Eval extends Buffers {
        public double h, minC, minS;
        public int argC, argS;
    }

    /** One inner step: W_in → U = W_in − scale·G → W_out = Π(U). */
    public static final class Step {
        public final CMatrix win = new CMatrix();
        public final CMatrix e = new CMatrix();
        public final CMatrix g = new CMatrix();
        public final CMatrix dg = new CMatrix();
        public final CMatrix u = new CMatrix();
        public double[] rowNorm = new double[0];
        public double nu, scale, beta;
        public int stepIndex; // index into the schedule, −1 when not a learned step
    }

    /** One outer layer's coefficients and its inner steps. */
    public static final class Layer {
        public double[] zc = new double[0], zs = new double[0];
        public double[] sig1Re = new double[0], sig1Im = new double[0], sig2 = new double[0];
        public double[] rinvRe = new double[0], rinvIm = new double[0];
        public double[] cRe = new double[0], cIm = new double[0];
        public boolean[] cValid = new boolean[0];
        public double[] phiRe = new double[0], phiIm = new double[0];
        public double[] g2Re = new double[0], g2Im = new double[0];
        public double[] psi = new double[0], rho = new double[0], omRe = new double[0], omIm = new double[0], y = new double[0];
        public double[] xcRe = new double[0], xcIm = new double[0];
        public Step[] steps = new Step[0];
        public int stepCount;

        public void size(int k, int jn, int mt, int inner) {
            if (zc.length < k) {
                zc = new double[k];
                sig1Re = new double[k];
                sig1Im = new double[k];
                sig2 = new double[k];
            }
            if (zs.length < mt) {
                zs = new double[mt];
                cRe = new double[mt];
                cIm = new double[mt];
                cValid = new boolean[mt];
                psi = new double[mt];
                rho = new double[mt];
                omRe = new double[mt];
                omIm = new double[mt];
            }
            if (rinvRe.length < jn * jn) {
                rinvRe = new double[jn * jn];
                rinvIm = new double[jn * jn];
            }
            if (phiRe.length < jn * mt) {
                phiRe = new double[jn * mt];
                phiIm = new double[jn * mt];
                g2Re = new double[jn * mt];
                g2Im = new double[jn * mt];
            }
            if (y.length < jn) {
                y = new double[jn];
            }
            if (xcRe.length < mt * k) {
                xcRe = new double[mt * k];
                xcIm = new double[mt * k];
            }
            if (steps.length < inner) {
                Step[] s = new Step[inner];
                System.arraycopy(steps, 0, s, 0, steps.length);
                for (int i = steps.length; i < inner; i++) {
                    s[i] = new Step();
                }
                steps = s;
            }
        }
    }
}
