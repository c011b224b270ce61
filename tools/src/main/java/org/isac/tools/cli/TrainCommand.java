package org.isac.tools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.isac.solver.train.HybridUpgaTraining;
import org.isac.solver.train.MaxMinTrainer;
import org.isac.solver.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains the step sizes of the unfolded solvers; each shipped model is one of these commands. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model offline and write its versioned model file.",
        subcommands = {TrainCommand.Hybrid.class, TrainCommand.HybridWb.class, TrainCommand.MaxMin.class, TrainCommand.Dnn.class})
public final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** N, K, M and ω of a hybrid model, the same options for {@code hybrid} and {@code hybrid-wb}. */
    static final class HybridShape {
        @Option(names = "--n", defaultValue = "64", description = "antennas (default: ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--k", defaultValue = "4", description = "users (default: ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--m", defaultValue = "4", description = "RF chains (default: ${DEFAULT-VALUE})")
        int m;

        @Option(names = "--omega", defaultValue = "0.3", description = "weight of tau in R - omega*tau (default: ${DEFAULT-VALUE})")
        double omega;
    }

    /** Seed 000: per-layer steps μ(i, j), λ(i) of the unfolded PGA (hybrid-upga). */
    @Command(name = "hybrid", mixinStandardHelpOptions = true,
            description = {"Learn the unfolded PGA steps of hybrid-upga (seed 000, loss eq. 25) with Adam on seeded",
                    "Saleh-Valenzuela channels at a random SNR in 0-12 dB; targets at -60, 0, 60 degrees.",
                    "The shipped models: --n 32|64 --k 4 --m 4 --omega 0.3, and --n 64 --omega 0."})
    public static final class Hybrid implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HybridShape shape;

        @Option(names = "--seed", defaultValue = "1", description = "dataset and initialisation seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--epochs", defaultValue = "30", description = "(default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch", defaultValue = "32", description = "(default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--outer", defaultValue = "10", description = "outer layers I (default: ${DEFAULT-VALUE})")
        int outer;

        @Option(names = "--inner", defaultValue = "10", description = "inner F steps J per layer (default: ${DEFAULT-VALUE})")
        int inner;

        @Option(names = "--out", paramLabel = "FILE", description = "model file (default: <name>.model in the current folder)")
        Path out;

        @Override
        public Integer call() throws Exception {
            int n = shape.n, k = shape.k, m = shape.m;
            double omega = shape.omega;
            String name = HybridUpgaTraining.defaultName(n, k, m, omega) + (inner == 10 && outer == 10 ? ""
                    : "-i" + outer + "-j" + inner);
            Path file = out != null ? out : Path.of(name + ".model");
            createParent(file);
            HybridUpgaTraining.Config c = HybridUpgaTraining.Config.of(n, k, m, omega, seed, epochs, batch)
                    .withLayers(outer, inner).withName(name);
            String command = String.format(java.util.Locale.ROOT,
                    "isac train hybrid --n %d --k %d --m %d --omega %s --seed %d --epochs %d --batch %d --outer %d --inner %d",
                    n, k, m, omega, seed, epochs, batch, outer, inner);
            HybridUpgaTraining.train(c, p -> System.err.println(p.line()))
                    .withInfo(java.util.Map.of("training.command", command)).write(file);
            System.err.println("wrote " + file);
            return 0;
        }
    }

    /** The wideband unfolded PGA (hybrid-upga-wb): seed 000's recipe on the band-averaged objective. */
    @Command(name = "hybrid-wb", mixinStandardHelpOptions = true,
            description = {"Learn the per-layer steps of hybrid-upga-wb: one shared F and one W per subband, loss",
                    "omega*tau_avg - mean_s R_s, by Adam with reverse mode through the unrolled wideband layers, on seeded",
                    "wideband Saleh-Valenzuela channels (28 GHz, 800 MHz, tau_max 20 ns, no squint) at 0-12 dB; starts from",
                    "the shipped narrowband model's steps. The shipped model: the defaults (about 3 min on one core)."})
    public static final class HybridWb implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HybridShape shape;

        @Option(names = "--subbands", defaultValue = "8", description = "S of the training channels (default: ${DEFAULT-VALUE})")
        int subbands;

        @Option(names = "--seed", defaultValue = "1", description = "dataset and shuffle seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--epochs", defaultValue = "16", description = "(default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch", defaultValue = "16", description = "(default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--train", defaultValue = "128", description = "training channels (default: ${DEFAULT-VALUE})")
        int train;

        @Option(names = "--validation", defaultValue = "32", description = "validation channels (default: ${DEFAULT-VALUE})")
        int validation;

        @Option(names = "--lr", defaultValue = "0.05", description = "Adam rate on the log-steps (default: ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--out", paramLabel = "FILE", description = "model file (default: <name>.model in the current folder)")
        Path out;

        @Override
        public Integer call() throws Exception {
            int n = shape.n, k = shape.k, m = shape.m;
            double omega = shape.omega;
            String name = org.isac.solver.train.WidebandUpgaTraining.defaultName(n, k, m, omega);
            Path file = out != null ? out : Path.of(name + ".model");
            createParent(file);
            org.isac.solver.train.WidebandUpgaTraining.Config c = org.isac.solver.train.WidebandUpgaTraining.Config
                    .of(n, k, m, omega, seed, epochs, batch).withSubbands(subbands).withSamples(train, validation)
                    .withLearningRate(lr);
            String command = String.format(Locale.ROOT,
                    "isac train hybrid-wb --n %d --k %d --m %d --omega %s --subbands %d --seed %d --epochs %d --batch %d --train %d"
                            + " --validation %d --lr %s", n, k, m, omega, subbands, seed, epochs, batch, train, validation, lr);
            org.isac.solver.train.WidebandUpgaTraining.train(c, p -> {
                if (!p.phase().equals("train") || p.step() % 8 == 0) {
                    System.err.println(p.line());
                }
            }).withInfo(java.util.Map.of("training.command", command)).write(file);
            System.err.println("wrote " + file);
            return 0;
        }
    }

    /** Seed 002: learned steps and smoothing of maxmin-uao. */
    @Command(name = "maxmin", mixinStandardHelpOptions = true,
            description = "Learn the unfolded max-min AO of maxmin-uao (seed 002, loss eq. 19) with the paper's recipe.")
    public static final class MaxMin implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "FILE", defaultValue = "maxmin-uao.model", description = "(default: ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() throws Exception {
            createParent(out);
            long t0 = System.nanoTime();
            MaxMinTrainer.Result r = MaxMinTrainer.train(MaxMinTrainer.Config.paper(), (epoch, step, total, loss, val) -> {
                if (!Double.isNaN(val)) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.err.printf(Locale.ROOT, "epoch %d (%d/%d steps, %.0f s, ETA %.0f s): validation mean h = %.4f nats%n",
                            epoch, step, total, s, step == 0 ? Double.NaN : s * (total - step) / step, val);
                }
            });
            ModelFile f = r.model().file();
            f.put("train_seconds", Math.rint((System.nanoTime() - t0) / 1e8) / 10);
            f.write(out);
            System.err.println("wrote " + out + " (best epoch " + r.bestEpoch() + ")");
            return 0;
        }
    }

    /** Seed 003: the shipped dnn-isac models (one per ρ and M), with their fixed seeds. */
    @Command(name = "dnn", mixinStandardHelpOptions = true,
            description = {"Train the shipped dnn-isac models (seed 003, loss eq. 25): rho = 0, 0.1, ..., 1 for",
                    "M = 10 and 20, K = 10, T = 2, each with its fixed seed (ShippedModels); writes the model files",
                    "and index.txt under --out (--m, --rho, --anchor train other sets for comparison). One thread; the whole",
                    "shipped set takes about 6 min on a 2-core VM."})
    public static final class Dnn implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "solvers/src/main/resources/models/dnn",
                description = "(default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--m", paramLabel = "M", split = ",", description = "only these antenna counts (default: 10,20)")
        int[] antennas;

        @Option(names = "--rho", paramLabel = "RHO", split = ",", description = "only these trade-offs (default: 0,0.1,...,1)")
        double[] rhos;

        @Option(names = "--anchor", paramLabel = "NAME", defaultValue = "rzf-wf",
                description = "residual anchor: rzf-wf (shipped), rzf-wf-heads (the network also re-weights the users' powers "
                        + "and offsets the mixing angles), rzf, mrt or none (the paper's plain network) (default: ${DEFAULT-VALUE})")
        String anchor;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(out);
            org.isac.solver.train.nn.ShippedModels.train(out, antennas == null ? new int[0] : antennas,
                    rhos == null ? org.isac.solver.train.nn.ShippedModels.RHOS : rhos, anchor);
            return 0;
        }
    }

    static void createParent(Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
