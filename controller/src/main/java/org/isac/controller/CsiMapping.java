package org.isac.controller;

import java.util.Iterator;
import java.util.Map;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Subband;
import org.isac.proto.v1.Target;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Params;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Scatterers;
import org.isac.solver.array.ArrayShape;
import org.isac.solver.linalg.CMatrix;

/**
 * Conversions between the wire schema and the solver API, usable without a running
 * controller (the CLI's {@code solve} command, replay tools, tests). Reports are assumed
 * valid: run {@link ReportValidator#validate(CsiReport, FrontEndHello)} first.
 */
public final class CsiMapping {

    private CsiMapping() {
    }

    /**
     * Copies a report into {@code out}, reusing its buffers (grow-only).
     *
     * <ul>
     *   <li>channel: N × K from the row-major float matrix (column k = h_k); a wideband report
     *       ({@code subbands} non-empty) gives S = its subband count, subband s's channel
     *       into {@link Problem#channel(int)} (subband 0 into {@code channel}); a narrowband
     *       report gives S = 1;</li>
     *   <li>noise: K entries per subband (one reported value is repeated for every user);</li>
     *   <li>frequency ratio f_s / f_c = 1 + offset / carrier_hz per subband (1 without a carrier);</li>
     *   <li>budget: {@link #budgetW(CsiReport, FrontEndHello)} (0 means the hello's max_power_w);</li>
     *   <li>perAntennaPower, rfChains, phaseBits, tx/rx array shapes from the hello (without
     *       a hello: digital, continuous phases, tx = rx = ULA(N));</li>
     *   <li>targets, clutter and solver parameters copied as they are.</li>
     * </ul>
     *
     * @param report      the CSI report (read only)
     * @param helloOrNull the session's hello, or null
     * @param out         modified and returned
     */
    public static Problem toProblem(CsiReport report, FrontEndHello helloOrNull, Problem out) {
        int subbands = report.getSubbandsCount();
        int rows;
        if (subbands == 0) {
            out.setSubbands(1);
            rows = copyChannel(report.getChannel(), out.channel);
            copyNoise(report, null, out.channel.cols(), out, 0);
            out.setFrequencyRatio(0, 1.0);
        } else {
            out.setSubbands(subbands);
            double carrier = report.getCarrierHz();
            rows = 0;
            for (int s = 0; s < subbands; s++) {
                Subband b = report.getSubbands(s);
                rows = copyChannel(b.getChannel(), out.channel(s));
                copyNoise(report, b, out.channel(s).cols(), out, s);
                out.setFrequencyRatio(s, frequencyRatio(b.getFrequencyOffsetHz(), carrier));
            }
        }
        out.powerBudgetW = budgetW(report, helloOrNull);
        if (helloOrNull != null) {
            out.perAntennaPower = helloOrNull.getPerAntennaPower();
            out.rfChains = helloOrNull.getRfChains();
            out.phaseBits = helloOrNull.getPhaseBits();
            out.tx = shape(helloOrNull.getTxArray(), out.tx, rows);
            out.rx = helloOrNull.hasRxArray() && helloOrNull.getRxArray().getHorizontal() > 0
                    ? shape(helloOrNull.getRxArray(), out.rx, rows)
                    : out.tx;
        } else {
            out.perAntennaPower = false;
            out.rfChains = 0;
            out.phaseBits = 0;
            out.tx = ula(out.tx, rows);
            out.rx = out.tx;
        }
        if (report.hasTxArray() && report.getTxArray().getHorizontal() > 0) {
            out.tx = shape(report.getTxArray(), out.tx, rows);
            if (!report.hasRxArray()) {
                out.rx = out.tx;
            }
        }
        if (report.hasRxArray() && report.getRxArray().getHorizontal() > 0) {
            out.rx = shape(report.getRxArray(), out.rx, rows);
        }
        copyScatterers(report, true, out.targets);
        copyScatterers(report, false, out.clutter);
        Params p = out.params;
        p.clear();
        if (report.getParamsCount() > 0) {
            Iterator<Map.Entry<String, Double>> it = report.getParamsMap().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Double> e = it.next();
                p.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Copies a wire matrix into {@code h} (reshaped) and returns its row count. */
    private static int copyChannel(ComplexMatrix ch, CMatrix h) {
        int rows = ch.getRows();
        int cols = ch.getCols();
        h.reshape(rows, cols);
        int n = rows * cols;
        double[] re = h.re;
        double[] im = h.im;
        for (int i = 0; i < n; i++) {
            re[i] = ch.getRe(i);
            im[i] = ch.getIm(i);
        }
        return rows;
    }

    /**
     * Subband s's noise for K users: one reported value repeated, else the K values; from the
     * subband {@code b}, or from the report's own {@code noise_power_w} when {@code b} is null.
     * (Indexed reads: the boxed list views would allocate.)
     */
    private static void copyNoise(CsiReport r, Subband b, int users, Problem out, int s) {
        int count = b == null ? r.getNoisePowerWCount() : b.getNoisePowerWCount();
        if (s == 0 && count == 1) {
            out.setNoise(users, b == null ? r.getNoisePowerW(0) : b.getNoisePowerW(0)); // as it always was
            return;
        }
        double[] noise = out.noiseFor(s, users);
        if (count == 1) {
            java.util.Arrays.fill(noise, 0, users, b == null ? r.getNoisePowerW(0) : b.getNoisePowerW(0));
            return;
        }
        java.util.Arrays.fill(noise, 0, users, 0.0);
        int m = Math.min(users, count);
        for (int k = 0; k < m; k++) {
            noise[k] = b == null ? r.getNoisePowerW(k) : b.getNoisePowerW(k);
        }
    }

    /**
     * f_s / f_c of a subband: {@code 1 + offset / carrier} when the carrier is known
     * ({@code carrier_hz > 0}), else 1.
     */
    public static double frequencyRatio(double offsetHz, double carrierHz) {
        return carrierHz > 0 ? 1 + offsetHz / carrierHz : 1.0;
    }

    /** The report's channels: its subbands' when wideband, else its one {@code channel}. */
    public static ComplexMatrix firstChannel(CsiReport report) {
        return report.getSubbandsCount() > 0 ? report.getSubbands(0).getChannel() : report.getChannel();
    }

    /** Convenience: a new {@link Problem} for {@code report}. */
    public static Problem toProblem(CsiReport report, FrontEndHello helloOrNull) {
        return toProblem(report, helloOrNull, new Problem());
    }

    /**
     * The hello a report stands for when no session hello is known (offline solves): the
     * report's radio id and arrays (a ULA of N without them), fully digital, continuous phases,
     * float baseband, the report's budget as {@code max_power_w}, no per-antenna limit; as
     * {@link #toProblem(CsiReport, FrontEndHello, Problem)} maps a report without a hello. Its
     * weight frame therefore has the widths of any hello that leaves them at 0: 8-bit phase
     * codes, 16-bit fixed-point IQ words.
     */
    public static FrontEndHello impliedHello(CsiReport report) {
        FrontEndHello.Builder h = FrontEndHello.newBuilder()
                .setRadioId(report.getRadioId())
                .setMaxPowerW(report.getPowerBudgetW());
        if (report.hasTxArray() && report.getTxArray().getHorizontal() > 0) {
            h.setTxArray(report.getTxArray());
        } else {
            h.setTxArray(ArrayGeometry.newBuilder().setHorizontal(Math.max(1, firstChannel(report).getRows())).setVertical(1));
        }
        if (report.hasRxArray() && report.getRxArray().getHorizontal() > 0) {
            h.setRxArray(report.getRxArray());
        }
        return h.build();
    }

    /** The report's budget in W; 0 in the report means the hello's {@code max_power_w}. */
    public static double budgetW(CsiReport report, FrontEndHello helloOrNull) {
        double b = report.getPowerBudgetW();
        if (b == 0 && helloOrNull != null) {
            return helloOrNull.getMaxPowerW();
        }
        return b;
    }

    /** The number of transmit elements the hello declares (horizontal × vertical). */
    public static int txElements(FrontEndHello hello) {
        ArrayGeometry g = hello.getTxArray();
        return g.getHorizontal() * g.getVertical();
    }

    private static ArrayShape shape(ArrayGeometry g, ArrayShape reuse, int fallbackElements) {
        int hz = g.getHorizontal();
        int vt = g.getVertical();
        if (hz < 1 || vt < 1) {
            return ula(reuse, fallbackElements);
        }
        double d = g.getSpacingWavelengths() == 0 ? ArrayShape.HALF_WAVELENGTH : g.getSpacingWavelengths();
        if (reuse != null && reuse.horizontal() == hz && reuse.vertical() == vt && reuse.spacing() == d) {
            return reuse;
        }
        return new ArrayShape(hz, vt, d);
    }

    private static ArrayShape ula(ArrayShape reuse, int n) {
        int size = Math.max(1, n);
        if (reuse != null && reuse.horizontal() == size && reuse.vertical() == 1 && reuse.spacing() == ArrayShape.HALF_WAVELENGTH) {
            return reuse;
        }
        return ArrayShape.ula(size);
    }

    private static void copyScatterers(CsiReport r, boolean targets, Scatterers out) {
        out.clear();
        int n = targets ? r.getTargetsCount() : r.getClutterCount();
        for (int i = 0; i < n; i++) {
            Target t = targets ? r.getTargets(i) : r.getClutter(i);
            out.add(t.getAzimuthRad(), t.getElevationRad(), t.getGainRe(), t.getGainIm());
        }
    }

    /**
     * Fills the solution part of an update: solver name, analog F (hybrid only),
     * baseband W (N × (K + N_s) for digital ISAC solvers with sensing streams, users first), the
     * baseband sets of subbands 1…S−1 ({@code subband_baseband}, wideband solutions only) and
     * radar receive filters (N_r × M, when the solver designs them) as float row-major matrices, predicted metrics, iterations, early stop.
     * Stage timings, capture time and the hardware frame are left to the caller.
     *
     * @param precoder the solution (read only)
     * @param out      modified and returned
     */
    public static WeightUpdate.Builder toUpdate(Precoder precoder, String radioId, long sequence, String solver,
                                                WeightUpdate.Builder out) {
        out.setRadioId(radioId).setSequence(sequence).setSolver(solver);
        if (precoder.isHybrid()) {
            out.setAnalog(toComplexMatrix(precoder.analog, ComplexMatrix.newBuilder()));
        } else {
            out.clearAnalog();
        }
        out.setBaseband(toComplexMatrix(precoder.baseband, ComplexMatrix.newBuilder()));
        out.clearSubbandBaseband();
        for (int s = 1; s < precoder.subbands(); s++) {
            out.addSubbandBaseband(toComplexMatrix(precoder.baseband(s), ComplexMatrix.newBuilder()));
        }
        if (!precoder.receive.isEmpty()) {
            out.setReceive(toComplexMatrix(precoder.receive, ComplexMatrix.newBuilder()));
        } else {
            out.clearReceive();
        }
        Params pr = precoder.predicted;
        for (int i = 0; i < pr.size(); i++) {
            out.putPredicted(pr.key(i), pr.value(i));
        }
        out.setIterations(precoder.iterations);
        out.setEarlyStop(precoder.earlyStop);
        out.setLayersPlanned(precoder.layersPlanned);
        return out;
    }

    /** Writes {@code m} as a float row-major wire matrix into {@code out} (modified, returned). */
    public static ComplexMatrix.Builder toComplexMatrix(CMatrix m, ComplexMatrix.Builder out) {
        int n = m.size();
        out.setRows(m.rows()).setCols(m.cols()).clearRe().clearIm();
        for (int i = 0; i < n; i++) {
            out.addRe((float) m.re[i]);
        }
        for (int i = 0; i < n; i++) {
            out.addIm((float) m.im[i]);
        }
        return out;
    }

    /**
     * Reads a wire matrix into {@code out} (modified, returned).
     *
     * @throws IllegalArgumentException when re/im lengths differ from rows·cols
     */
    public static CMatrix fromComplexMatrix(org.isac.proto.v1.ComplexMatrixOrBuilder m, CMatrix out) {
        int rows = m.getRows();
        int cols = m.getCols();
        long n = (long) rows * cols;
        if (m.getReCount() != n || m.getImCount() != n) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " has " + m.getReCount()
                    + " real and " + m.getImCount() + " imaginary parts, expected " + n);
        }
        out.reshape(rows, cols);
        for (int i = 0; i < (int) n; i++) {
            out.re[i] = m.getRe(i);
            out.im[i] = m.getIm(i);
        }
        return out;
    }
}
