package org.isac.solver.metric;

import org.isac.solver.array.ArrayShape;

/**
 * Steering vectors of an {@link ArrayShape} together with their partial derivatives with
 * respect to azimuth θ and elevation ε (the convention of {@link ArrayShape}):
 * a_n = e^{j(u_h·h + u_v·v)} / √(H·V), u_h = π sin θ cos ε, u_v = π sin ε, n = h·V + v, so
 * <pre>
 *   ∂a_n/∂θ = j·π·cos θ·cos ε·h · a_n
 *   ∂a_n/∂ε = j·(−π·sin θ·sin ε·h + π·cos ε·v) · a_n
 * </pre>
 *
 * <p>Seed 004 (Section V) writes the same UPA with the polar angle φ = π/2 − ε
 * (a_h uses sin θ sin φ, a_v uses cos φ), so its ∂a/∂φ = −∂a/∂ε and its θ is our θ. A
 * sign flip of a parameter leaves tr(FIM⁻¹) unchanged (F → D·F·D, D = diag(±1)), so every
 * CRLB computed in (θ, ε) equals the paper's CRLB in (θ, φ).
 */
public final class SteeringDerivatives {
    private SteeringDerivatives() {
    }

    /**
     * Writes a(θ, ε), ∂a/∂θ and ∂a/∂ε into the given arrays at {@code off … off+size−1}
     * (any derivative array pair may be null to skip it). Cost: O(size) sin/cos pairs.
     */
    public static void steering(ArrayShape shape, double azimuthRad, double elevationRad,
            double[] aRe, double[] aIm, double[] dAzRe, double[] dAzIm, double[] dElRe, double[] dElIm, int off) {
        int nh = shape.horizontal(), nv = shape.vertical();
        double k = shape.phaseScale(); // π at half a wavelength
        double uh = k * Math.sin(azimuthRad) * Math.cos(elevationRad);
        double uv = k * Math.sin(elevationRad);
        double dUhAz = k * Math.cos(azimuthRad) * Math.cos(elevationRad);
        double dUhEl = -k * Math.sin(azimuthRad) * Math.sin(elevationRad);
        double dUvEl = k * Math.cos(elevationRad);
        double s = 1.0 / Math.sqrt(nh * (double) nv);
        for (int h = 0; h < nh; h++) {
            for (int v = 0; v < nv; v++) {
                double ph = uh * h + uv * v;
                int i = off + h * nv + v;
                double re = s * Math.cos(ph), im = s * Math.sin(ph);
                aRe[i] = re;
                aIm[i] = im;
                if (dAzRe != null) {
                    double g = dUhAz * h; // j·g·a
                    dAzRe[i] = -g * im;
                    dAzIm[i] = g * re;
                }
                if (dElRe != null) {
                    double g = dUhEl * h + dUvEl * v;
                    dElRe[i] = -g * im;
                    dElIm[i] = g * re;
                }
            }
        }
    }

    /** Our elevation ε for seed 004's polar angle φ: ε = π/2 − φ. */
    public static double elevationFromSeed004Phi(double phiRad) {
        return 0.5 * Math.PI - phiRad;
    }
}
