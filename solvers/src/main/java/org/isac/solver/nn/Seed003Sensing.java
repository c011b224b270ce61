package org.isac.solver.nn;

import org.isac.solver.array.CentredUla;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * Sensing metrics of seed 003 for a digital precoder X (N × K, our convention: column k
 * feeds user k; the paper's W). With unit-power uncorrelated symbols the transmit covariance
 * of eq. (7) is R_X = X·Xᴴ. Steering vectors are the centre-referenced ULA of eq. (10)
 * ({@link CentredUla}) with N transmit and {@code rxAntennas} receive elements.
 *
 * <ul>
 *   <li>{@link #crlb}: the CRLB ψ(θ) of eq. (5) with A = b·aᴴ (eq. (8)). Writing u = Xᴴa,
 *       v = Xᴴȧ it reduces to quadratic forms: tr(AᴴAR) = ‖b‖²‖u‖²,
 *       tr(ȦᴴȦR) = ‖ḃ‖²‖u‖² + 2·Re((bᴴḃ)·uᴴv) + ‖b‖²‖v‖², tr(ȦᴴAR) = (ḃᴴb)‖u‖² + ‖b‖²·uᴴv.
 *       Flops: ≈ 16·N·K.</li>
 *   <li>{@link #crlbApprox}: ψ̃(θ) = 1/(2·η·L·aᴴXXᴴa) of eqs. (22)–(23). Flops: ≈ 8·N·K.</li>
 * </ul>
 * η (echo SNR η_t, the same for every target) and L (frame length) only scale both bounds;
 * the paper gives neither, so they are parameters ({@link DnnConfig#radarSnrDb},
 * {@link DnnConfig#frameLength}). Angles in radians, bounds in rad². Allocation-free;
 * not thread-safe (holds scratch).
 */
public final class Seed003Sensing {
    private final int n;
    private final int rx;
    private final double eta;
    private final double frameLength;
    private final double[] aRe;
    private final double[] aIm;
    private final double[] dRe;
    private final double[] dIm;
    private final double[] bRe;
    private final double[] bIm;
    private final double[] bdRe;
    private final double[] bdIm;

    /**
     * @param antennas N transmit antennas
     * @param rxAntennas R radar receive antennas
     * @param eta echo SNR η_t (linear)
     * @param frameLength L symbols per frame
     */
    public Seed003Sensing(int antennas, int rxAntennas, double eta, double frameLength) {
        if (antennas < 1 || rxAntennas < 1 || !(eta > 0) || !(frameLength > 0)) {
            throw new IllegalArgumentException("sensing metrics need N, R >= 1 and η, L > 0");
        }
        this.n = antennas;
        this.rx = rxAntennas;
        this.eta = eta;
        this.frameLength = frameLength;
        aRe = new double[n];
        aIm = new double[n];
        dRe = new double[n];
        dIm = new double[n];
        bRe = new double[rx];
        bIm = new double[rx];
        bdRe = new double[rx];
        bdIm = new double[rx];
    }

    public int antennas() {
        return n;
    }

    /** 1/(2ηL), the constant in front of eqs. (5) and (22). */
    public double scale() {
        return 1.0 / (2 * eta * frameLength);
    }

    /** aᴴ(θ)·X·Xᴴ·a(θ) = ‖Xᴴa‖², the transmit beampattern of eq. (23) (unnormalised a). */
    public double beamGain(CMatrix x, double thetaRad) {
        check(x);
        CentredUla.steering(n, thetaRad, aRe, aIm);
        return Kernels.beamPower(x, aRe, aIm);
    }

    /** ψ̃(θ) of eqs. (22)–(23). */
    public double crlbApprox(CMatrix x, double thetaRad) {
        return scale() / beamGain(x, thetaRad);
    }

    /** ψ(θ) of eq. (5); +∞ when the Fisher information vanishes. */
    public double crlb(CMatrix x, double thetaRad) {
        check(x);
        CentredUla.steering(n, thetaRad, aRe, aIm);
        CentredUla.derivative(n, thetaRad, dRe, dIm);
        CentredUla.steering(rx, thetaRad, bRe, bIm);
        CentredUla.derivative(rx, thetaRad, bdRe, bdIm);
        double bb = 0, bdbd = 0, cbr = 0, cbi = 0; // ‖b‖², ‖ḃ‖², bᴴḃ
        for (int r = 0; r < rx; r++) {
            bb += bRe[r] * bRe[r] + bIm[r] * bIm[r];
            bdbd += bdRe[r] * bdRe[r] + bdIm[r] * bdIm[r];
            cbr += bRe[r] * bdRe[r] + bIm[r] * bdIm[r];
            cbi += bRe[r] * bdIm[r] - bIm[r] * bdRe[r];
        }
        int k = x.cols();
        double uu = 0, vv = 0, uvr = 0, uvi = 0; // ‖u‖², ‖v‖², uᴴv
        for (int j = 0; j < k; j++) {
            double ur = 0, ui = 0, vr = 0, vi = 0;
            for (int i = 0; i < n; i++) {
                double xr = x.re[i * k + j], xi = -x.im[i * k + j]; // conj(x_ij)
                ur += xr * aRe[i] - xi * aIm[i];
                ui += xr * aIm[i] + xi * aRe[i];
                vr += xr * dRe[i] - xi * dIm[i];
                vi += xr * dIm[i] + xi * dRe[i];
            }
            uu += ur * ur + ui * ui;
            vv += vr * vr + vi * vi;
            uvr += ur * vr + ui * vi;
            uvi += ur * vi - ui * vr;
        }
        double tAA = bb * uu;
        double tDD = bdbd * uu + 2 * (cbr * uvr - cbi * uvi) + bb * vv;
        // tr(ȦᴴAR) = conj(bᴴḃ)·‖u‖² + ‖b‖²·(uᴴv)  (ḃᴴb = conj(bᴴḃ))
        double cr = cbr * uu + bb * uvr, ci = -cbi * uu + bb * uvi;
        double den = tDD * tAA - (cr * cr + ci * ci);
        if (!(den > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        return scale() * tAA / den;
    }

    private void check(CMatrix x) {
        if (x.rows() != n) {
            throw new IllegalArgumentException("precoder has " + x.rows() + " rows, sensing model " + n + " antennas");
        }
    }
}
