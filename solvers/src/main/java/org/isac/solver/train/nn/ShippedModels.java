package org.isac.solver.train.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.isac.solver.nn.AnchorHeads;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnIsacSolver;
import org.isac.solver.nn.DnnModel;
import org.isac.solver.nn.PrecoderAnchor;

/**
 * The one entry point that (re)trains every shipped {@value DnnIsacSolver#NAME} model:
 * ρ ∈ {0, 0.1, …, 1} for M = 10 and M = 20, K = 10, T = 2, written to
 * {@code solvers/src/main/resources/models/dnn/} with the index {@value DnnIsacSolver#INDEX}.
 * Deterministic: every model's seed is fixed ({@link #config}), training is single-threaded.
 *
 * <p><b>What the paper used vs what we use.</b> Paper (Sec. V-A, Table 2): 10⁶ training
 * instances (95 % train / 5 % validation), batch 500, Adam lr 1e-3, dropout 0.1, trained
 * until the loss converged, on V100 GPUs; test set 10⁵ instances. Here the whole set of 22
 * models must train in about 20 minutes on a shared 2-core CPU, so each model sees
 * {@link #TRAIN_SIZE} instances (5 % of them for validation) for at most {@link #EPOCHS}
 * epochs with batch {@link #BATCH}, lr 1e-3, dropout 0.1, early-stopping patience
 * {@link #PATIENCE}, and the loss is evaluated after the power scaling of eq. (21)
 * ({@link DnnConfig#normaliseInLoss}).
 *
 * <p><b>Departure from the paper: residual anchor</b> ({@link DnnConfig#anchor()} =
 * {@code rzf-wf}, {@link PrecoderAnchor}). With the paper's plain network (the output is the
 * precoder) this budget does not get anywhere: ≈ 7 bits/s/Hz (M = 10) and ≈ 4 (M = 20) at
 * ρ = 1. An earlier shipped set learnt a correction to the RZF solver's precoder and stayed at
 * RZF (22.5 / 31.9 bits/s/Hz at ρ = 1, ≈ 1.3 at ρ ≤ 0.1 with the sum CRLB within 0.5 dB of
 * RZF's): the RZF solver gives most of the power to the weakest users, and the network did not
 * learn to steer at the input angles. The shipped models now add their correction to
 * W_a = cos φ₁·W_c + sin φ₁·(cos φ₂·S + sin φ₂·S_⊥): water-filled column-normalised RZF,
 * target beams, and target beams in the null space of the served users; φ₁, φ₂ start at the
 * best point of an 11 × 11 grid on the anchor alone and are trained with Adam (lr 1e-2) with
 * the network. β = 1 / RZF sum rate and γ = Σψ̃ of the equal-split sensing covariance on 500
 * training instances ({@link DnnTrainer}); α = 5, δ = 1 (δ = 0.2 measured within 0.1 bits/s/Hz
 * at ρ = 0.5, M = 10).
 * Measured on the shared 2-core development machine, one thread: the 22 models took 5.6 min
 * (`isac train dnn`). On 500 held-out channels (θ = −10°, 25°, `isac reproduce dnn --instances
 * 500 --seed 2026`): ρ = 1 serves 31.63 bits/s/Hz at M = 10 and 44.61 at M = 20 (WMMSE 32.26
 * and 43.05, RZF 22.10 and 31.57); ρ ≤ 0.4 serve sensing beams (sum CRLB −55.8 dB at M = 10,
 * −58.8 dB at M = 20, against −51.2 / −54.2 dB for RZF); ρ ≥ 0.6 at M = 20 reach WMMSE's sum
 * rate with a 1.1–1.5 dB lower sum CRLB. The network's correction is small (≤ 0.25 bits/s/Hz).
 *
 * <p><b>Tried and not shipped: anchor heads</b> ({@link DnnConfig#ANCHOR_RZF_WF_HEADS},
 * {@code isac train dnn --anchor rzf-wf-heads}): K + 2 more outputs re-weight the users' powers
 * and offset the mixing angles per instance ({@link AnchorHeads}). Optimising those K + 2 values
 * per instance directly (no network, 300 Adam steps on eq. (25), 60 held-out channels) shows
 * what they can reach: +0.19 bits/s/Hz at ρ = 1, M = 10, and at M = 20 intermediate designs the
 * fixed angles never give (ρ = 0.4: 25.9 bits/s/Hz at −57.8 dB instead of 4.5 at −58.7 dB). In
 * this training budget the network does not learn them: on the 500 held-out channels the heads
 * models end within 0.15 bits/s/Hz of their anchors at every ρ tried (M = 10: ρ = 0.4, 0.5, 1;
 * M = 20: ρ = 0.3, 0.4, 0.5, 1; also with dropout 0 and lr 3e-4), and their validation
 * objective stops improving after one or two epochs at ρ ≥ 0.5.
 *
 * <p>Usage: {@code ShippedModels [outputDir] [M…]} (default: the resources folder, both M).
 */
public final class ShippedModels {
    /** Instances per model (both M). */
    public static final int TRAIN_SIZE = 16_000;
    public static final int EPOCHS = 6;
    public static final int BATCH = 64;
    public static final int PATIENCE = 3;
    /** ρ grid of the paper, in the order trained (ends first, so a partial run is useful). */
    public static final double[] RHOS = {0, 0.5, 1, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9};
    public static final int[] ANTENNAS = {10, 20};

    private ShippedModels() {
    }

    /** The configuration a shipped model is trained with (seed fixed per M and ρ). */
    public static DnnConfig config(int antennas, double rho) {
        return config(antennas, rho, DnnConfig.ANCHOR_RZF_WF);
    }

    /** As {@link #config(int, double)} with another residual anchor (for comparisons; the shipped set uses rzf-wf). */
    public static DnnConfig config(int antennas, double rho, String anchor) {
        long seed = 1000L * antennas + Math.round(rho * 10);
        return DnnConfig.paper(antennas, rho)
                .withLoss(5, 1, "rzf", true)
                .withTraining(TRAIN_SIZE, BATCH, 1e-3, EPOCHS, PATIENCE)
                .withAnchor(anchor)
                .withSeed(seed);
    }

    /**
     * Trains the models for antenna counts {@code antennas} (empty: {@link #ANTENNAS}) and
     * trade-offs {@code rhos} with residual anchor {@code anchor}, writing them and the index
     * under {@code out}; progress on standard output.
     */
    public static void train(Path out, int[] antennas, double[] rhos, String anchor) throws IOException {
        int[] ms = antennas.length == 0 ? ANTENNAS : antennas;
        long t0 = System.nanoTime();
        for (double rho : rhos) {
            for (int m : ms) {
                DnnConfig c = config(m, rho, anchor);
                long t1 = System.nanoTime();
                DnnModel model = DnnTrainer.train(c, p -> System.out.println(String.format(Locale.ROOT, "M=%d ρ=%.1f  ", m, rho) + p));
                String name = DnnIsacSolver.resourceName(m, c.users(), c.targets(), rho);
                Path file = out.resolve(name.substring(DnnIsacSolver.RESOURCE_ROOT.length()));
                model.write(file);
                updateIndex(out, name);
                System.out.printf(Locale.ROOT, "wrote %s  (%.1f s; total %.1f s)%n", file, (System.nanoTime() - t1) / 1e9,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static void updateIndex(Path out, String name) throws IOException {
        Path index = out.resolve("index.txt");
        TreeSet<String> names = new TreeSet<>();
        if (Files.exists(index)) {
            for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.strip());
                }
            }
        }
        names.add(name);
        List<String> lines = new ArrayList<>();
        lines.add("# dnn-isac models on the class path; written by " + ShippedModels.class.getName());
        lines.addAll(names);
        Files.write(index, lines, StandardCharsets.UTF_8);
    }
}
