package org.isac.solver.nn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines one seed 003 model: the scenario it is trained for, the network,
 * the loss weights and the training schedule. Stored in the model file under
 * {@code config.*} so a model says how it was made.
 *
 * <p><b>Scenario choices the paper leaves open</b> (docs/REFERENCE-SETUPS.md, "Seed 003"):
 * <ul>
 *   <li>{@code kFactor}: the Rician κ of eq. (1) is not stated; we use κ = 1 (0 dB) by default.</li>
 *   <li>SNR normalisation: P_t = 1 W, σ² = 1e-3 W and 80–120 dB of path loss cannot give the
 *       paper's "SNR = 20 dB". We keep the relative large-scale gains of eq. (4) (distance and
 *       shadowing per user) but normalise every network instance so that its mean entry power
 *       is one, ‖H‖²_F = M·K (eq. (11) also assumes "the channel matrix is normalized",
 *       σ_h² = 1), and set σ² = P_t / 10^{snrDb/10}. So {@code snrDb} is the transmit SNR
 *       towards an average channel entry; the strongest users see more, cell-edge users
 *       far less.</li>
 *   <li>{@code radarSnrDb} (η_t) and {@code frameLength} (L) only scale the CRLBs of
 *       eqs. (5) and (22) and cancel in the loss (γ is computed with the same constants).</li>
 * </ul>
 *
 * <p><b>Loss weights</b> (eq. (25)): β̂ = β/α and γ̂ = γ/α with {@code alpha} (the paper:
 * "loosely chosen", 5 < α < 10) and δ = {@code fairnessWeight}. How β and γ are obtained is
 * described in the trainer (DnnTrainer, in the training package). {@code normaliseInLoss} =
 * false evaluates the loss on the raw network output Ŵ with the power penalty |P_t − ‖Ŵ‖²_F|,
 * as eq. (25) is written; true
 * applies the power scaling of eq. (21) inside the loss (the penalty is then zero).
 *
 * <p><b>Training</b>: the paper's values (Table 2) are batch 500, Adam lr 1e-3, dropout 0.1,
 * 10⁶ instances with a 95/5 train/validation split, trained "until the loss converges" on
 * V100 GPUs. The shipped models use far smaller data sets and few epochs (ShippedModels, in
 * the training package); the values actually used are recorded in each model file.
 *
 * <p><b>Residual anchor</b> ({@code anchor}; a departure from the paper, {@code "none"} by
 * default): with {@code "mrt"}, {@code "rzf"} or {@code "rzf-wf"} the network output is a
 * correction added to an anchor precoder of the input, W = √P_t·(W_a + Ŵ)/‖W_a + Ŵ‖_F, where
 * W_a is computed from the RMS-normalised channel (RZF with α = K·σ²/P_t) and scaled to
 * ‖W_a‖²_F = MK (unit RMS entry, the scale of the network's inputs). {@code "rzf-wf"}
 * (the shipped models) is column-normalised RZF with water-filling and user dropping, mixed
 * with target beams by two angles trained with the network ({@link PrecoderAnchor},
 * {@link DnnModel#anchorMix}); {@code "rzf-wf-heads"} adds K + 2 outputs that re-weight the
 * users' powers and offset those angles per instance ({@link AnchorHeads}; tried, not shipped,
 * see ShippedModels in the training package). W_a's channel-dependent parts are constants of
 * the loss (no gradient flows through them), and the output layer of an anchored network is initialised
 * near zero so training starts at the anchor. See {@link DnnPrecoder}.
 *
 * <p>Target angles: the paper trains on random angles in [−90°, 90°] at 1° resolution
 * ({@code randomAngles} = true) and evaluates at θ = −10°, 25° ({@code targetAnglesDeg}).
 */
public record DnnConfig(
        int antennas, int users, int targets, int rxAntennas,
        double rho, double powerW, double snrDb, double kFactor,
        double radarSnrDb, double frameLength,
        double[] targetAnglesDeg, boolean randomAngles,
        int hidden, int hiddenLayers, double dropout,
        double alpha, double fairnessWeight, String betaSolver, boolean normaliseInLoss,
        int trainSize, double validationFraction, int batch, double learningRate,
        int epochs, int patience, long seed, String anchor) {

    /** Anchor names: no anchor (the paper's network), MRT, RZF or water-filled RZF with target beams ({@link PrecoderAnchor}). */
    public static final String ANCHOR_NONE = "none";
    public static final String ANCHOR_MRT = "mrt";
    public static final String ANCHOR_RZF = "rzf";
    /** RZF with water-filling and user dropping, mixed with a sensing beam by a trained angle ({@link PrecoderAnchor}). */
    public static final String ANCHOR_RZF_WF = "rzf-wf";
    /**
     * As {@link #ANCHOR_RZF_WF}, and the network also steers the anchor per instance: K more
     * outputs re-weight the users' powers and two more offset the mixing angles
     * ({@link AnchorHeads}).
     */
    public static final String ANCHOR_RZF_WF_HEADS = "rzf-wf-heads";

    public DnnConfig {
        targetAnglesDeg = targetAnglesDeg.clone();
        if (antennas < 1 || users < 1 || targets < 1 || rxAntennas < 1) {
            throw new IllegalArgumentException("need M, K, T, R >= 1");
        }
        if (!(rho >= 0 && rho <= 1)) {
            throw new IllegalArgumentException("ρ must lie in [0, 1], got " + rho);
        }
        if (!(powerW > 0) || !(kFactor >= 0) || !(frameLength > 0) || !Double.isFinite(snrDb) || !Double.isFinite(radarSnrDb)) {
            throw new IllegalArgumentException("need P_t > 0, κ >= 0, L > 0 and finite SNRs");
        }
        if (targetAnglesDeg.length != targets) {
            throw new IllegalArgumentException("need " + targets + " target angles, got " + targetAnglesDeg.length);
        }
        if (hidden < 1 || hiddenLayers < 1 || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("need hidden width and depth >= 1 and 0 <= dropout < 1");
        }
        if (!(alpha > 0) || !(fairnessWeight >= 0)) {
            throw new IllegalArgumentException("need α > 0 and δ >= 0");
        }
        if (trainSize < 2 || !(validationFraction > 0 && validationFraction < 1) || batch < 1 || !(learningRate > 0)
                || epochs < 1 || patience < 1) {
            throw new IllegalArgumentException("need dataset >= 2, 0 < validation fraction < 1, batch, epochs, patience >= 1, lr > 0");
        }
        if (!ANCHOR_NONE.equals(anchor) && !ANCHOR_MRT.equals(anchor) && !ANCHOR_RZF.equals(anchor)
                && !ANCHOR_RZF_WF.equals(anchor) && !ANCHOR_RZF_WF_HEADS.equals(anchor)) {
            throw new IllegalArgumentException("anchor must be none, mrt, rzf, rzf-wf or rzf-wf-heads, got " + anchor);
        }
    }

    /** Seed 003's setup (docs/REFERENCE-SETUPS.md) and Table 2's training values, for M antennas and trade-off ρ. */
    public static DnnConfig paper(int antennas, double rho) {
        return new DnnConfig(antennas, 10, 2, 10, rho, 1.0, 20, 1.0, 20, 1,
                new double[] {-10, 25}, true, 128, 4, 0.1, 5, 1, "rzf", false,
                1_000_000, 0.05, 500, 1e-3, 100, 5, 3, ANCHOR_NONE);
    }

    public double[] targetAnglesDeg() {
        return targetAnglesDeg.clone();
    }

    /** σ² = P_t / 10^{snrDb/10} (see the class comment). */
    public double noiseW() {
        return powerW / Math.pow(10, snrDb / 10);
    }

    /** η_t, linear. */
    public double radarSnr() {
        return Math.pow(10, radarSnrDb / 10);
    }

    public int inputs() {
        return 2 * antennas * users + targets;
    }

    /** Network outputs: the 2MK reals of the precoder (correction), plus the anchor heads' K + 2 with {@link #ANCHOR_RZF_WF_HEADS}. */
    public int outputs() {
        return precoderOutputs() + (heads() ? users + 2 : 0);
    }

    /** The 2MK output reals that form the precoder (layout in {@link DnnPrecoder}). */
    public int precoderOutputs() {
        return 2 * antennas * users;
    }

    /** True when the network also outputs the anchor heads ({@link AnchorHeads}). */
    public boolean heads() {
        return ANCHOR_RZF_WF_HEADS.equals(anchor);
    }

    /** True for the anchors with a sensing part and trained mixing angles (rzf-wf, rzf-wf-heads). */
    public boolean sensingAnchor() {
        return ANCHOR_RZF_WF.equals(anchor) || ANCHOR_RZF_WF_HEADS.equals(anchor);
    }

    public DnnConfig withRho(double r) {
        return new DnnConfig(antennas, users, targets, rxAntennas, r, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, hidden, hiddenLayers, dropout, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, trainSize, validationFraction, batch, learningRate, epochs, patience, seed, anchor);
    }

    public DnnConfig withTraining(int size, int batchSize, double lr, int nEpochs, int pat) {
        return new DnnConfig(antennas, users, targets, rxAntennas, rho, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, hidden, hiddenLayers, dropout, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, size, validationFraction, batchSize, lr, nEpochs, pat, seed, anchor);
    }

    public DnnConfig withNetwork(int width, int depth, double drop) {
        return new DnnConfig(antennas, users, targets, rxAntennas, rho, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, width, depth, drop, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, trainSize, validationFraction, batch, learningRate, epochs, patience, seed, anchor);
    }

    public DnnConfig withLoss(double a, double delta, String beta, boolean normalise) {
        return new DnnConfig(antennas, users, targets, rxAntennas, rho, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, hidden, hiddenLayers, dropout, a, delta, beta,
                normalise, trainSize, validationFraction, batch, learningRate, epochs, patience, seed, anchor);
    }

    public DnnConfig withScenario(int users0, double snr, double kappa, boolean random, double... anglesDeg) {
        return new DnnConfig(antennas, users0, anglesDeg.length, rxAntennas, rho, powerW, snr, kappa, radarSnrDb, frameLength,
                anglesDeg, random, hidden, hiddenLayers, dropout, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, trainSize, validationFraction, batch, learningRate, epochs, patience, seed, anchor);
    }

    public DnnConfig withSeed(long s) {
        return new DnnConfig(antennas, users, targets, rxAntennas, rho, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, hidden, hiddenLayers, dropout, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, trainSize, validationFraction, batch, learningRate, epochs, patience, s, anchor);
    }

    /** A copy with residual anchor {@code a} ({@link #ANCHOR_NONE}, {@link #ANCHOR_MRT}, {@link #ANCHOR_RZF} or {@link #ANCHOR_RZF_WF}). */
    public DnnConfig withAnchor(String a) {
        return new DnnConfig(antennas, users, targets, rxAntennas, rho, powerW, snrDb, kFactor, radarSnrDb, frameLength,
                targetAnglesDeg, randomAngles, hidden, hiddenLayers, dropout, alpha, fairnessWeight, betaSolver,
                normaliseInLoss, trainSize, validationFraction, batch, learningRate, epochs, patience, seed, a);
    }

    public boolean anchored() {
        return !ANCHOR_NONE.equals(anchor);
    }

    /** The configuration as {@code name → text}, in declaration order (for model files). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("antennas", Integer.toString(antennas));
        m.put("users", Integer.toString(users));
        m.put("targets", Integer.toString(targets));
        m.put("rx_antennas", Integer.toString(rxAntennas));
        m.put("rho", Double.toString(rho));
        m.put("power_w", Double.toString(powerW));
        m.put("snr_db", Double.toString(snrDb));
        m.put("k_factor", Double.toString(kFactor));
        m.put("radar_snr_db", Double.toString(radarSnrDb));
        m.put("frame_length", Double.toString(frameLength));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < targetAnglesDeg.length; i++) {
            sb.append(i > 0 ? ", " : "").append(targetAnglesDeg[i]);
        }
        m.put("target_angles_deg", sb.toString());
        m.put("random_angles", Boolean.toString(randomAngles));
        m.put("hidden", Integer.toString(hidden));
        m.put("hidden_layers", Integer.toString(hiddenLayers));
        m.put("dropout", Double.toString(dropout));
        m.put("alpha", Double.toString(alpha));
        m.put("fairness_weight", Double.toString(fairnessWeight));
        m.put("beta_solver", betaSolver);
        m.put("normalise_in_loss", Boolean.toString(normaliseInLoss));
        m.put("train_size", Integer.toString(trainSize));
        m.put("validation_fraction", Double.toString(validationFraction));
        m.put("batch", Integer.toString(batch));
        m.put("learning_rate", Double.toString(learningRate));
        m.put("epochs", Integer.toString(epochs));
        m.put("patience", Integer.toString(patience));
        m.put("seed", Long.toString(seed));
        m.put("anchor", anchor);
        return m;
    }

    /** Inverse of {@link #toMap}; names the missing or malformed key. */
    public static DnnConfig fromMap(Map<String, String> m, String source) {
        try {
            String[] a = get(m, "target_angles_deg", source).split(",");
            double[] angles = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                angles[i] = Double.parseDouble(a[i].trim());
            }
            return new DnnConfig(
                    Integer.parseInt(get(m, "antennas", source)), Integer.parseInt(get(m, "users", source)),
                    Integer.parseInt(get(m, "targets", source)), Integer.parseInt(get(m, "rx_antennas", source)),
                    Double.parseDouble(get(m, "rho", source)), Double.parseDouble(get(m, "power_w", source)),
                    Double.parseDouble(get(m, "snr_db", source)), Double.parseDouble(get(m, "k_factor", source)),
                    Double.parseDouble(get(m, "radar_snr_db", source)), Double.parseDouble(get(m, "frame_length", source)),
                    angles, bool(get(m, "random_angles", source)),
                    Integer.parseInt(get(m, "hidden", source)), Integer.parseInt(get(m, "hidden_layers", source)),
                    Double.parseDouble(get(m, "dropout", source)), Double.parseDouble(get(m, "alpha", source)),
                    Double.parseDouble(get(m, "fairness_weight", source)), get(m, "beta_solver", source),
                    bool(get(m, "normalise_in_loss", source)),
                    Integer.parseInt(get(m, "train_size", source)), Double.parseDouble(get(m, "validation_fraction", source)),
                    Integer.parseInt(get(m, "batch", source)), Double.parseDouble(get(m, "learning_rate", source)),
                    Integer.parseInt(get(m, "epochs", source)), Integer.parseInt(get(m, "patience", source)),
                    Long.parseLong(get(m, "seed", source)), m.getOrDefault("anchor", ANCHOR_NONE));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": malformed configuration value: " + e.getMessage(), e);
        }
    }

    private static String get(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing configuration key '" + key + "'");
        }
        return v;
    }

    private static boolean bool(String s) {
        if (!s.equals("true") && !s.equals("false")) {
            throw new NumberFormatException("not a boolean: " + s);
        }
        return s.equals("true");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnnConfig c && toMap().equals(c.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DnnConfig%s", toMap());
    }
}
