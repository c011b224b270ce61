package org.isac.controller.pipeline;

import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * Seam for the hardware form of the weights: fills {@code fpga_frame} (and anything else
 * hardware-specific) of an update whose float weights are already set. Runs on the encode
 * thread only, after the power guard passed; may keep its own workspace.
 */
public interface WeightEncoder {

    /** Leaves {@code fpga_frame} empty. */
    WeightEncoder NONE = (hello, problem, precoder, update) -> { };

    /**
     * @param hello    the session's hello (array geometry, phase bits, baseband bits)
     * @param problem  the problem that was solved (read only)
     * @param precoder the guarded solution (read only)
     * @param update   the update being built; modified
     */
    void encode(FrontEndHello hello, Problem problem, Precoder precoder, WeightUpdate.Builder update);
}
