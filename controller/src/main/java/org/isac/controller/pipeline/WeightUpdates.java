package org.isac.controller.pipeline;

import org.isac.controller.CsiMapping;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * The {@code WeightUpdate} that answers a solved report whose solution passed the
 * {@link WeightGuard}: the float weights and predictions ({@link CsiMapping#toUpdate}), the
 * report's capture time, the solve time, and the hardware form of the weights from the
 * {@link WeightEncoder} ({@code fpga_frame}). The live {@link EncodeStage} and the offline
 * {@code solve} command both answer through here, so what {@code solve} prints is what a
 * front end receives; only the live path adds the stage timestamps.
 */
public final class WeightUpdates {

    private WeightUpdates() {
    }

    /**
     * Fills {@code out} (modified and returned).
     *
     * @param encoder  the hardware encoder of this thread ({@link WeightEncoder#NONE} for none)
     * @param hello    the radio's hello: phase and baseband widths, per-antenna limit
     * @param problem  the problem that was solved (read only)
     * @param precoder the guarded solution (read only)
     */
    public static WeightUpdate.Builder fill(WeightEncoder encoder, FrontEndHello hello, Problem problem, Precoder precoder,
                                            String radioId, long sequence, String solver, long captureNs, long solveNs,
                                            WeightUpdate.Builder out) {
        CsiMapping.toUpdate(precoder, radioId, sequence, solver, out);
        out.setCaptureNs(captureNs).setSolveNs(solveNs);
        encoder.encode(hello, problem, precoder, out);
        return out;
    }
}
