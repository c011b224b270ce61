package org.isac.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.fpga.EncoderConfig;
import org.isac.fpga.FrameBuffer;
import org.isac.fpga.WeightFrameEncoder;
import org.isac.fpga.baseband.CodecId;
import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.FrameRejectedException;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.fpga.guard.GuardCounters;
import org.isac.solver.Precoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hardware weight frames at N × M hybrid shapes: quantize + guard + frame (controller side)
 * and parse + dequantize (radio side). With {@code -prof gc} the allocation rate per
 * operation should be ~0 after warm-up: {@code ./isac jmh FrameBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FrameBenchmark {
    @Param({"64"})
    public int n;

    @Param({"4"})
    public int m;

    @Param({"BFP", "FIXED"})
    public String codec;

    private WeightFrameEncoder encoder;
    private final Precoder precoder = new Precoder();
    private final FrameBuffer frame = new FrameBuffer();
    private final WeightFrameParser parser = new WeightFrameParser();
    private final DecodedFrame decoded = new DecodedFrame();
    private final Precoder applied = new Precoder();
    private long sequence;

    @Setup
    public void setup() {
        CodecId c = CodecId.valueOf(codec);
        encoder = new WeightFrameEncoder(EncoderConfig.defaults().withBaseband(c, c == CodecId.BFP ? 9 : 16),
                new GuardCounters());
        SplittableRandom rnd = new SplittableRandom(5);
        precoder.analog.reshape(n, m);
        for (int i = 0; i < n * m; i++) {
            double phi = 2 * Math.PI * rnd.nextDouble();
            precoder.analog.re[i] = Math.cos(phi);
            precoder.analog.im[i] = Math.sin(phi);
        }
        precoder.baseband.reshape(m, m);
        for (int i = 0; i < m * m; i++) {
            precoder.baseband.re[i] = rnd.nextGaussian();
            precoder.baseband.im[i] = rnd.nextGaussian();
        }
        double p = precoder.effective(new org.isac.solver.linalg.CMatrix()).frobeniusNorm2();
        precoder.baseband.scale(Math.sqrt(0.99 / p));
        encoder.encode("bench", ++sequence, precoder, 1.0, frame);
    }

    @Benchmark
    public int encode() {
        return encoder.encode("bench", ++sequence, precoder, 1.0, frame);
    }

    @Benchmark
    public Precoder parseAndApply() throws FrameRejectedException {
        parser.parse(frame.array(), 0, frame.length(), decoded);
        return decoded.toPrecoder(applied, null);
    }
}
