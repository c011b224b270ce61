package org.isac.bench;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.isac.controller.Controller;
import org.isac.controller.ControllerConfig;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.solver.channel.SalehValenzuela;
import org.isac.solver.linalg.CMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One report through the whole controller: a blocking TCP client sends a {@code CsiReport}
 * (N × K Saleh–Valenzuela channel) and waits for its answer; between them the controller
 * decodes, validates, publishes into the ring, solves, guards, encodes and writes. Sample
 * mode gives the round-trip percentiles: {@code ./isac jmh LoopbackBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "-Xms512m", "-Xmx1g"})
public class LoopbackBenchmark {
    @Param({"rzf"})
    public String solver;

    @Param({"64"})
    public int n;

    @Param({"4"})
    public int k;

    @Param({"0"})
    public int m;

    @Param({"PHASED", "BLOCKING"})
    public String waitMode;

    private Controller controller;
    private Socket socket;
    private OutputStream out;
    private DataInputStream in;
    private CsiReport.Builder report;
    private long sequence;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        controller = new Controller(ControllerConfig.builder().port(0).defaultSolver(solver)
                .waitMode(org.isac.controller.pipeline.WaitMode.valueOf(waitMode)).build()).start();
        socket = new Socket("127.0.0.1", controller.port());
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
        FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("jmh").setRfChains(m).setMaxPowerW(1)
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(n).setVertical(1).setSpacingWavelengths(0.5))
                .setMaxUsers(k).build();
        FrontEndMessage.newBuilder().setHello(hello).build().writeDelimitedTo(out);
        out.flush();
        ControllerMessage ack = ControllerMessage.parseDelimitedFrom(in);
        if (ack == null || !ack.hasHelloAck()) {
            throw new IllegalStateException("no HelloAck: " + ack);
        }
        CMatrix h = new CMatrix();
        new SalehValenzuela(n, k).draw(new SplittableRandom(3), h);
        ComplexMatrix.Builder cm = ComplexMatrix.newBuilder().setRows(n).setCols(k);
        for (int i = 0; i < n * k; i++) {
            cm.addRe((float) h.re[i]).addIm((float) h.im[i]);
        }
        report = CsiReport.newBuilder().setRadioId("jmh").setChannel(cm).addNoisePowerW(Math.pow(10, -1.2))
                .setPowerBudgetW(1);
        report.addTargetsBuilder().setAzimuthRad(Math.toRadians(-60)).setGainRe(1);
        report.addTargetsBuilder().setAzimuthRad(0).setGainRe(1);
        report.addTargetsBuilder().setAzimuthRad(Math.toRadians(60)).setGainRe(1);
    }

    @Benchmark
    public ControllerMessage roundTrip() throws IOException {
        long now = System.nanoTime();
        FrontEndMessage.newBuilder().setCsi(report.setSequence(++sequence).setCaptureNs(now)
                .setDeadlineNs(now + 1_000_000_000L)).build().writeDelimitedTo(out);
        out.flush();
        ControllerMessage answer = ControllerMessage.parseDelimitedFrom(in);
        if (answer == null || !answer.hasUpdate()) {
            throw new IllegalStateException("expected an update, got " + answer);
        }
        return answer;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        socket.close();
        controller.close();
    }
}
