package org.isac.controller.pipeline;

import org.isac.controller.CsiMapping;
import org.isac.fpga.guard.PowerGuard;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * The last check before weights leave the controller: right shape, every entry finite,
 * ‖X‖²_F ≤ P_t·(1 + {@value #POWER_TOLERANCE}) for the effective precoder X (F·W when
 * hybrid), and, when the problem asks for per-antenna power, every row of X within
 * P_t/N·(1 + tolerance). Digital solvers may add sensing streams (X is N × (K + N_s)).
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
        boolean hybrid = x.isHybrid();
        boolean shapeOk = hybrid
                ? x.analog.rows() == n && x.baseband.rows() == x.analog.cols() && x.baseband.cols() == k
                : x.baseband.rows() == n && x.baseband.cols() >= k;
        if (!shapeOk) {
            return fail(Reject.Reason.SOLVER_FAILED, solver + " returned analog " + x.analog.rows() + "x"
                    + x.analog.cols() + ", baseband " + x.baseband.rows() + "x" + x.baseband.cols() + " for N=" + n
                    + ", K=" + k);
        }
        if (!x.baseband.allFinite() || (hybrid && !x.analog.allFinite())) {
            return fail(Reject.Reason.POWER_GUARD, solver + " returned non-finite weights");
        }
        return power(solver, p, x, "weights");
    }

    /**
     * The finiteness and power checks of {@link #check} on the float form of {@code x}'s weights
     * (analog F when hybrid, baseband W), which it leaves in {@link #sent()} for the writer to
     * send; the shapes were checked on the solution.
     */
    public boolean checkSent(String solver, Problem p, Precoder x) {
        reason = null;
        detail = null;
        if (x.isHybrid()) {
            toFloat(x.analog, sent.analog);
        } else {
            sent.analog.reshape(0, 0);
        }
        toFloat(x.baseband, sent.baseband);
        if (!sent.baseband.allFinite() || !sent.analog.allFinite()) {
            return fail(Reject.Reason.POWER_GUARD, solver + ": the float weights to be sent are not finite");
        }
        return power(solver, p, sent, "float weights to be sent");
    }

    /**
     * The float weights the last {@link #checkSent} checked, as doubles (each exactly a float):
     * what the update carries. Overwritten by the next check.
     */
    public Precoder sent() {
        return sent;
    }

    /** {@code out} = {@code m} rounded entry by entry to float, as the wire matrix holds it. */
    private static void toFloat(org.isac.solver.linalg.CMatrix m, org.isac.solver.linalg.CMatrix out) {
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
        CsiMapping.fromComplexMatrix(u.getBasebandOrBuilder(), sent.baseband);
        if (!sent.baseband.allFinite() || !sent.analog.allFinite()) {
            return fail(Reject.Reason.POWER_GUARD, solver + ": the float weights to be sent are not finite");
        }
        return power(solver, p, sent, "float weights to be sent");
    }

    /**
     * ‖X‖²_F and, when asked, each antenna's row of X = F·W (or W) against the budget, with the
     * weight frames' own row measure ({@link PowerGuard#measure}), so both guards add power the
     * same way.
     */
    private boolean power(String solver, Problem p, Precoder x, String what) {
        int n = p.antennas();
        double budget = p.powerBudgetW;
        if (rows.length < n) {
            rows = new double[n];
        }
        double power = x.isHybrid()
                ? PowerGuard.measure(x.analog.re, x.analog.im, n, x.analog.cols(), x.baseband.re, x.baseband.im, x.baseband.cols(), rows)
                : PowerGuard.measure(null, null, n, 0, x.baseband.re, x.baseband.im, x.baseband.cols(), rows);
        if (!(power <= budget * (1 + POWER_TOLERANCE))) {
            return fail(Reject.Reason.POWER_GUARD, solver + " " + what + " radiate " + power + " W, budget " + budget + " W");
        }
        if (p.perAntennaPower) {
            double perAntenna = budget / n * (1 + POWER_TOLERANCE);
            for (int i = 0; i < n; i++) {
                double row = rows[i];
                if (!(row <= perAntenna)) {
                    return fail(Reject.Reason.POWER_GUARD, solver + " antenna " + i + " radiates " + row
                            + " W, per-antenna budget " + budget / n + " W");
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
