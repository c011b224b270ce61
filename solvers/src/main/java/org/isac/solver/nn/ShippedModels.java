package org.isac.solver.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

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
 * {@link #TRAIN_SIZE} instances at M = 10 and {@link #TRAIN_SIZE_M20} at M = 20 (5 % of them
 * for validation) for at most {@link #EPOCHS}
 * epochs with batch {@link #BATCH} (smaller than 500 to get more Adam steps from little
 * data), lr 1e-3, dropout 0.1, early-stopping patience {@link #PATIENCE}, and the loss is
 * evaluated after the power scaling of eq. (21) ({@link DnnConfig#normaliseInLoss}; with the
 * penalty form of eq. (25) the short runs stalled at a much lower sum rate). The models are
 * therefore far from converged; their model files record all of this. Measured: the whole
 * set trained in 825 s (13.7 min) on the shared 2-core development machine; early stopping
 * ended 13 of the 22 runs before the epoch limit.
 *
 * <p>Usage: {@code ShippedModels [outputDir] [M…]} (default: the resources folder, both M).
 */
public final class ShippedModels {
    /** Instances per model for M = 10; M = 20 uses {@link #TRAIN_SIZE_M20} (its epochs cost twice as much). */
    public static final int TRAIN_SIZE = 20_000;
    public static final int TRAIN_SIZE_M20 = 12_000;
    public static final int EPOCHS = 20;
    public static final int BATCH = 64;
    public static final int PATIENCE = 3;
    /** ρ grid of the paper, in the order trained (ends first, so a partial run is useful). */
    public static final double[] RHOS = {0, 0.5, 1, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9};
    public static final int[] ANTENNAS = {10, 20};

    private ShippedModels() {
    }

    /** The configuration a shipped model is trained with (seed fixed per M and ρ). */
    public static DnnConfig config(int antennas, double rho) {
        long seed = 1000L * antennas + Math.round(rho * 10);
        return DnnConfig.paper(antennas, rho)
                .withLoss(5, 1, "rzf", true)
                .withTraining(antennas >= 20 ? TRAIN_SIZE_M20 : TRAIN_SIZE, BATCH, 1e-3, EPOCHS, PATIENCE)
                .withSeed(seed);
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "solvers/src/main/resources/models/dnn");
        List<Integer> ms = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ms.add(Integer.parseInt(args[i]));
        }
        if (ms.isEmpty()) {
            for (int m : ANTENNAS) {
                ms.add(m);
            }
        }
        long t0 = System.nanoTime();
        for (double rho : RHOS) {
            for (int m : ms) {
                DnnConfig c = config(m, rho);
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
