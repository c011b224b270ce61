package org.isac.controller.pipeline;

import java.util.Arrays;
import java.util.Locale;
import org.isac.fpga.baseband.CodecId;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * Seam for the hardware form of the weights: fills {@code fpga_frame} (and anything else
 * hardware-specific) of an update whose float weights are already set. Runs on one solve
 * shard's thread, after the power guard passed; each shard gets its own
 * {@link #newInstance()}, which may keep a workspace.
 */
public interface WeightEncoder {

    /** Leaves {@code fpga_frame} empty. */
    WeightEncoder NONE = new WeightEncoder() {
        @Override
        public void encode(FrontEndHello hello, Problem problem, Precoder precoder, WeightUpdate.Builder update) {
        }

        @Override
        public void encode(FrontEndHello hello, Problem problem, Precoder precoder, long sequence, HardwareForm out) {
        }

        @Override
        public String toString() {
            return "NONE";
        }
    };

    /**
     * Makes what this encoder keeps for the hello's radio before its first update, on the shard's
     * thread but off the report path (the session's primer event): by default nothing. Must not
     * change what any update becomes (no frame kept as the radio's last good one).
     */
    default void prepare(FrontEndHello hello) {
    }

    /**
     * The encoder for a codec name as the command line gives it, ignoring case: a baseband
     * {@link CodecId} ({@code BFP}, {@code FIXED}) frames every update with an
     * {@link FpgaWeightEncoder}; {@code NONE} is {@link #NONE}.
     *
     * @throws IllegalArgumentException for any other name, listing the accepted ones
     */
    static WeightEncoder forCodec(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("NONE")) {
            return NONE;
        }
        for (CodecId c : CodecId.values()) {
            if (c.name().equals(n)) {
                return new FpgaWeightEncoder(c);
            }
        }
        throw new IllegalArgumentException("unknown baseband codec '" + name + "'; known: "
                + Arrays.toString(CodecId.values()) + " or NONE");
    }

    /**
     * @param hello    the session's hello (array geometry, phase bits, baseband bits)
     * @param problem  the problem that was solved (read only)
     * @param precoder the guarded solution (read only)
     * @param update   the update being built; modified
     */
    void encode(FrontEndHello hello, Problem problem, Precoder precoder, WeightUpdate.Builder update);

    /**
     * The same hardware form without building a message, as the live encode stage asks for it:
     * the frame and predicted entries go into {@code out} (cleared by the caller). Encoders on
     * the hot path override this allocation-free ({@link FpgaWeightEncoder}, {@link #NONE}); this
     * default runs {@link #encode(FrontEndHello, Problem, Precoder, WeightUpdate.Builder)} on a
     * scratch update that holds only {@code sequence} and copies what it set (allocates).
     *
     * @param sequence the sequence of the report being answered
     */
    default void encode(FrontEndHello hello, Problem problem, Precoder precoder, long sequence, HardwareForm out) {
        WeightUpdate.Builder b = WeightUpdate.newBuilder().setSequence(sequence);
        encode(hello, problem, precoder, b);
        com.google.protobuf.ByteString f = b.getFpgaFrame();
        if (!f.isEmpty()) {
            out.frame(f.toByteArray(), f.size());
        }
        for (java.util.Map.Entry<String, Double> en : b.getPredictedMap().entrySet()) {
            out.predict(en.getKey(), en.getValue());
        }
    }

    /**
     * The encoder one more encoding thread uses: {@code this} for stateless encoders, a
     * sibling with its own workspace otherwise.
     */
    default WeightEncoder newInstance() {
        return this;
    }

    /**
     * An instance for work that must not show in the live counts (the solver warm-up):
     * {@link #newInstance()} unless the encoder counts what it encodes.
     */
    default WeightEncoder uncounted() {
        return newInstance();
    }

    /** Drops what this instance keeps for {@code radioId} (its session ended). */
    default void forget(String radioId) {
    }

    /** Null when this encoder can serve {@code hello}'s hardware widths, else why not (checked at hello). */
    default String refuse(FrontEndHello hello) {
        return null;
    }
}
