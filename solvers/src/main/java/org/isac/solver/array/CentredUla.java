package org.isac.solver.array;

/**
 * Half-wavelength ULA with the array centre as phase reference and unit-modulus entries
 * (seed 003 eq. (10)): a_m(θ) = e^{j·c_m·π·sin θ}, c_m = m − (M−1)/2, m = 0…M−1, so
 * ‖a‖² = M. Unlike {@link ArrayShape} the vector is not normalised; with the centre as
 * reference aᴴ·ȧ = 0, which is what seed 003's CRLB (eq. (5)) relies on.
 */
public final class CentredUla {
    private CentredUla() {
    }

    /** c_m = m − (M−1)/2, the element offset from the array centre in half wavelengths. */
    public static double offset(int m, int size) {
        return m - 0.5 * (size - 1);
    }

    /** Writes a(θ) into {@code re/im[0…size−1]} (seed 003 eq. (10)). Cost: {@code size} sin/cos pairs. */
    public static void steering(int size, double thetaRad, double[] re, double[] im) {
        double u = Math.PI * Math.sin(thetaRad);
        for (int m = 0; m < size; m++) {
            double ph = offset(m, size) * u;
            re[m] = Math.cos(ph);
            im[m] = Math.sin(ph);
        }
    }

    /** Writes ∂a/∂θ, ȧ_m = j·c_m·π·cos θ·a_m, into {@code re/im[0…size−1]}. */
    public static void derivative(int size, double thetaRad, double[] re, double[] im) {
        double u = Math.PI * Math.sin(thetaRad), d = Math.PI * Math.cos(thetaRad);
        for (int m = 0; m < size; m++) {
            double c = offset(m, size);
            double ph = c * u;
            re[m] = -c * d * Math.sin(ph);
            im[m] = c * d * Math.cos(ph);
        }
    }
}
