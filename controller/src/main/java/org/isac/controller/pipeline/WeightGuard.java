package org.isac.controller.pipeline;

import org.isac.controller.CsiMapping;
import org.isac.fpga.guard.PowerGuard;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.linalg.CMatrix;

/**
 * The last check before weights leave the controller: right shape, every entry finite,
 * ‖X‖²_F ≤ P_t·(1 + {@value #POWER_TOLERANCE}) for the effective precoder X (F·W when
 * hybrid), and, when the problem asks for per-antenna power, every row of X within
 * P_t/N·(1 + tolerance). A wideband solution (S subbands, one baseband set W_s each behind
 * the one F) must have one set per subband, each of the same shape, and passes only when
 * every subband's X_s passes each of these checks: the budget P_t applies to each subband. Digital solvers may add sensing streams (X is N × (K + N_s)).
 * {@link #checkSent} repeats the finiteness and power checks on the float values that leave
 * (the double weights can be finite and in budget while their float form overflows): the live
 * path rounds the solution to float into {@link #sent()}, checks that, and the
 * {@link UpdateWriter} writes exactly those values. One instance per thread; {@link #check} and
 * {@link #checkSent(String, Problem, Precoder)} are allocation-free after the first call at a
 * given size (a failed check allocates its detail).
 */
public final class WeightGuard {
    /** Relative slack of the power checks (float rounding on the wire is far below it). */
    public static final double POWER_TOLERANCE = 1e-6;

    private final Precoder sent = new Precoder();
    private double[] rows = new double[0];
    private Reject.Reason reason;
    private String detail;

    /**
     * @return true when the weights may be sent; otherwise {@link #reason()} and
     *     {@link #detail()} say why
     */
    public boolean check(String solver, Problem p, Precoder x) {
        reason = null;
        detail = null;
        int n = p.antennas();
        int k = p.users();
        int subbands = p.subbands();
        boolean hybrid = x.isHybrid();
        if (x.subbands() != subbands) {
            return fail(Reject.Reason.SOLVER_FAILED, solver + " returned " + x.subbands() + " baseband sets for "
                    + subbands + " subbands");
        }
        for (int s = 0; s < subbands; s++) {
            CMatrix w = x.baseband(s);
            boolean shapeOk = hybrid
                    ? x.analog.rows() == n && w.rows() == x.analog.cols() && w.cols() == k
                    : w.rows() == n && w.cols() >= k && w.cols() == x.baseband.cols();
            if (!shapeOk) {
                return fail(Reject.Reason.SOLVER_FAILED, solver + " returned analog " + x.analog.rows() + "x"
                        + x.analog.cols() + ", baseband " + w.rows() + "x" + w.cols() + subbandNote(subbands, s)
                        + " for N=" + n + ", K=" + k);
            }
        }
        if (hybrid && !x.analog.allFinite()) {
            return fail(Reject.Reason.POWER_GUARD, solver + " returned non-finite weights");
        }
        for (int s = 0; s < subbands; s++) {
            if (!x.baseband(s).allFinite()) {
                return fail(Reject.Reason.POWER_GUARD, solver + " returned non-finite weights" + subbandNote(subbands, s));
            }
        }
        return power(solver, p, x, "weights");
    }

    /**
     * The finiteness and power checks of {@link #check} on the float form of {@code x}'s weights
     * (analog F when hybrid, baseband W of every subband), which it leaves in {@link #sent()}
     * for the writer to send; the shapes were checked on the solution.
     */
    public boolean checkSent(String solver, Problem p, Precoder x) {
        reason = null;
        detail = null;
        if (x.isHybrid()) {
            toFloat(x.analog, sent.analog);
        } else {
            sent.analog.reshape(0, 0);
        }
        int subbands = x.subbands();
        sent.setSubbands(subbands);
        for (int s = 0; s < subbands; s++) {
            toFloat(x.baseband(s), sent.baseband(s));
        }
        return sentFinite(solver) && power(solver, p, sent, "float weights to be sent");
    }

    private boolean sentFinite(String solver) {
        if (!sent.analog.allFinite()) {
            return fail(Reject.Reason.POWER_GUARD, solver + ": the float weights to be sent are not finite");
        }
        for (int s = 0; s < sent.subbands(); s++) {
            if (!sent.baseband(s).allFinite()) {
                return fail(Reject.Reason.POWER_GUARD, solver + ": the float weights to be sent are not finite"
                        + subbandNote(sent.subbands(), s));
            }
        }
        return true;
    }

    private static String subbandNote(int subbands, int s) {
        return subbands == 1 ? "" : " (subband " + s + " of " + subbands + ")";
    }

    /**
     * The float weights the last {@link #checkSent} checked, as doubles (each exactly a float):
     * what the update carries. Overwritten by the next check.
     */
    public Precoder sent() {
        return sent;
    }

    /** {@code out} = {@code m} rounded entry by entry to float, as the wire matrix holds it. */
    private static void toFloat(CMatrix m, CMatrix out) {
        int n = m.size();
        out.reshape(m.rows(), m.cols());
        for (int i = 0; i < n; i++) {
            out.re[i] = (float) m.re[i];
            out.im[i] = (float) m.im[i];
        }
    }

    /**
     * The finiteness and power checks of {@link #check} on the float weights that {@code u} (a
     * built update) carries; the shapes were checked on the solution.
     */
    public boolean checkSent(String solver, Problem p, WeightUpdate.Builder u) {
        reason = null;
        detail = null;
        // read through the builders: no message is built just to be checked
        if (u.hasAnalog()) {
            CsiMapping.fromComplexMatrix(u.getAnalogOrBuilder(), sent.analog);
        } else {
            sent.analog.reshape(0, 0);
        }
        int subbands = 1 + u.getSubbandBasebandCount();
        if (subbands != p.subbands()) {
            return fail(Reject.Reason.SOLVER_FAILED, solver + ": the update carries " + subbands + " baseband sets for "
                    + p.subbands() + " subbands");
        }
        sent.setSubbands(subbands);
        CsiMapping.fromComplexMatrix(u.getBasebandOrBuilder(), sent.baseband);
        for (int s = 1; s < subbands; s++) {
            CsiMapping.fromComplexMatrix(u.getSubbandBasebandOrBuilder(s - 1), sent.baseband(s));
        }
        return sentFinite(solver) && power(solver, p, sent, "float weights to be sent");
    }

    /**
     * For every subband s, ‖X_s‖²_F and, when asked, each antenna's row of X_s = F·W_s (or W_s)
     * against the budget (P_t applies to each subband), with the weight frames' own row measure
     * ({@link PowerGuard#measure}), so both guards add power the same way.
     */
    private boolean power(String solver, Problem p, Precoder x, String what) {
        int n = p.antennas();
        double budget = p.powerBudgetW;
        if (rows.length < n) {
            rows = new double[n];
        }
        int subbands = x.subbands();
        for (int s = 0; s < subbands; s++) {
            CMatrix w = x.baseband(s);
            double power = x.isHybrid()
                    ? PowerGuard.measure(x.analog.re, x.analog.im, n, x.analog.cols(), w.re, w.im, w.cols(), rows)
                    : PowerGuard.measure(null, null, n, 0, w.re, w.im, w.cols(), rows);
            if (!(power <= budget * (1 + POWER_TOLERANCE))) {
                return fail(Reject.Reason.POWER_GUARD, solver + " " + what + " radiate " + power + " W"
                        + subbandNote(subbands, s) + ", budget " + budget + " W");
            }
            if (p.perAntennaPower) {
                double perAntenna = budget / n * (1 + POWER_TOLERANCE);
                for (int i = 0; i < n; i++) {
                    double row = rows[i];
                    if (!(row <= perAntenna)) {
                        return fail(Reject.Reason.POWER_GUARD, solver + " antenna " + i + " radiates " + row
                                + " W" + subbandNote(subbands, s) + ", per-antenna budget " + budget / n + " W");
                    }
                }
            }
        }
        return true;
    }

    public Reject.Reason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    private boolean fail(Reject.Reason r, String d) {
        reason = r;
        detail = d;
        return false;
    }
}
