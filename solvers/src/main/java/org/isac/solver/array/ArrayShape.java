package org.isac.solver.array;

/**
 * Geometry of a uniform array: {@code horizontal} × {@code vertical} elements at {@code spacing}
 * wavelengths on both axes (half a wavelength unless given; a ULA is horizontal = N, vertical = 1).
 *
 * <p>Angle convention for every solver and model: azimuth θ from broadside in the array's
 * horizontal plane, elevation ε above that plane (0 = horizon). With k = 2π·spacing (π at half a
 * wavelength) each factor is normalised by 1/√size: a_h,n = e^{jk·n·sin θ·cos ε} / √H,
 * a_v,n = e^{jk·n·sin ε} / √V, n = 0…size−1, and the UPA steering vector is a = a_h ⊗ a_v
 * (element index h·V + v). Seed 004 writes its UPA with φ = π/2 − ε; seeds 000–003 use ε = 0.
 * At half a wavelength every phase is computed exactly as before spacing was a parameter.
 */
public record ArrayShape(int horizontal, int vertical, double spacing) {
    /** The spacing of every array that names none, in wavelengths. */
    public static final double HALF_WAVELENGTH = 0.5;

    public ArrayShape {
        if (horizontal < 1 || vertical < 1) {
            throw new IllegalArgumentException("array needs at least one element per axis, got "
                    + horizontal + "x" + vertical);
        }
        phaseScale(spacing); // validates
    }

    /** At half-wavelength spacing. */
    public ArrayShape(int horizontal, int vertical) {
        this(horizontal, vertical, HALF_WAVELENGTH);
    }

    public static ArrayShape ula(int n) {
        return new ArrayShape(n, 1);
    }

    /** The same array at {@code wavelengths} spacing. */
    public ArrayShape withSpacing(double wavelengths) {
        return new ArrayShape(horizontal, vertical, wavelengths);
    }

    /** The phase per element and unit of sin θ, k = 2π·spacing (exactly π at half a wavelength). */
    public double phaseScale() {
        return phaseScale(spacing);
    }

    /**
     * k = 2π·{@code spacing} for an element spacing in wavelengths (exactly π at half a
     * wavelength), for code that has a spacing but no array; allocation-free.
     *
     * @throws IllegalArgumentException unless the spacing is in (0, 16]
     */
    public static double phaseScale(double spacing) {
        if (!(spacing > 0) || !(spacing <= 16)) {
            throw new IllegalArgumentException("element spacing must be in (0, 16] wavelengths, got " + spacing);
        }
        return 2 * Math.PI * spacing;
    }

    public int size() {
        return horizontal * vertical;
    }

    /**
     * Writes the normalised steering vector a(θ, ε) into {@code re/im[off … off+size−1]}.
     * Cost: O(size) sin/cos pairs.
     */
    public void steering(double azimuthRad, double elevationRad, double[] re, double[] im, int off) {
        double k = phaseScale();
        double uh = k * Math.sin(azimuthRad) * Math.cos(elevationRad);
        double uv = k * Math.sin(elevationRad);
        double s = 1.0 / Math.sqrt(horizontal * (double) vertical);
        for (int h = 0; h < horizontal; h++) {
            for (int v = 0; v < vertical; v++) {
                double ph = uh * h + uv * v;
                int i = off + h * vertical + v;
                re[i] = s * Math.cos(ph);
                im[i] = s * Math.sin(ph);
            }
        }
    }

    /**
     * The steering vector of {@link #steering}, with the phases advanced by complex rotation:
     * two sin/cos pairs in all instead of one per element. Equal to {@link #steering} within
     * about (H + V)·10⁻¹⁶ relative, not bit for bit, so it serves simulators that draw many
     * paths per report; training, studies and solvers keep {@link #steering}.
     */
    public void steeringByRotation(double azimuthRad, double elevationRad, double[] re, double[] im, int off) {
        double k = phaseScale();
        double uh = k * Math.sin(azimuthRad) * Math.cos(elevationRad);
        double uv = k * Math.sin(elevationRad);
        double ch = Math.cos(uh), sh = Math.sin(uh);
        double cv = Math.cos(uv), sv = Math.sin(uv);
        double hr = 1.0 / Math.sqrt(horizontal * (double) vertical), hi = 0;
        for (int h = 0; h < horizontal; h++) {
            double vr = hr, vi = hi;
            int row = off + h * vertical;
            for (int v = 0; v < vertical; v++) {
                re[row + v] = vr;
                im[row + v] = vi;
                double t = vr * cv - vi * sv;
                vi = vr * sv + vi * cv;
                vr = t;
            }
            double t = hr * ch - hi * sh;
            hi = hr * sh + hi * ch;
            hr = t;
        }
    }

    @Override
    public String toString() {
        String s = vertical == 1 ? "ULA(" + horizontal : "UPA(" + horizontal + "x" + vertical;
        return s + (spacing == HALF_WAVELENGTH ? ")" : ", " + spacing + " λ)");
    }
}
