package org.isac.controller;

import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject.Reason;
import org.isac.proto.v1.Target;
import org.isac.solver.SolverRegistry;

/**
 * Static checks of hellos and reports. Each method returns null when the message is
 * acceptable, otherwise a {@link Rejection} with the reason and a detail naming the
 * offending values. Checks run in a fixed order, so a report with several faults gets the
 * first reason of: UNKNOWN_RADIO, BAD_DIMENSIONS, TOO_LARGE, TOO_MANY_USERS, NON_FINITE,
 * ZERO_CHANNEL, BAD_PARAMETER, UNKNOWN_SOLVER, UNKNOWN_PARAM, OUT_OF_ORDER. Every size and
 * value is held to the controller's {@link Limits}; unsigned fields are read as unsigned.
 */
public final class ReportValidator {

    private ReportValidator() {
    }

    /** Protocol versions this controller speaks (0 = unset, read as 1). */
    public static final int PROTOCOL_VERSION = 1;
    /** Longest radio id accepted (UTF-16 units). */
    public static final int MAX_RADIO_ID_LENGTH = 128;

    /** {@link #validateHello(FrontEndHello, Limits)} with {@link Limits#DEFAULT}. */
    public static Rejection validateHello(FrontEndHello h) {
        return validateHello(h, Limits.DEFAULT);
    }

    /**
     * Checks a hello: protocol version, radio id, tx (and optional rx) array sizes, power limit,
     * RF chains and max users against the array and {@code limits}.
     */
    public static Rejection validateHello(FrontEndHello h, Limits limits) {
        int version = h.getProtocolVersion();
        if (version != 0 && version != PROTOCOL_VERSION) {
            return bad(Reason.BAD_HELLO, "protocol_version " + Integer.toUnsignedString(version)
                    + " is not served; this controller speaks version " + PROTOCOL_VERSION);
        }
        if (h.getRadioId().isEmpty()) {
            return bad(Reason.BAD_HELLO, "radio_id is empty");
        }
        if (h.getRadioId().length() > MAX_RADIO_ID_LENGTH) {
            return bad(Reason.BAD_HELLO, "radio_id is longer than " + MAX_RADIO_ID_LENGTH + " characters");
        }
        if (!h.hasTxArray() || !sizesOk(h.getTxArray())) {
            ArrayGeometry g = h.getTxArray();
            return bad(Reason.BAD_HELLO, "tx_array needs horizontal >= 1 and vertical >= 1, got "
                    + g.getHorizontal() + "x" + g.getVertical());
        }
        String spacing = spacing("tx_array", h.getTxArray());
        if (spacing == null && h.hasRxArray()) {
            spacing = spacing("rx_array", h.getRxArray());
        }
        if (spacing != null) {
            return bad(Reason.BAD_HELLO, spacing);
        }
        if (h.hasRxArray()) {
            ArrayGeometry g = h.getRxArray();
            boolean empty = g.getHorizontal() == 0 && g.getVertical() == 0;
            if (!empty && !sizesOk(g)) {
                return bad(Reason.BAD_HELLO, "rx_array needs horizontal >= 1 and vertical >= 1 (or be empty), got "
                        + g.getHorizontal() + "x" + g.getVertical());
            }
        }
        double p = h.getMaxPowerW();
        if (!Double.isFinite(p) || !(p > 0)) {
            return bad(Reason.BAD_HELLO, "max_power_w must be finite and > 0, got " + p);
        }
        if (p > limits.maxPowerW()) {
            return bad(Reason.TOO_LARGE, "max_power_w " + p + " exceeds the controller's limit of " + limits.maxPowerW() + " W");
        }
        long n = (long) h.getTxArray().getHorizontal() * h.getTxArray().getVertical();
        if (n > limits.maxAntennas()) {
            return bad(Reason.TOO_LARGE, "tx_array has " + n + " elements; the controller's limit is " + limits.maxAntennas());
        }
        if (h.hasRxArray() && (long) h.getRxArray().getHorizontal() * h.getRxArray().getVertical() > limits.maxAntennas()) {
            return bad(Reason.TOO_LARGE, "rx_array has " + (long) h.getRxArray().getHorizontal() * h.getRxArray().getVertical()
                    + " elements; the controller's limit is " + limits.maxAntennas());
        }
        long m = Integer.toUnsignedLong(h.getRfChains());
        if (m > n) {
            return bad(Reason.BAD_HELLO, "rf_chains " + m + " exceeds the " + n + " tx elements");
        }
        long subbands = Integer.toUnsignedLong(h.getSubbands());
        if (subbands > limits.maxSubbands()) {
            return bad(Reason.TOO_LARGE, "subbands " + subbands + " exceeds the controller's limit of " + limits.maxSubbands());
        }
        long maxUsers = Integer.toUnsignedLong(h.getMaxUsers());
        if (maxUsers > Math.min(n, limits.maxUsers())) {
            return bad(Reason.BAD_HELLO, "max_users " + maxUsers + " exceeds " + (maxUsers > n ? "the " + n + " tx elements"
                    : "the controller's limit of " + limits.maxUsers()));
        }
        return null;
    }

    /** Null when the array's element spacing (wavelengths; 0 = unset = 0.5) is in (0, 16], else why not. */
    private static String spacing(String which, ArrayGeometry g) {
        double d = g.getSpacingWavelengths();
        if (d == 0 || (d > 0 && d <= 16)) {
            return null;
        }
        return which + " spacing_wavelengths must be in (0, 16] wavelengths (0 = 0.5), got " + d;
    }

    private static boolean sizesOk(ArrayGeometry g) {
        return g.getHorizontal() >= 1 && g.getVertical() >= 1
                && (long) g.getHorizontal() * g.getVertical() <= Integer.MAX_VALUE;
    }

    /** Checks a report without sequence state (for one-off solves and replay), with {@link Limits#DEFAULT}. */
    public static Rejection validate(CsiReport r, FrontEndHello helloOrNull) {
        return validate(r, helloOrNull, false, 0, Limits.DEFAULT, null);
    }

    /** {@link #validate(CsiReport, FrontEndHello, boolean, long, Limits, String)} with {@link Limits#DEFAULT}. */
    public static Rejection validate(CsiReport r, FrontEndHello helloOrNull, boolean hasLast, long lastSequence) {
        return validate(r, helloOrNull, hasLast, lastSequence, Limits.DEFAULT, null);
    }

    /**
     * Checks a report against the session's hello and the last accepted sequence.
     *
     * @param helloOrNull  the session's hello; null skips the radio-id and hello-limit checks
     *                     (N is then the channel's row count)
     * @param hasLast      whether a report was accepted before on this session
     * @param lastSequence the last accepted sequence (unsigned), meaningful when {@code hasLast}
     * @param limits       sizes accepted
     * @param defaultSolver the solver a report naming none runs (its parameters are checked
     *                     against it); null skips the parameter check for such reports
     */
    public static Rejection validate(CsiReport r, FrontEndHello helloOrNull, boolean hasLast, long lastSequence, Limits limits,
                                     String defaultSolver) {
        if (helloOrNull != null && !r.getRadioId().equals(helloOrNull.getRadioId())) {
            return bad(Reason.UNKNOWN_RADIO, "report names radio '" + r.getRadioId() + "' but this session is '"
                    + helloOrNull.getRadioId() + "'");
        }
        int subbands = r.getSubbandsCount();
        boolean wide = subbands > 0;
        if (wide) {
            if (r.hasChannel() || r.getNoisePowerWCount() > 0) {
                return bad(Reason.BAD_DIMENSIONS, "a wideband report (" + subbands + " subbands) must leave channel and "
                        + "noise_power_w empty: each subband carries its own");
            }
            if (subbands > limits.maxSubbands()) {
                return bad(Reason.TOO_LARGE, "report has " + subbands + " subbands; the controller's limit is "
                        + limits.maxSubbands());
            }
        }
        int s = Math.max(1, subbands);
        ComplexMatrix ch = wide ? r.getSubbands(0).getChannel() : r.getChannel();
        int rows = ch.getRows();
        int cols = ch.getCols();
        if (r.hasTxArray()) {
            ArrayGeometry g = r.getTxArray();
            if (!sizesOk(g) || (long) g.getHorizontal() * g.getVertical() != rows) {
                return bad(Reason.BAD_DIMENSIONS, "report tx_array " + g.getHorizontal() + "x" + g.getVertical()
                        + " does not match the channel's " + rows + " rows");
            }
        }
        if (r.hasRxArray() && !sizesOk(r.getRxArray())) {
            return bad(Reason.BAD_DIMENSIONS, "report rx_array " + r.getRxArray().getHorizontal() + "x"
                    + r.getRxArray().getVertical() + " is not a valid array");
        }
        String spacing = r.hasTxArray() ? spacing("report tx_array", r.getTxArray()) : null;
        if (spacing == null && r.hasRxArray()) {
            spacing = spacing("report rx_array", r.getRxArray());
        }
        if (spacing != null) {
            return bad(Reason.BAD_DIMENSIONS, spacing);
        }
        if (helloOrNull != null && !r.hasTxArray()) {
            int n = CsiMapping.txElements(helloOrNull);
            if (rows != n) {
                return bad(Reason.BAD_DIMENSIONS, "channel has " + rows + " rows but the tx array has " + n + " elements");
            }
        } else if (rows < 1) {
            return bad(Reason.BAD_DIMENSIONS, "channel has no rows");
        }
        if (cols < 1) {
            return bad(Reason.BAD_DIMENSIONS, "channel has zero users (cols = 0)");
        }
        if (rows > limits.maxAntennas()) {
            return bad(Reason.TOO_LARGE, "channel has " + rows + " rows; the controller's limit is " + limits.maxAntennas()
                    + " antennas");
        }
        if (r.hasRxArray() && (long) r.getRxArray().getHorizontal() * r.getRxArray().getVertical() > limits.maxAntennas()) {
            return bad(Reason.TOO_LARGE, "report rx_array has " + (long) r.getRxArray().getHorizontal() * r.getRxArray().getVertical()
                    + " elements; the controller's limit is " + limits.maxAntennas());
        }
        if (cols > limits.maxUsers() || (long) s * rows * cols > limits.maxChannelEntries()) {
            return bad(Reason.TOO_LARGE, (wide ? s + " subbands of " : "channel ") + rows + "x" + cols
                    + " exceed the controller's limits (K <= " + limits.maxUsers() + ", "
                    + (wide ? "S·N·K" : "N·K") + " <= " + limits.maxChannelEntries() + ")");
        }
        long count = (long) rows * cols;
        for (int b = 0; b < s; b++) {
            ComplexMatrix c = wide ? r.getSubbands(b).getChannel() : ch;
            String name = wide ? "subband " + b + " channel " : "channel ";
            if (c.getRows() != rows || c.getCols() != cols) {
                return bad(Reason.BAD_DIMENSIONS, name + c.getRows() + "x" + c.getCols() + " differs from subband 0's "
                        + rows + "x" + cols + " (every subband has the same N x K)");
            }
            if (c.getReCount() != count || c.getImCount() != count) {
                return bad(Reason.BAD_DIMENSIONS, name + rows + "x" + cols + " needs " + count
                        + " re and im values, got " + c.getReCount() + " re and " + c.getImCount() + " im");
            }
        }
        if (cols > rows) {
            return bad(Reason.TOO_MANY_USERS, "K = " + cols + " users exceeds N = " + rows + " antennas");
        }
        if (helloOrNull != null && helloOrNull.getMaxUsers() != 0 && cols > Integer.toUnsignedLong(helloOrNull.getMaxUsers())) {
            return bad(Reason.TOO_MANY_USERS, "K = " + cols + " users exceeds the hello's max_users "
                    + helloOrNull.getMaxUsers());
        }
        int n = (int) count;
        int zeroSubband = -1;
        for (int b = 0; b < s; b++) {
            ComplexMatrix c = wide ? r.getSubbands(b).getChannel() : ch;
            boolean nonZero = false;
            for (int i = 0; i < n; i++) {
                float re = c.getRe(i);
                float im = c.getIm(i);
                if (!Float.isFinite(re) || !Float.isFinite(im)) {
                    return bad(Reason.NON_FINITE, (wide ? "subband " + b + " channel" : "channel") + " element ("
                            + (i / cols) + ", " + (i % cols) + ") is " + re + " + j" + im);
                }
                nonZero |= re != 0 || im != 0;
            }
            if (!nonZero && zeroSubband < 0) {
                zeroSubband = b;
            }
            int noiseCount = wide ? r.getSubbands(b).getNoisePowerWCount() : r.getNoisePowerWCount();
            for (int k = 0; k < noiseCount; k++) {
                double v = wide ? r.getSubbands(b).getNoisePowerW(k) : r.getNoisePowerW(k);
                if (!Double.isFinite(v)) {
                    return bad(Reason.NON_FINITE, noiseName(wide, b) + "[" + k + "] is " + v);
                }
            }
            if (wide && !Double.isFinite(r.getSubbands(b).getFrequencyOffsetHz())) {
                return bad(Reason.NON_FINITE, "subband " + b + " frequency_offset_hz is " + r.getSubbands(b).getFrequencyOffsetHz());
            }
        }
        if (!Double.isFinite(r.getPowerBudgetW())) {
            return bad(Reason.NON_FINITE, "power_budget_w is " + r.getPowerBudgetW());
        }
        if (!Double.isFinite(r.getCarrierHz())) {
            return bad(Reason.NON_FINITE, "carrier_hz is " + r.getCarrierHz());
        }
        if (zeroSubband >= 0) {
            return bad(Reason.ZERO_CHANNEL, wide ? "every channel element of subband " + zeroSubband + " is zero"
                    : "every channel element is zero");
        }
        for (int b = 0; b < s; b++) {
            int noiseCount = wide ? r.getSubbands(b).getNoisePowerWCount() : r.getNoisePowerWCount();
            if (noiseCount != 1 && noiseCount != cols) {
                return bad(Reason.BAD_PARAMETER, noiseName(wide, b) + " has " + noiseCount + " values; need 1 or K = " + cols);
            }
            for (int k = 0; k < noiseCount; k++) {
                double v = wide ? r.getSubbands(b).getNoisePowerW(k) : r.getNoisePowerW(k);
                if (!(v > 0)) {
                    return bad(Reason.BAD_PARAMETER, noiseName(wide, b) + "[" + k + "] must be > 0, got " + v);
                }
            }
        }
        double carrier = r.getCarrierHz();
        if (carrier < 0) {
            return bad(Reason.BAD_PARAMETER, "carrier_hz must be >= 0 (0 = unknown), got " + carrier);
        }
        for (int b = 0; wide && carrier > 0 && b < s; b++) {
            double ratio = CsiMapping.frequencyRatio(r.getSubbands(b).getFrequencyOffsetHz(), carrier);
            if (!(ratio > 0) || !Double.isFinite(ratio)) {
                return bad(Reason.BAD_PARAMETER, "subband " + b + " frequency_offset_hz " + r.getSubbands(b).getFrequencyOffsetHz()
                        + " puts it at or below 0 Hz (carrier_hz " + carrier + ")");
            }
        }
        double budget = CsiMapping.budgetW(r, helloOrNull);
        if (!(budget > 0)) {
            return bad(Reason.BAD_PARAMETER, "power budget must be > 0 W (0 = hello max_power_w), got "
                    + r.getPowerBudgetW());
        }
        if (helloOrNull != null && budget > helloOrNull.getMaxPowerW()) {
            return bad(Reason.BAD_PARAMETER, "power_budget_w " + budget + " exceeds the hello's max_power_w "
                    + helloOrNull.getMaxPowerW());
        }
        Rejection t = checkScatterers(r, true);
        if (t == null) {
            t = checkScatterers(r, false);
        }
        if (t != null) {
            return t;
        }
        if (r.getParamsCount() > 0) {
            for (var e : r.getParamsMap().entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    return bad(Reason.BAD_PARAMETER, "parameter '" + e.getKey() + "' is " + e.getValue());
                }
            }
        }
        String solver = r.getSolver();
        if (!solver.isEmpty() && !SolverRegistry.exists(solver)) {
            return bad(Reason.UNKNOWN_SOLVER, "unknown solver '" + solver + "'; known: "
                    + String.join(", ", SolverRegistry.names()));
        }
        String runs = solver.isEmpty() ? defaultSolver : solver;
        if (runs != null && r.getParamsCount() > 0) {
            boolean[] unknown = new boolean[1];
            String why = SolverRegistry.checkParams(runs, r.getParamsMap(), unknown);
            if (why != null) {
                return bad(unknown[0] ? Reason.UNKNOWN_PARAM : Reason.BAD_PARAMETER, why);
            }
        }
        if (hasLast && Long.compareUnsigned(r.getSequence(), lastSequence) <= 0) {
            return bad(Reason.OUT_OF_ORDER, "sequence " + Long.toUnsignedString(r.getSequence())
                    + " is not above the last accepted " + Long.toUnsignedString(lastSequence));
        }
        return null;
    }

    private static String noiseName(boolean wide, int subband) {
        return wide ? "subband " + subband + " noise_power_w" : "noise_power_w";
    }

    private static Rejection checkScatterers(CsiReport r, boolean targets) {
        int n = targets ? r.getTargetsCount() : r.getClutterCount();
        for (int i = 0; i < n; i++) {
            Target t = targets ? r.getTargets(i) : r.getClutter(i);
            if (!Double.isFinite(t.getAzimuthRad()) || !Double.isFinite(t.getElevationRad())
                    || !Double.isFinite(t.getGainRe()) || !Double.isFinite(t.getGainIm())) {
                return bad(Reason.BAD_PARAMETER, (targets ? "target " : "clutter ") + i + " has a non-finite value");
            }
        }
        return null;
    }

    private static Rejection bad(Reason reason, String detail) {
        return new Rejection(reason, detail);
    }
}
