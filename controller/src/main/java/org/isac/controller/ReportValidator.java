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
 * first reason of: UNKNOWN_RADIO, BAD_DIMENSIONS, TOO_MANY_USERS, NON_FINITE, ZERO_CHANNEL,
 * BAD_PARAMETER, UNKNOWN_SOLVER, OUT_OF_ORDER.
 */
public final class ReportValidator {

    private ReportValidator() {
    }

    /** Checks a hello: radio id, tx (and optional rx) array sizes, power limit, RF chains. */
    public static Rejection validateHello(FrontEndHello h) {
        if (h.getRadioId().isEmpty()) {
            return bad(Reason.BAD_HELLO, "radio_id is empty");
        }
        if (!h.hasTxArray() || !sizesOk(h.getTxArray())) {
            ArrayGeometry g = h.getTxArray();
            return bad(Reason.BAD_HELLO, "tx_array needs horizontal >= 1 and vertical >= 1, got "
                    + g.getHorizontal() + "x" + g.getVertical());
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
        int n = CsiMapping.txElements(h);
        if (h.getRfChains() > n) {
            return bad(Reason.BAD_HELLO, "rf_chains " + h.getRfChains() + " exceeds the " + n + " tx elements");
        }
        return null;
    }

    private static boolean sizesOk(ArrayGeometry g) {
        return g.getHorizontal() >= 1 && g.getVertical() >= 1
                && (long) g.getHorizontal() * g.getVertical() <= Integer.MAX_VALUE;
    }

    /** Checks a report without sequence state (for one-off solves and replay). */
    public static Rejection validate(CsiReport r, FrontEndHello helloOrNull) {
        return validate(r, helloOrNull, false, 0);
    }

    /**
     * Checks a report against the session's hello and the last accepted sequence.
     *
     * @param helloOrNull  the session's hello; null skips the radio-id and hello-limit checks
     *                     (N is then the channel's row count)
     * @param hasLast      whether a report was accepted before on this session
     * @param lastSequence the last accepted sequence (unsigned), meaningful when {@code hasLast}
     */
    public static Rejection validate(CsiReport r, FrontEndHello helloOrNull, boolean hasLast, long lastSequence) {
        if (helloOrNull != null && !r.getRadioId().equals(helloOrNull.getRadioId())) {
            return bad(Reason.UNKNOWN_RADIO, "report names radio '" + r.getRadioId() + "' but this session is '"
                    + helloOrNull.getRadioId() + "'");
        }
        ComplexMatrix ch = r.getChannel();
        int rows = ch.getRows();
        int cols = ch.getCols();
        if (helloOrNull != null) {
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
        long count = (long) rows * cols;
        if (ch.getReCount() != count || ch.getImCount() != count) {
            return bad(Reason.BAD_DIMENSIONS, "channel " + rows + "x" + cols + " needs " + count
                    + " re and im values, got " + ch.getReCount() + " re and " + ch.getImCount() + " im");
        }
        if (cols > rows) {
            return bad(Reason.TOO_MANY_USERS, "K = " + cols + " users exceeds N = " + rows + " antennas");
        }
        if (helloOrNull != null && helloOrNull.getMaxUsers() > 0 && cols > helloOrNull.getMaxUsers()) {
            return bad(Reason.TOO_MANY_USERS, "K = " + cols + " users exceeds the hello's max_users "
                    + helloOrNull.getMaxUsers());
        }
        int n = (int) count;
        boolean nonZero = false;
        for (int i = 0; i < n; i++) {
            float re = ch.getRe(i);
            float im = ch.getIm(i);
            if (!Float.isFinite(re) || !Float.isFinite(im)) {
                return bad(Reason.NON_FINITE, "channel element (" + (i / cols) + ", " + (i % cols) + ") is "
                        + re + " + j" + im);
            }
            nonZero |= re != 0 || im != 0;
        }
        int noiseCount = r.getNoisePowerWCount();
        for (int k = 0; k < noiseCount; k++) {
            if (!Double.isFinite(r.getNoisePowerW(k))) {
                return bad(Reason.NON_FINITE, "noise_power_w[" + k + "] is " + r.getNoisePowerW(k));
            }
        }
        if (!Double.isFinite(r.getPowerBudgetW())) {
            return bad(Reason.NON_FINITE, "power_budget_w is " + r.getPowerBudgetW());
        }
        if (!nonZero) {
            return bad(Reason.ZERO_CHANNEL, "every channel element is zero");
        }
        if (noiseCount != 1 && noiseCount != cols) {
            return bad(Reason.BAD_PARAMETER, "noise_power_w has " + noiseCount + " values; need 1 or K = " + cols);
        }
        for (int k = 0; k < noiseCount; k++) {
            if (!(r.getNoisePowerW(k) > 0)) {
                return bad(Reason.BAD_PARAMETER, "noise_power_w[" + k + "] must be > 0, got " + r.getNoisePowerW(k));
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
        if (hasLast && Long.compareUnsigned(r.getSequence(), lastSequence) <= 0) {
            return bad(Reason.OUT_OF_ORDER, "sequence " + Long.toUnsignedString(r.getSequence())
                    + " is not above the last accepted " + Long.toUnsignedString(lastSequence));
        }
        return null;
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
