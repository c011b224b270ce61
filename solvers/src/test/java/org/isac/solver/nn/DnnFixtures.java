package org.isac.solver.nn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Models and model sources for tests of the {@code dnn-isac} solver and its studies. */
public final class DnnFixtures {
    private DnnFixtures() {
    }

    /** A paper-shaped model (M antennas, trade-off ρ) with random float-rounded weights. */
    public static DnnModel randomModel(int m, double rho, long seed) {
        DnnConfig c = DnnConfig.paper(m, rho);
        Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(seed));
        net.roundToFloat();
        return new DnnModel(c, net, 1 / 30.0, 1e-3, 32, 0, null, Map.of("note", "random weights", "epochs_run", "0"));
    }

    /** Serves two random models (M = 10, K = 10, T = 2, ρ ∈ {0.2, 0.5}) and counts loads. */
    public static final class FakeSource implements DnnIsacSolver.ModelSource {
        public final Map<String, DnnModel> models = new HashMap<>();
        public int loads;

        public FakeSource() {
            models.put(DnnIsacSolver.resourceName(10, 10, 2, 0.2), randomModel(10, 0.2, 61));
            models.put(DnnIsacSolver.resourceName(10, 10, 2, 0.5), randomModel(10, 0.5, 62));
        }

        @Override
        public DnnModel load(int m, int k, int t, double rho) {
            loads++;
            return models.get(DnnIsacSolver.resourceName(m, k, t, rho));
        }

        @Override
        public List<String> available() {
            return List.copyOf(models.keySet());
        }
    }
}
