package org.isac.solver;

import java.util.Arrays;

/**
 * Point scatterers (radar targets or clutter): azimuth θ and elevation ε in radians
 * (convention of {@link org.isac.solver.array.ArrayShape}) and complex gain α. Reusable,
 * grow-only storage.
 */
public final class Scatterers {
    private int count;
    public double[] azimuthRad = new double[4];
    public double[] elevationRad = new double[4];
    public double[] gainRe = new double[4];
    public double[] gainIm = new double[4];

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    public void add(double azimuthRad, double elevationRad, double gainRe, double gainIm) {
        if (count == this.azimuthRad.length) {
            int n = count * 2;
            this.azimuthRad = Arrays.copyOf(this.azimuthRad, n);
            this.elevationRad = Arrays.copyOf(this.elevationRad, n);
            this.gainRe = Arrays.copyOf(this.gainRe, n);
            this.gainIm = Arrays.copyOf(this.gainIm, n);
        }
        this.azimuthRad[count] = azimuthRad;
        this.elevationRad[count] = elevationRad;
        this.gainRe[count] = gainRe;
        this.gainIm[count] = gainIm;
        count++;
    }

    public void copyFrom(Scatterers o) {
        clear();
        for (int i = 0; i < o.count; i++) {
            add(o.azimuthRad[i], o.elevationRad[i], o.gainRe[i], o.gainIm[i]);
        }
    }
}
