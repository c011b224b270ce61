package org.isac.controller;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.Reject;

/** Messages and helpers shared by the controller tests (seeded randomness). */
public final class TestData {
    public static final double MAX_POWER_W = 4.0;

    private TestData() {
    }

    public static FrontEndHello hello(String radioId, int antennas) {
        return FrontEndHello.newBuilder()
                .setRadioId(radioId)
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(antennas).setVertical(1))
                .setMaxPowerW(MAX_POWER_W)
                .setProtocolVersion(1)
                .build();
    }

    public static FrontEndMessage wrap(FrontEndHello h) {
        return FrontEndMessage.newBuilder().setHello(h).build();
    }

    public static FrontEndMessage wrap(CsiReport r) {
        return FrontEndMessage.newBuilder().setCsi(r).build();
    }

    /** A random N × K complex Gaussian channel (seeded). */
    public static ComplexMatrix.Builder channel(int n, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ComplexMatrix.Builder b = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            b.addRe((float) gaussian(rnd));
        }
        for (int i = 0; i < n * k; i++) {
            b.addIm((float) gaussian(rnd));
        }
        return b;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble(1e-12, 1.0);
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) / Math.sqrt(2);
    }

    /** A valid report: N × K channel, one noise value 0.1 W, budget 2 W, no deadline. */
    public static CsiReport.Builder report(String radioId, long sequence, int n, int k) {
        return CsiReport.newBuilder()
                .setRadioId(radioId)
                .setSequence(sequence)
                .setChannel(channel(n, k, 1000 + sequence))
                .addNoisePowerW(0.1)
                .setPowerBudgetW(2.0);
    }

    /**
     * A valid wideband report: S subbands of N × K channels (subband s seeded from the sequence
     * and s), per-user noise 0.1·(1 + s/10) W in subband s, 100 kHz apart around a 3.5 GHz
     * carrier, budget 2 W.
     */
    public static CsiReport.Builder widebandReport(String radioId, long sequence, int subbands, int n, int k) {
        CsiReport.Builder b = CsiReport.newBuilder()
                .setRadioId(radioId)
                .setSequence(sequence)
                .setPowerBudgetW(2.0)
                .setCarrierHz(3.5e9);
        for (int s = 0; s < subbands; s++) {
            org.isac.proto.v1.Subband.Builder sb = org.isac.proto.v1.Subband.newBuilder()
                    .setChannel(channel(n, k, 1000 + 7919L * s + sequence))
                    .setFrequencyOffsetHz(100e3 * (s - (subbands - 1) / 2.0));
            for (int u = 0; u < k; u++) {
                sb.addNoisePowerW(0.1 * (1 + s / 10.0) * (1 + 0.01 * u));
            }
            b.addSubbands(sb);
        }
        return b;
    }

    /** Bytes of {@code m} with its varint length prefix. */
    public static byte[] delimited(FrontEndMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            m.writeDelimitedTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Every message the channel has written, decoded. */
    public static List<ControllerMessage> outbound(EmbeddedChannel ch) {
        List<ControllerMessage> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            try (ByteBufInputStream in = new ByteBufInputStream(b, true)) {
                ControllerMessage m;
                while ((m = ControllerMessage.parseDelimitedFrom(in)) != null) {
                    out.add(m);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static Reject reject(ControllerMessage m) {
        if (!m.hasReject()) {
            throw new AssertionError("expected a Reject, got " + m);
        }
        return m.getReject();
    }

    /** ‖X‖²_F of a wire matrix. */
    public static double power(ComplexMatrix x) {
        double s = 0;
        for (int i = 0; i < x.getReCount(); i++) {
            s += (double) x.getRe(i) * x.getRe(i) + (double) x.getIm(i) * x.getIm(i);
        }
        return s;
    }

    /**
     * The controller's counters once the last answer's bookkeeping is done: an answer leaves for
     * the socket before its event is counted complete, so a client that has just read it can see
     * the report both answered and still in flight. Waits (up to 10 s) until the books balance
     * with nothing in flight.
     */
    public static org.isac.controller.metrics.MetricsSnapshot settled(Controller c) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        org.isac.controller.metrics.MetricsSnapshot m = c.metrics();
        while ((!m.balanced() || m.inFlight() != 0) && System.nanoTime() < end) {
            Thread.sleep(5);
            m = c.metrics();
        }
        return m;
    }
}
