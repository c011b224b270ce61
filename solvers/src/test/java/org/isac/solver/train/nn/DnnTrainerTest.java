package org.isac.solver.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.isac.solver.TestData;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.metric.Metrics;
import org.isac.solver.nn.DnnConfig;
import org.isac.solver.nn.DnnModel;
import org.isac.solver.nn.DnnPrecoder;
import org.isac.solver.nn.Mlp;
import org.isac.solver.nn.PrecoderAnchor;
import org.isac.solver.nn.Seed003Dataset;
import org.isac.solver.nn.Seed003Sensing;
import org.junit.jupiter.api.Test;

class DnnTrainerTest {
    private static final double FD_STEP = 1e-6;
    /** Central differences with h = 1e-6 on smooth losses (measured agreement ≲ 1e-7): relative agreement to this. */
    private static final double GRAD_REL_TOL = 1e-6;
    private static final double GRAD_ABS_TOL = 1e-9;

    static DnnConfig small(double rho, boolean normalise) {
        return DnnConfig.paper(4, rho)
                .withScenario(3, 10, 1.0, true, -10, 25)
                .withLoss(5, 0.7, "rzf", normalise)
                .withNetwork(6, 2, 0.2)
                .withTraining(40, 4, 1e-3, 3, 2);
    }

    @Test
    void lossMatchesMetricOracles() {
        DnnConfig c = small(0.35, false);
        SplittableRandom rng = new SplittableRandom(41);
        CMatrix h = TestData.gaussian(rng, 4, 3), x = TestData.gaussian(rng, 4, 3);
        double[] th = {-0.2, 0.7};
        double beta = 0.07, gamma = 2e-3;
        IsacLoss loss = new IsacLoss(c, beta, gamma);
        IsacLoss.Stats st = new IsacLoss.Stats();
        double l = loss.evaluate(h.re, h.im, th, x.re, x.im, null, null, 1, st);
        double[] noise = {c.noiseW(), c.noiseW(), c.noiseW()};
        double rate = Metrics.sumRateBits(h, x, noise, new double[3]);
        Seed003Sensing sens = new Seed003Sensing(4, 10, c.radarSnr(), c.frameLength());
        double p1 = sens.crlbApprox(x, th[0]), p2 = sens.crlbApprox(x, th[1]);
        double fair = (p1 + p2) * (p1 + p2) / (2 * (p1 * p1 + p2 * p2));
        double want = -0.35 * beta / 5 * rate - 0.65 * gamma / 5 / (p1 + p2) + Math.abs(1 - x.frobeniusNorm2())
                + 0.7 * 0.65 * (1 - fair);
        assertEquals(rate, st.sumRate, 1e-10);
        assertEquals(p1 + p2, st.sumPsiApprox, 1e-12 * (p1 + p2));
        assertEquals(fair, st.fairness, 1e-12);
        assertEquals(want, l, 1e-10);
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(42);
        for (boolean normalise : new boolean[] {false, true}) {
            for (double rho : new double[] {0, 0.4, 1}) {
                DnnConfig c = small(rho, normalise);
                IsacLoss loss = new IsacLoss(c, 0.05, 5e-3);
                CMatrix h = TestData.gaussian(rng, 4, 3), x = TestData.gaussian(rng, 4, 3);
                x.scale(0.3 + rng.nextDouble()); // keep ‖Ŵ‖² away from P_t, where |·| has a kink
                if (Math.abs(x.frobeniusNorm2() - 1) < 0.2) {
                    x.scale(2);
                }
                double[] th = {-0.4, 0.9};
                double[] gr = new double[12], gi = new double[12];
                loss.evaluate(h.re, h.im, th, x.re, x.im, gr, gi, 1, null);
                for (int i = 0; i < 12; i++) {
                    for (int part = 0; part < 2; part++) {
                        double[] v = part == 0 ? x.re : x.im;
                        double old = v[i];
                        v[i] = old + FD_STEP;
                        double up = loss.evaluate(h.re, h.im, th, x.re, x.im, null, null, 1, null);
                        v[i] = old - FD_STEP;
                        double dn = loss.evaluate(h.re, h.im, th, x.re, x.im, null, null, 1, null);
                        v[i] = old;
                        double fd = (up - dn) / (2 * FD_STEP);
                        double an = part == 0 ? gr[i] : gi[i];
                        assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd),
                                "ρ=" + rho + " normalise=" + normalise + " entry " + i + (part == 0 ? " re" : " im"));
                    }
                }
            }
        }
    }

    @Test
    void backpropMatchesFiniteDifferencesWithDropout() {
        for (boolean normalise : new boolean[] {false, true}) {
            DnnConfig c = small(0.6, normalise);
            Seed003Dataset d = Seed003Dataset.generate(c, 8, 43, true);
            Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(44));
            DnnTrainer tr = new DnnTrainer(c, net, d, 0.05, 5e-3);
            int[] idx = {3, 1, 6, 0};
            long maskSeed = 45;
            SplittableRandom pick = new SplittableRandom(46);
            int checked = 0;
            for (int l = 0; l < net.layers(); l++) {
                for (int trial = 0; trial < 12; trial++) {
                    boolean bias = trial % 4 == 0;
                    int i = pick.nextInt(net.width(l)), j = pick.nextInt(net.width(l + 1));
                    double[] arr = bias ? net.biases(l) : net.weights(l)[i];
                    tr.batchGradient(idx, 0, 4, maskSeed); // gw/gb at the unperturbed weights
                    double an = bias ? tr.gb[l][j] : tr.gw[l][i][j];
                    double fd = centralDifference(tr, idx, maskSeed, arr, j);
                    assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd),
                            "layer " + l + (bias ? " bias " : " weight " + i + ",") + j + " normalise=" + normalise);
                    checked++;
                }
            }
            assertEquals(36, checked);
        }
    }

    @Test
    void backpropMatchesFiniteDifferencesWithAnchor() {
        for (String anchor : new String[] {DnnConfig.ANCHOR_MRT, DnnConfig.ANCHOR_RZF, DnnConfig.ANCHOR_RZF_WF,
                DnnConfig.ANCHOR_RZF_WF_HEADS}) {
            for (boolean normalise : new boolean[] {false, true}) {
                DnnConfig c = small(0.6, normalise).withAnchor(anchor);
                Seed003Dataset d = Seed003Dataset.generate(c, 8, 47, true);
                Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(48));
                net.scaleOutputLayer(0.3);
                DnnTrainer tr = new DnnTrainer(c, net, d, 0.05, 5e-3);
                int[] idx = {2, 5, 7, 0};
                long maskSeed = 49;
                SplittableRandom pick = new SplittableRandom(50);
                for (int l = 0; l < net.layers(); l++) {
                    for (int trial = 0; trial < 8; trial++) {
                        boolean bias = trial % 4 == 0;
                        int i = pick.nextInt(net.width(l)), j = pick.nextInt(net.width(l + 1));
                        double[] arr = bias ? net.biases(l) : net.weights(l)[i];
                        tr.batchGradient(idx, 0, 4, maskSeed);
                        double an = bias ? tr.gb[l][j] : tr.gw[l][i][j];
                        double fd = centralDifference(tr, idx, maskSeed, arr, j);
                        assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd),
                                anchor + " layer " + l + (bias ? " bias " : " weight " + i + ",") + j + " normalise=" + normalise);
                    }
                }
            }
        }
    }

    @Test
    void anchorHeadsGradientMatchesFiniteDifferences() {
        for (boolean normalise : new boolean[] {false, true}) {
            for (double rho : new double[] {0.2, 0.7}) {
                DnnConfig c = small(rho, normalise).withAnchor(DnnConfig.ANCHOR_RZF_WF_HEADS);
                Seed003Dataset d = Seed003Dataset.generate(c, 8, 57, true);
                Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(58));
                net.scaleOutputLayer(0.3);
                int last = net.layers() - 1, pOut = c.precoderOutputs();
                assertEquals(pOut + c.users() + 2, net.width(last + 1));
                // head outputs well away from zero, so the tanh bound and the angle offsets matter
                SplittableRandom r = new SplittableRandom(59);
                for (int j = pOut; j < net.width(last + 1); j++) {
                    net.biases(last)[j] = 2 * r.nextDouble() - 1 + (j < pOut + c.users() ? 2 * (r.nextDouble() - 0.5) : 0);
                }
                DnnTrainer tr = new DnnTrainer(c, net, d, 0.05, 5e-3);
                tr.phi[0] = 0.5;
                tr.phi[1] = 0.8;
                int[] idx = {1, 4, 6, 3};
                double[] arr = net.biases(last);
                for (int j = pOut; j < net.width(last + 1); j++) { // every head unit: its bias gradient is ∂L/∂(head)
                    tr.batchGradient(idx, 0, 4, 60);
                    double an = tr.gb[last][j];
                    double fd = centralDifference(tr, idx, 60, arr, j);
                    assertTrue(Math.abs(fd) > 1e-7, "head " + (j - pOut) + " moves the loss");
                    assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd),
                            "head " + (j - pOut) + " ρ=" + rho + " normalise=" + normalise);
                }
                for (int a = 0; a < 2; a++) { // the global angles still train
                    tr.batchGradient(idx, 0, 4, 60);
                    double an = tr.gPhi[a];
                    double fd = centralDifference(tr, idx, 60, tr.phi, a);
                    assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd), "φ" + (a + 1) + " with heads");
                }
            }
        }
    }

    @Test
    void anchorMixingAnglesGradientMatchesFiniteDifferences() {
        for (boolean normalise : new boolean[] {false, true}) {
            for (double rho : new double[] {0.2, 0.7}) {
                DnnConfig c = small(rho, normalise).withAnchor(DnnConfig.ANCHOR_RZF_WF);
                Seed003Dataset d = Seed003Dataset.generate(c, 8, 53, true);
                Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(54));
                net.scaleOutputLayer(0.3);
                DnnTrainer tr = new DnnTrainer(c, net, d, 0.05, 5e-3);
                tr.phi[0] = 0.6;
                tr.phi[1] = 0.9;
                int[] idx = {1, 4, 6, 3};
                for (int a = 0; a < 2; a++) {
                    tr.batchGradient(idx, 0, 4, 55);
                    double an = tr.gPhi[a];
                    double fd = centralDifference(tr, idx, 55, tr.phi, a);
                    assertTrue(Math.abs(fd) > 1e-6, "φ" + (a + 1) + " moves the loss");
                    assertEquals(fd, an, GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(fd),
                            "φ" + (a + 1) + " ρ=" + rho + " normalise=" + normalise);
                }
            }
        }
    }

    @Test
    void waterFilledAnchorServesUsersAndItsNullSpaceSensingPartDisturbsNone() {
        DnnConfig c = DnnConfig.paper(8, 0.5).withScenario(4, 20, 1.0, true, -10, 25).withAnchor(DnnConfig.ANCHOR_RZF_WF);
        Seed003Dataset d = Seed003Dataset.generate(c, 20, 56, true);
        PrecoderAnchor pa = new PrecoderAnchor(c);
        int mk = 32;
        double[] wc = new double[2 * mk], ws = new double[2 * mk], wp = new double[2 * mk];
        int nullColumns = 0;
        for (int s = 0; s < d.size(); s++) {
            double[] u = d.inputs[s];
            pa.compute(u, wc);
            pa.sensing(u, wc, ws, wp);
            double pc = 0, ps = 0;
            for (int i = 0; i < 2 * mk; i++) {
                pc += wc[i] * wc[i];
                ps += ws[i] * ws[i];
            }
            assertEquals(mk, pc, 1e-9, "‖W_c‖² = MK");
            assertEquals(mk, ps, 1e-9, "‖S‖² = MK");
            for (int j = 0; j < 4; j++) {
                double pj = 0;
                for (int m = 0; m < 8; m++) {
                    pj += wp[m * 4 + j] * wp[m * 4 + j] + wp[mk + m * 4 + j] * wp[mk + m * 4 + j];
                }
                if (pj > 0) {
                    nullColumns++;
                    assertEquals(8, pj, 1e-9, "non-zero S_⊥ columns have norm √M");
                }
                for (int q = 0; q < 4; q++) { // users W_c serves see nothing of S_⊥: h_qᴴ·s_⊥j = 0
                    double served = 0;
                    for (int m = 0; m < 8; m++) {
                        served += wc[m * 4 + q] * wc[m * 4 + q] + wc[mk + m * 4 + q] * wc[mk + m * 4 + q];
                    }
                    if (served == 0) {
                        continue;
                    }
                    double gr = 0, gi = 0;
                    for (int m = 0; m < 8; m++) {
                        double hr = u[m * 4 + q], hi = u[mk + m * 4 + q];
                        double vr = wp[m * 4 + j], vi = wp[mk + m * 4 + j];
                        gr += hr * vr + hi * vi;
                        gi += hr * vi - hi * vr;
                    }
                    assertEquals(0, Math.hypot(gr, gi), 1e-9, "instance " + s + " user " + q + " column " + j);
                }
            }
        }
        assertTrue(nullColumns > 0, "M > K leaves a null space");
    }

    @Test
    void anchoredNetworkWithZeroOutputLayerServesTheAnchor() {
        DnnConfig c = DnnConfig.paper(6, 1.0).withScenario(4, 20, 1.0, false, -10, 25).withAnchor(DnnConfig.ANCHOR_RZF);
        Mlp net = Mlp.create(c.inputs(), 8, 2, c.outputs(), new SplittableRandom(51));
        net.scaleOutputLayer(0);
        DnnModel md = new DnnModel(c, net, 1, 1, DnnModel.FULL_BITS, 0, null, java.util.Map.of());
        CMatrix h = TestData.gaussian(new SplittableRandom(52), 6, 4);
        h.scale(3e-4); // raw scale must not matter: the anchor uses the RMS-normalised channel
        CMatrix x = new CMatrix(6, 4);
        new DnnPrecoder(md).precode(h, new double[] {-0.1, 0.4}, 2.0, x);
        // RZF of the normalised channel, α = K·σ²/P_t, at power 2
        org.isac.solver.Problem p = new org.isac.solver.Problem();
        double r = Math.sqrt(h.frobeniusNorm2() / 24);
        p.channel.copyFrom(h);
        p.channel.scale(1 / r);
        p.powerBudgetW = 2.0;
        p.tx = org.isac.solver.array.ArrayShape.ula(6);
        p.rx = org.isac.solver.array.ArrayShape.ula(10);
        p.setNoise(4, c.noiseW());
        p.params.put("reg", 4 * c.noiseW() / c.powerW());
        org.isac.solver.Precoder out = new org.isac.solver.Precoder();
        new org.isac.solver.digital.LinearPrecoder(org.isac.solver.digital.LinearPrecoder.Kind.RZF).solve(p, out);
        for (int e = 0; e < 24; e++) {
            assertEquals(out.baseband.re[e], x.re[e], 1e-12);
            assertEquals(out.baseband.im[e], x.im[e], 1e-12);
        }
        // anchored configurations round-trip through model files; old files (no key) mean no anchor
        DnnModel back = DnnModel.fromText(roundedText(md), "test");
        assertEquals(DnnConfig.ANCHOR_RZF, back.config().anchor());
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>(c.toMap());
        m.remove("anchor");
        assertEquals(DnnConfig.ANCHOR_NONE, DnnConfig.fromMap(m, "old").anchor());
    }

    private static String roundedText(DnnModel md) {
        md.net().roundToFloat();
        return md.toText();
    }

    @Test
    void trainingImprovesTheObjectiveReportsProgressAndIsReproducible() {
        DnnConfig c = DnnConfig.paper(4, 1.0)
                .withScenario(2, 10, 1.0, false, -10, 25)
                .withNetwork(32, 2, 0.0)
                .withLoss(5, 1, "rzf", true)
                .withTraining(400, 20, 3e-3, 8, 8);
        Seed003Dataset d = Seed003Dataset.generate(c, c.trainSize(), c.seed(), c.randomAngles());
        double[] cal = DnnTrainer.calibrate(c, d, 380);
        Mlp init = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(c.seed() ^ 0x5DEECE66DL));
        DnnTrainer.Evaluation before = DnnTrainer.evaluate(c, init, d, 380, 400, cal[0], cal[1]);
        List<DnnTrainer.Progress> reports = new ArrayList<>();
        long[] fakeClock = {0};
        DnnModel m = DnnTrainer.train(c, d, reports::add, () -> fakeClock[0] += 1_000_000);
        assertEquals(8, reports.size());
        assertEquals(1, reports.get(0).epoch());
        assertTrue(reports.get(7).etaNs() >= 0 && reports.get(0).etaNs() > reports.get(6).etaNs(), "ETA falls");
        DnnTrainer.Evaluation after = DnnTrainer.evaluate(c, m.net(), d, 380, 400, m.beta(), m.gamma());
        assertTrue(after.objective() < before.objective() - 0.01,
                "objective " + before.objective() + " → " + after.objective());
        assertTrue(after.sumRate() > before.sumRate(), "sum rate " + before.sumRate() + " → " + after.sumRate());
        assertEquals(cal[0], m.beta(), 1e-15);
        assertEquals("380", m.provenance().get("train_instances"));
        DnnModel again = DnnTrainer.train(c, d, null, () -> 0L);
        assertEquals(m.toText(), again.toText(), "same seed, same model file");
    }

    @Test
    void earlyStoppingStopsAfterPatience() {
        DnnConfig c = DnnConfig.paper(4, 0.5)
                .withScenario(2, 10, 1.0, false, -10, 25)
                .withNetwork(8, 1, 0.0)
                .withTraining(60, 10, 0.5, 50, 2); // a learning rate this large cannot keep improving
        List<DnnTrainer.Progress> reports = new ArrayList<>();
        DnnModel m = DnnTrainer.train(c, reports::add, () -> 0L);
        assertTrue(reports.size() < 50, "stopped early after " + reports.size() + " epochs");
        int best = Integer.parseInt(m.provenance().get("best_epoch"));
        assertEquals(reports.size() - 2, best, "stops 'patience' epochs after the best");
    }

    /** Central difference of the mean batch loss over instances {@code idx} in {@code arr[j]} (restored after). */
    private static double centralDifference(DnnTrainer tr, int[] idx, long maskSeed, double[] arr, int j) {
        double old = arr[j];
        arr[j] = old + FD_STEP;
        double up = tr.batchGradient(idx, 0, idx.length, maskSeed);
        arr[j] = old - FD_STEP;
        double dn = tr.batchGradient(idx, 0, idx.length, maskSeed);
        arr[j] = old;
        return (up - dn) / (2 * FD_STEP);
    }

    @Test
    void headsModelServesWhatTheTrainerEvaluatesAndZeroHeadsAreTheWaterFilledAnchor() {
        DnnConfig c = DnnConfig.paper(10, 0.4).withNetwork(16, 2, 0.1).withAnchor(DnnConfig.ANCHOR_RZF_WF_HEADS);
        Mlp net = Mlp.create(c.inputs(), c.hidden(), c.hiddenLayers(), c.outputs(), new SplittableRandom(71));
        net.scaleOutputLayer(0.05);
        int last = net.layers() - 1;
        for (int j = c.precoderOutputs(); j < c.outputs(); j++) {
            net.biases(last)[j] = 0.3 * (j % 5) - 0.6;
        }
        net.roundToFloat();
        Seed003Dataset d = Seed003Dataset.generate(c, 12, 72, false);
        double beta = 1 / 30.0, gamma = 2e-3;
        DnnModel md = new DnnModel(c, net, beta, gamma, 32, 0, null, 0.4, 1.1, Map.of("note", "test"));
        DnnModel back = DnnModel.fromText(md.toText(), "test");
        assertEquals(DnnConfig.ANCHOR_RZF_WF_HEADS, back.config().anchor());
        DnnTrainer.Evaluation ev = DnnTrainer.evaluate(c, net, 0.4, 1.1, d, 0, d.size(), beta, gamma);
        IsacLoss loss = new IsacLoss(c.withLoss(c.alpha(), c.fairnessWeight(), c.betaSolver(), true), beta, gamma);
        IsacLoss.Stats st = new IsacLoss.Stats();
        DnnPrecoder p = new DnnPrecoder(back);
        CMatrix h = new CMatrix(), x = new CMatrix();
        double obj = 0, rate = 0;
        for (int s = 0; s < d.size(); s++) {
            d.channel(s, h);
            p.precode(h, d.angles[s], 1.0, x);
            obj += loss.evaluate(d.re[s], d.im[s], d.angles[s], x.re, x.im, null, null, 1, st);
            rate += st.sumRate;
        }
        assertEquals(ev.objective(), obj / d.size(), 1e-9);
        assertEquals(ev.sumRate(), rate / d.size(), 1e-9);
        // all outputs zero: exactly the rzf-wf anchor with the same global angles
        Mlp zero = net.zeroOutput();
        DnnConfig plain = c.withAnchor(DnnConfig.ANCHOR_RZF_WF);
        Mlp zeroPlain = Mlp.create(plain.inputs(), plain.hidden(), plain.hiddenLayers(), plain.outputs(), new SplittableRandom(73));
        zeroPlain.scaleOutputLayer(0);
        DnnTrainer.Evaluation a = DnnTrainer.evaluate(c, zero, 0.4, 1.1, d, 0, d.size(), beta, gamma);
        DnnTrainer.Evaluation b = DnnTrainer.evaluate(plain, zeroPlain, 0.4, 1.1, d, 0, d.size(), beta, gamma);
        assertEquals(b.objective(), a.objective(), 1e-12);
        assertEquals(b.sumRate(), a.sumRate(), 1e-12);
        assertNotEquals(a.sumRate(), ev.sumRate(), "the heads move the precoder");
    }
}
