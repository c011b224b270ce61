package org.isac.solver.train;

import java.nio.file.Path;
import java.util.Locale;
import org.isac.solver.model.ModelFile;

/**
 * Trains the shipped maxmin-uao model (not a test: run with
 * {@code java -cp solvers/target/classes:solvers/target/test-classes org.isac.solver.train.ShipMaxMinModel [out [train val epochs [lr mu_lr]]]}).
 * Defaults: {@link MaxMinTrainer.Config#paper()} and
 * {@code solvers/src/main/resources/models/maxmin-uao.model}. Records the wall time in the file.
 */
public final class ShipMaxMinModel {
    private ShipMaxMinModel() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "solvers/src/main/resources/models/maxmin-uao.model");
        MaxMinTrainer.Config c = MaxMinTrainer.Config.paper();
        if (args.length > 3) {
            c = c.withSizes(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
        if (args.length > 5) {
            c = c.withRates(Double.parseDouble(args[4]), Double.parseDouble(args[5]));
        }
        long t0 = System.nanoTime();
        MaxMinTrainer.Result r = MaxMinTrainer.train(c, (epoch, step, total, loss, val) -> {
            if (!Double.isNaN(val)) {
                System.out.printf(Locale.ROOT, "epoch %d (%d/%d steps, %.0f s): validation mean h = %.4f nats%n", epoch, step, total,
                        (System.nanoTime() - t0) / 1e9, val);
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        ModelFile f = r.model().file();
        f.put("train_seconds", Math.rint(seconds * 10) / 10);
        f.put("train_machine", "2 vCPU AMD EPYC (Zen 3), one training thread, Temurin " + Runtime.version());
        f.write(out);
        System.out.printf(Locale.ROOT, "wrote %s after %.1f s; mu_c = %.4f, mu_s = %.4f%n", out, seconds, r.model().muC(), r.model().muS());
    }
}
