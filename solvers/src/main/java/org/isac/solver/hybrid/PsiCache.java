package org.isac.solver.hybrid;

import java.util.Arrays;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.radar.BenchmarkCovariance;
import org.isac.solver.radar.DesiredBeampattern;

/**
 * The benchmark covariance Ψ (seed 000 eq. (6)) a hybrid JCAS solver needs, remembered
 * across solves: {@link #update} re-solves (or fetches from {@link BenchmarkCovariance#cached})
 * only when N, the target azimuths or the half-width change, and rescales only when P_t
 * changes. After warm-up for a configuration, {@link #update} allocates nothing. Not
 * thread-safe (one per solver instance).
 */
public final class PsiCache {
    /** Targets of seed 000 Section IV (−60°, 0°, 60°), used when a problem names none. */
    public static final double[] DEFAULT_TARGETS_RAD = {Math.toRadians(-60), 0, Math.toRadians(60)};

    private final CMatrix psi = new CMatrix();
    private BenchmarkCovariance covariance;
    private int lastN = -1;
    private double lastHalfWidth = Double.NaN;
    private double[] lastTargetsRad = new double[0];
    private int lastTargetCount = -1;
    private double lastPower = Double.NaN;
    private double lastSpacing = Double.NaN;
    private long version;

    /**
     * Ψ for N antennas, targets {@code targetsRad[0 … count−1]} (radians), ±{@code halfWidthDeg}
     * windows on the grid −90°:1°:90°, at power {@code powerW}. The returned matrix is owned
     * by this cache and valid until the next call. The first call for a new target set solves
     * eq. (6) (seconds at N = 64) unless another instance already did.
     */
    public CMatrix update(int n, double[] targetsRad, int count, double halfWidthDeg, double powerW) {
        return update(n, ArrayShape.HALF_WAVELENGTH, targetsRad, count, halfWidthDeg, powerW);
    }

    /** {@link #update(int, double[], int, double, double)} for a ULA of {@code spacing} wavelengths. */
    public CMatrix update(int n, double spacing, double[] targetsRad, int count, double halfWidthDeg, double powerW) {
        boolean same = covariance != null && n == lastN && spacing == lastSpacing && halfWidthDeg == lastHalfWidth
                && count == lastTargetCount;
        for (int i = 0; same && i < count; i++) {
            same = targetsRad[i] == lastTargetsRad[i];
        }
        if (!same) {
            double[] deg = new double[count];
            for (int i = 0; i < count; i++) {
                deg[i] = Math.rint(Math.toDegrees(targetsRad[i]) * 1e6) / 1e6; // µ° grid: −60° round-trips
            }
            covariance = BenchmarkCovariance.cached(n, spacing, DesiredBeampattern.of(deg, halfWidthDeg));
            lastN = n;
            lastSpacing = spacing;
            lastHalfWidth = halfWidthDeg;
            lastTargetCount = count;
            lastTargetsRad = Arrays.copyOf(targetsRad, count);
            lastPower = Double.NaN;
        }
        if (powerW != lastPower) {
            covariance.psi(powerW, psi);
            lastPower = powerW;
            version++;
        }
        return psi;
    }

    /**
     * A number that changes whenever {@link #update} changes the returned matrix's contents
     * (for {@link JcasObjective#bind(CMatrix, double[], CMatrix, long)}).
     */
    public long version() {
        return version;
    }

    /** The covariance solution behind the last {@link #update} (null before the first). */
    public BenchmarkCovariance covariance() {
        return covariance;
    }
}
