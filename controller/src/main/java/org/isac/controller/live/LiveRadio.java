package org.isac.controller.live;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Map;
import org.isac.controller.CsiMapping;
import org.isac.controller.UpdateMath;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Target;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * The web side of one connection: parses its latest envelopes, computes what the page shows
 * (beampattern, user directions, sum rate) and keeps the bounded history. Sampler thread only.
 */
final class LiveRadio {
    /** Beampattern grid: azimuth −90° … 90° in 1° steps. */
    static final int GRID_FROM_DEG = -90, GRID_STEP_DEG = 1, GRID_POINTS = 181;

    final LiveConnection connection;
    private final int historyPoints;
    private final double[] histT, histRate, histTau, histCrlb, histLayers;
    private long histCount;
    private long lastUpdateVersion;

    FrontEndHello hello;
    WeightUpdate update;
    CsiReport report;
    long appliedSequence;
    final double[] beampattern = new double[GRID_POINTS];
    double[] targetsDeg = new double[0];
    double[] targetsElevationDeg = new double[0];
    double[] usersDeg = new double[0];
    double sumRateBits = Double.NaN;
    boolean hasPattern;
    String error;

    private ArrayShape steeringFor;
    private double[][] steerRe, steerIm;

    LiveRadio(LiveConnection connection, int historyPoints) {
        this.connection = connection;
        this.historyPoints = historyPoints;
        histT = new double[historyPoints];
        histRate = new double[historyPoints];
        histTau = new double[historyPoints];
        histCrlb = new double[historyPoints];
        histLayers = new double[historyPoints];
    }

    /** Reads the connection's latest envelopes and recomputes when a new update came. */
    void sample(double tSeconds) {
        connection.drainLatencies();
        appliedSequence = connection.appliedSequence;
        try {
            if (hello == null) {
                byte[] h = connection.hello.copy();
                if (h != null) {
                    hello = FrontEndMessage.parseFrom(h).getHello();
                }
            }
            long version = connection.update.version();
            if (version == lastUpdateVersion) {
                return;
            }
            byte[] u = connection.update.copy();
            lastUpdateVersion = version;
            if (u == null) {
                return;
            }
            update = ControllerMessage.parseFrom(u).getUpdate();
            report = matchingReport(update.getSequence());
            compute();
            append(tSeconds);
            error = null;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            error = String.valueOf(e.getMessage()); // a peer's inconsistent report: show it, keep going
        }
    }

    /** The latest report whose sequence the update answers, else the newest one. */
    private CsiReport matchingReport(long sequence) throws InvalidProtocolBufferException {
        CsiReport newest = null;
        for (LiveSlot s : connection.reports) {
            byte[] b = s.copy();
            if (b == null) {
                continue;
            }
            CsiReport r = FrontEndMessage.parseFrom(b).getCsi();
            if (r.getSequence() == sequence) {
                return r;
            }
            if (newest == null || Long.compareUnsigned(r.getSequence(), newest.getSequence()) > 0) {
                newest = r;
            }
        }
        return newest;
    }

    private void compute() {
        hasPattern = false;
        sumRateBits = Double.NaN;
        CMatrix x = UpdateMath.precoder(update);
        if (report == null) {
            return;
        }
        Problem p = CsiMapping.toProblem(report, hello);
        ArrayShape tx = p.tx;
        if (tx.size() != x.rows()) {
            throw new IllegalArgumentException("precoder has " + x.rows() + " rows, the array " + tx.size() + " elements");
        }
        steering(tx);
        for (int t = 0; t < GRID_POINTS; t++) {
            beampattern[t] = Kernels.beamPower(x, steerRe[t], steerIm[t]); // P(θ) = ‖Xᴴa(θ)‖²
        }
        hasPattern = true;
        CMatrix h = p.channel;
        usersDeg = new double[h.cols()];
        if (h.rows() == tx.size()) {
            for (int k = 0; k < h.cols(); k++) {
                int best = 0;
                double bestPower = -1;
                for (int t = 0; t < GRID_POINTS; t++) {
                    double g = Kernels.beamPower(h, k, k + 1, steerRe[t], steerIm[t]); // |a(θ)ᴴh_k|²
                    if (g > bestPower) {
                        bestPower = g;
                        best = t;
                    }
                }
                usersDeg[k] = GRID_FROM_DEG + best * GRID_STEP_DEG;
            }
        }
        int m = report.getTargetsCount();
        targetsDeg = new double[m];
        targetsElevationDeg = new double[m];
        for (int i = 0; i < m; i++) {
            Target tg = report.getTargets(i);
            targetsDeg[i] = Math.toDegrees(tg.getAzimuthRad());
            targetsElevationDeg[i] = Math.toDegrees(tg.getElevationRad());
        }
        sumRateBits = UpdateMath.sumRateBits(report, update); // NaN when the shapes do not fit
    }

    /** Steering vectors of the grid at elevation 0 for {@code tx}, kept while the array stays. */
    private void steering(ArrayShape tx) {
        if (tx.equals(steeringFor)) {
            return;
        }
        int n = tx.size();
        steerRe = new double[GRID_POINTS][n];
        steerIm = new double[GRID_POINTS][n];
        for (int t = 0; t < GRID_POINTS; t++) {
            tx.steering(Math.toRadians(GRID_FROM_DEG + t * GRID_STEP_DEG), 0, steerRe[t], steerIm[t], 0);
        }
        steeringFor = tx;
    }

    private void append(double tSeconds) {
        int i = (int) (histCount % historyPoints);
        Map<String, Double> pr = update.getPredictedMap();
        histT[i] = tSeconds;
        histRate[i] = sumRateBits;
        histTau[i] = pr.getOrDefault("tau", Double.NaN);
        histCrlb[i] = pr.getOrDefault("crlb", Double.NaN);
        histLayers[i] = update.getIterations();
        histCount++;
    }

    /** History points kept (≤ the bound). */
    int historySize() {
        return (int) Math.min(histCount, historyPoints);
    }

    /** Writes one history series, oldest first: 0 = t, 1 = sum rate, 2 = τ, 3 = CRLB, 4 = layers run. */
    void writeHistory(Json j, int series) {
        double[] a = switch (series) {
            case 0 -> histT;
            case 1 -> histRate;
            case 2 -> histTau;
            case 3 -> histCrlb;
            default -> histLayers;
        };
        int n = historySize();
        long start = histCount - n;
        j.beginArray();
        for (int i = 0; i < n; i++) {
            j.value(a[(int) ((start + i) % historyPoints)]);
        }
        j.endArray();
    }
}
