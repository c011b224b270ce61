package org.isac.fpga;

import java.util.HashMap;
import java.util.function.Function;

import org.isac.fpga.guard.GuardCounters;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Precoder;

/**
 * Controller-side entry point: one {@link WeightFrameEncoder} per radio, configured from the
 * radio's {@link FrontEndHello} (its phase and baseband widths, per-antenna limit), all counting
 * into one {@link GuardCounters} for the controller's metrics.
 *
 * <p>Typical use in the Encode stage, after the solution passed the controller's own checks:
 * <pre>{@code
 * FrameBuffer frame = encoders.encode(session.hello(), report.sequence, precoder, problem.powerBudgetW);
 * update.setFpgaFrame(ByteString.copyFrom(frame.array(), 0, frame.length()));
 * EncodeResult r = encoders.lastResult();   // outcome, replacement, CRC32C, sent power
 * }</pre>
 * An encoder is re-created when a radio's hello changes (a new session with other widths);
 * lookups for the hello object already seen do not allocate. Not thread-safe: one instance per
 * encoding thread.
 */
public final class RadioEncoders {
    private final Function<FrontEndHello, EncoderConfig> configure;
    private final GuardCounters counters;
    private final HashMap<String, Slot> byRadio = new HashMap<>();
    private final FrameBuffer frame = new FrameBuffer();
    private EncodeResult last;

    private static final class Slot {
        FrontEndHello hello;
        WeightFrameEncoder encoder;
    }

    /**
     * @param configure maps a hello to encoder settings, e.g. {@code EncoderConfig::forHello}
     *                  or one that adds a calibration table per radio
     * @param counters  guard counters shared by every radio's encoder
     */
    public RadioEncoders(Function<FrontEndHello, EncoderConfig> configure, GuardCounters counters) {
        this.configure = configure;
        this.counters = counters;
    }

    /** Block floating point at each hello's width ({@link EncoderConfig#forHello(FrontEndHello)}). */
    public RadioEncoders() {
        this(EncoderConfig::forHello, new GuardCounters());
    }

    public GuardCounters counters() {
        return counters;
    }

    /**
     * The encoder for the hello's radio, created (or re-created when the settings changed) on
     * first use of a hello object.
     *
     * @throws IllegalArgumentException when the hello's widths cannot be framed
     */
    public WeightFrameEncoder encoderFor(FrontEndHello hello) {
        String id = hello.getRadioId();
        Slot s = byRadio.get(id);
        if (s != null && s.hello == hello) {
            return s.encoder;
        }
        EncoderConfig cfg = configure.apply(hello);
        if (s == null) {
            s = new Slot();
            byRadio.put(id, s);
        }
        if (s.encoder == null || !s.encoder.config().equals(cfg)) {
            s.encoder = new WeightFrameEncoder(cfg, counters);
        }
        s.hello = hello;
        return s.encoder;
    }

    /**
     * Quantizes, guards and frames a precoder for the hello's radio (see
     * {@link WeightFrameEncoder#encode(String, long, Precoder, double, FrameBuffer)}).
     *
     * @return the frame, in a buffer reused by the next call
     */
    public FrameBuffer encode(FrontEndHello hello, long sequence, Precoder precoder, double budgetW) {
        WeightFrameEncoder e = encoderFor(hello);
        e.encode(hello.getRadioId(), sequence, precoder, budgetW, frame);
        last = e.lastResult();
        return frame;
    }

    /** Result of the last {@link #encode} (null before the first). */
    public EncodeResult lastResult() {
        return last;
    }

    /** Radios with an encoder (and last good frame) kept. */
    public int size() {
        return byRadio.size();
    }

    /** Drops a radio's encoder and its last good frame (when its session ends). */
    public void forget(String radioId) {
        byRadio.remove(radioId);
    }
}
