package org.isac.controller.pipeline;

import com.google.protobuf.ByteString;
import org.isac.fpga.EncodeResult;
import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.RadioEncoders;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.guard.GuardCounters;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;

/**
 * The hardware form of the weights: each radio's phase codes and baseband words at the
 * widths of its hello ({@code phase_bits}, {@code baseband_bits}; see
 * {@link EncoderConfig#forHello(FrontEndHello, CodecId)}), framed as {@code fpga-bridge/FRAME.md}
 * describes, into {@code WeightUpdate.fpga_frame}. The frame's own power guard re-checks the
 * quantized weights (the controller's {@link WeightGuard} has already passed the float ones):
 * when quantization pushes them over the budget it lowers the baseband scale, and when it
 * cannot certify them it sends the radio's last good frame or the safe default (all zero)
 * instead; both are counted in {@link #counters()} and the update's {@code predicted} map
 * carries {@code frame_power_w} and, when the guard acted, {@code frame_guard} (the
 * {@code GuardOutcome} ordinal). A wideband solution (S baseband sets) becomes a version 2
 * frame, guarded subband by subband; {@code frame_power_w} is then the largest subband's power.
 *
 * <p>One instance per encoding thread ({@link #newInstance()}); the guard counters are shared.
 */
public final class FpgaWeightEncoder implements WeightEncoder {
    private final CodecId codec;
    private final GuardCounters counters;
    private final RadioEncoders encoders;
    private final java.util.List<RadioEncoders> siblings;

    /** @param codec baseband codec for radios whose hello gives a width (0 = float always uses 16-bit fixed point) */
    public FpgaWeightEncoder(CodecId codec) {
        this(codec, new GuardCounters());
    }

    private FpgaWeightEncoder(CodecId codec, GuardCounters counters) {
        this(codec, counters, new java.util.concurrent.CopyOnWriteArrayList<>());
    }

    private FpgaWeightEncoder(CodecId codec, GuardCounters counters, java.util.List<RadioEncoders> siblings) {
        this.codec = codec;
        this.counters = counters;
        this.encoders = new RadioEncoders(h -> EncoderConfig.forHello(h, codec), counters);
        this.siblings = siblings;
        siblings.add(encoders);
    }

    @Override
    public WeightEncoder newInstance() {
        return new FpgaWeightEncoder(codec, counters, siblings);
    }

    /**
     * Radios whose encoder state this encoder and its siblings keep (read from any thread: exact
     * only when no encode is running). Sessions that ended are forgotten.
     */
    public int radiosKept() {
        int n = 0;
        for (RadioEncoders e : siblings) {
            n += e.size();
        }
        return n;
    }

    /** A sibling with counters of its own (its frames do not show in {@link #counters()}). */
    @Override
    public WeightEncoder uncounted() {
        return new FpgaWeightEncoder(codec, new GuardCounters());
    }

    @Override
    public void forget(String radioId) {
        encoders.forget(radioId);
    }

    /**
     * Creates the radio's frame encoder for its hello (quantizer tables, guard), so that its first
     * update does not: ≈ 0.1 ms on the first update of a default demo's session before. No frame
     * is encoded, so the radio has no last good frame until a real update gives it one.
     */
    @Override
    public void prepare(FrontEndHello hello) {
        try {
            encoders.encoderFor(hello);
        } catch (IllegalArgumentException refusedAtHello) {
            // widths the frame format cannot carry: the hello was refused (refuse says why)
        }
    }

    /** Refuses widths the frame format does not carry ({@link EncoderConfig#forHello}). */
    @Override
    public String refuse(FrontEndHello hello) {
        try {
            EncoderConfig.forHello(hello, codec);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Guard outcomes of every frame encoded by this encoder and its siblings. */
    public GuardCounters counters() {
        return counters;
    }

    public CodecId codec() {
        return codec;
    }

    @Override
    public void encode(FrontEndHello hello, Problem problem, Precoder precoder, WeightUpdate.Builder update) {
        FrameBuffer frame = encoders.encode(hello, update.getSequence(), precoder, problem.powerBudgetW);
        update.setFpgaFrame(ByteString.copyFrom(frame.array(), 0, frame.length()));
        EncodeResult r = encoders.lastResult();
        update.putPredicted("frame_power_w", r.sentPowerW());
        if (r.outcome() != org.isac.fpga.guard.GuardOutcome.ACCEPTED) {
            update.putPredicted("frame_guard", r.outcome().ordinal());
        }
    }

    /** As {@link #encode(FrontEndHello, Problem, Precoder, WeightUpdate.Builder)}, allocation-free: the frame stays in this encoder's buffer. */
    @Override
    public void encode(FrontEndHello hello, Problem problem, Precoder precoder, long sequence, HardwareForm out) {
        FrameBuffer frame = encoders.encode(hello, sequence, precoder, problem.powerBudgetW);
        out.frame(frame.array(), frame.length());
        EncodeResult r = encoders.lastResult();
        out.predict("frame_power_w", r.sentPowerW());
        if (r.outcome() != org.isac.fpga.guard.GuardOutcome.ACCEPTED) {
            out.predict("frame_guard", r.outcome().ordinal());
        }
    }
}
