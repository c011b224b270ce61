package org.isac.solver.radar;

import java.util.Arrays;

/**
 * Desired radar transmit beampattern P_d(θ_t) of seed 000 eq. (27) on an angular grid:
 * P_d = 1 inside the windows [θ_l − δθ, θ_l + δθ] around the target azimuths θ_l and 0
 * elsewhere. Angles are azimuths from broadside (convention of
 * {@link org.isac.solver.array.ArrayShape}).
 *
 * <p>The paper's text says δθ = 5° ({@link #PAPER_HALF_WIDTH_DEG}); the authors' experiment
 * setup uses ±2° windows ({@link #AUTHORS_HALF_WIDTH_DEG}, the default here, see
 * docs/REFERENCE-SETUPS.md, "Seeds 000 / 001"). The default grid is θ = −90°:1°:90° (T = 181).
 * Immutable.
 */
public final class DesiredBeampattern {
    /** δθ printed in seed 000 after eq. (27). */
    public static final double PAPER_HALF_WIDTH_DEG = 5;
    /** δθ of the authors' experiment setup (docs/REFERENCE-SETUPS.md); the default. */
    public static final double AUTHORS_HALF_WIDTH_DEG = 2;
    /** Targets used by seed 000 Section IV when a problem names none: −60°, 0°, 60°. */
    public static final double[] DEFAULT_TARGETS_DEG = {-60, 0, 60};

    private static final double EDGE_TOL_DEG = 1e-9;

    private final double[] targetsDeg;
    private final double halfWidthDeg;
    private final double gridStartDeg;
    private final double gridStepDeg;
    private final double[] gridRad;
    private final double[] desired;

    private DesiredBeampattern(double[] targetsDeg, double halfWidthDeg, double gridStartDeg, double gridStepDeg,
            int points) {
        this.targetsDeg = targetsDeg;
        this.halfWidthDeg = halfWidthDeg;
        this.gridStartDeg = gridStartDeg;
        this.gridStepDeg = gridStepDeg;
        this.gridRad = new double[points];
        this.desired = new double[points];
        for (int t = 0; t < points; t++) {
            double deg = gridStartDeg + t * gridStepDeg;
            gridRad[t] = Math.toRadians(deg);
            for (double tg : targetsDeg) {
                if (Math.abs(deg - tg) <= halfWidthDeg + EDGE_TOL_DEG) {
                    desired[t] = 1;
                    break;
                }
            }
        }
    }

    /**
     * Pattern with windows of half-width {@code halfWidthDeg} around {@code targetsDeg} on the
     * grid {@code startDeg + t·stepDeg}, t = 0 … points−1.
     *
     * @throws IllegalArgumentException for an empty target list, a negative half-width, a
     *     non-positive step or fewer than two grid points
     */
    public static DesiredBeampattern of(double[] targetsDeg, double halfWidthDeg, double startDeg, double stepDeg,
            int points) {
        if (targetsDeg.length == 0) {
            throw new IllegalArgumentException("desired beampattern needs at least one target");
        }
        if (!(halfWidthDeg >= 0) || !(stepDeg > 0) || points < 2) {
            throw new IllegalArgumentException("bad beampattern grid: half-width " + halfWidthDeg + "°, step "
                    + stepDeg + "°, " + points + " points");
        }
        double[] t = targetsDeg.clone();
        Arrays.sort(t);
        return new DesiredBeampattern(t, halfWidthDeg, startDeg, stepDeg, points);
    }

    /** Pattern on the default grid θ = −90°:1°:90°. */
    public static DesiredBeampattern of(double[] targetsDeg, double halfWidthDeg) {
        return of(targetsDeg, halfWidthDeg, -90, 1, 181);
    }

    /** The authors' setup: targets −60°, 0°, 60°, ±2° windows, grid −90°:1°:90°. */
    public static DesiredBeampattern authorsDefault() {
        return of(DEFAULT_TARGETS_DEG, AUTHORS_HALF_WIDTH_DEG);
    }

    /** Number of grid angles T. */
    public int points() {
        return gridRad.length;
    }

    /** Grid angle θ_t in radians. */
    public double angleRad(int t) {
        return gridRad[t];
    }

    /** Grid angle θ_t in degrees. */
    public double angleDeg(int t) {
        return gridStartDeg + t * gridStepDeg;
    }

    /** P_d(θ_t) ∈ {0, 1}. */
    public double desired(int t) {
        return desired[t];
    }

    /** Sorted target azimuths in degrees (a copy). */
    public double[] targetsDeg() {
        return targetsDeg.clone();
    }

    public double halfWidthDeg() {
        return halfWidthDeg;
    }

    public double gridStartDeg() {
        return gridStartDeg;
    }

    public double gridStepDeg() {
        return gridStepDeg;
    }

    /** True when this pattern has the same targets, half-width and grid as {@code o}. */
    public boolean sameAs(DesiredBeampattern o) {
        return Arrays.equals(targetsDeg, o.targetsDeg) && halfWidthDeg == o.halfWidthDeg
                && gridStartDeg == o.gridStartDeg && gridStepDeg == o.gridStepDeg && points() == o.points();
    }

    @Override
    public String toString() {
        return "DesiredBeampattern(targets " + Arrays.toString(targetsDeg) + "°, ±" + halfWidthDeg + "°, grid "
                + gridStartDeg + "°:" + gridStepDeg + "°:" + angleDeg(points() - 1) + "°)";
    }
}
