package org.isac.solver;

/**
 * Names, defaults and checks of the ISAC parameters that CSI reports carry in
 * {@code params} (issue 5 part 5), read the same way by every digital ISAC solver:
 * <ul>
 *   <li>{@value #FRAME_LENGTH}: L, snapshots per radar frame (seed 004 eq. (8)); default 30;</li>
 *   <li>{@value #DELTA_C}, {@value #DELTA_S}: weights δ_c, δ_s of sum rate and CRLB
 *       (seed 004 problem (11)); defaults 0.25 and 1;</li>
 *   <li>{@value #SENSING_STREAMS}: N_s dedicated radar streams, 0 … 3M (seed 004); default 3M;</li>
 *   <li>{@value #RADAR_NOISE_W}: σ_s², radar receiver noise power in W; default the mean user
 *       noise;</li>
 *   <li>{@value #PER_ANTENNA_POWER}: 1 = every antenna at P_t/N_t (seed 004 Remark 2,
 *       seed 002's set S), 0 = total power only; default: {@link Problem#perAntennaPower} or
 *       the solver's own default;</li>
 *   <li>{@value #DELTA}: δ of seed 002 (weight of the minimum sensing MI); default 1.</li>
 * </ul>
 * Each reader throws {@link IllegalArgumentException} naming the parameter when a value
 * is out of range. Allocation-free.
 */
public final class IsacParams {
    public static final String FRAME_LENGTH = "frame_length";
    public static final String DELTA_C = "delta_c";
    public static final String DELTA_S = "delta_s";
    public static final String SENSING_STREAMS = "sensing_streams";
    public static final String RADAR_NOISE_W = "radar_noise_w";
    public static final String PER_ANTENNA_POWER = "per_antenna_power";
    public static final String DELTA = "delta";

    public static final double DEFAULT_FRAME_LENGTH = 30;
    public static final double DEFAULT_DELTA_C = 0.25;
    public static final double DEFAULT_DELTA_S = 1;
    public static final double DEFAULT_DELTA = 1;

    private IsacParams() {
    }

    /** L &gt; 0. */
    public static double frameLength(Problem p) {
        double v = p.params.get(FRAME_LENGTH, DEFAULT_FRAME_LENGTH);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(FRAME_LENGTH + " must be finite and > 0, got " + v);
        }
        return v;
    }

    /** δ_c ≥ 0. */
    public static double deltaC(Problem p) {
        return nonNegative(p, DELTA_C, DEFAULT_DELTA_C);
    }

    /** δ_s ≥ 0. */
    public static double deltaS(Problem p) {
        return nonNegative(p, DELTA_S, DEFAULT_DELTA_S);
    }

    /** δ ≥ 0 (seed 002). */
    public static double delta(Problem p) {
        return nonNegative(p, DELTA, DEFAULT_DELTA);
    }

    /** N_s in 0 … 3M, default 3M, for M = {@code targets}. */
    public static int sensingStreams(Problem p, int targets) {
        double v = p.params.get(SENSING_STREAMS, 3 * targets);
        if (v != Math.rint(v) || v < 0 || v > 3 * targets) {
            throw new IllegalArgumentException(SENSING_STREAMS + " must be an integer in 0…3M = " + 3 * targets + ", got " + v);
        }
        return (int) v;
    }

    /** σ_s² &gt; 0 in W; default the mean of the K user noise powers. */
    public static double radarNoiseW(Problem p) {
        double v;
        if (p.params.has(RADAR_NOISE_W)) {
            v = p.params.get(RADAR_NOISE_W, 0);
        } else {
            int k = p.users();
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += p.noise[i];
            }
            v = k > 0 ? s / k : 0;
        }
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(RADAR_NOISE_W + " must be finite and > 0 W, got " + v);
        }
        return v;
    }

    /**
     * The per-antenna flag: the parameter when present (0 or 1), else
     * {@link Problem#perAntennaPower} or {@code solverDefault}.
     */
    public static boolean perAntennaPower(Problem p, boolean solverDefault) {
        if (!p.params.has(PER_ANTENNA_POWER)) {
            return p.perAntennaPower || solverDefault;
        }
        double v = p.params.get(PER_ANTENNA_POWER, 0);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException(PER_ANTENNA_POWER + " must be 0 or 1, got " + v);
        }
        return v == 1;
    }

    private static double nonNegative(Problem p, String name, double dflt) {
        double v = p.params.get(name, dflt);
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
        return v;
    }
}
