package org.isac.sim;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.isac.proto.VarintFrameDecoder;
import org.isac.proto.v1.ComplexMatrix;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.FrontEndMessage;
import org.isac.proto.v1.HelloAck;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.linalg.CMatrix;

/**
 * A tiny controller for loopback tests: answers the hello with a HelloAck and each report
 * with weights from {@link SolverRegistry} (the report's solver, else {@code rzf}), except
 * every {@code rejectEvery}-th sequence, which gets Reject SUPERSEDED. Options add an
 * answer delay, duplicate and unknown answers, malformed weights and a rejected hello.
 */
final class FakeController implements AutoCloseable {
    static final String DEFAULT_SOLVER = "rzf";

    int rejectEvery = 5;
    long delayNs;
    boolean duplicateEveryAnswer;
    boolean unknownSequenceAfterEach;
    /** Every this many sequences, send a baseband of the wrong shape (0 = never). */
    int malformedEvery;
    boolean rejectHello;
    /** When set, every update carries this baseband (float32 on the wire) instead of a solve. */
    volatile CMatrix fixedBaseband;
    /** The first CSI report received (its targets, params, …). */
    volatile CsiReport firstReport;

    final List<FrontEndHello> hellos = new CopyOnWriteArrayList<>();
    final AtomicLong reports = new AtomicLong();
    final AtomicLong appliedAcks = new AtomicLong();
    final Map<Long, Long> applyNsBySequence = new ConcurrentHashMap<>();
    final AtomicLong lastReportSequence = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final List<String> goodbyes = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.Semaphore closedSessions = new java.util.concurrent.Semaphore(0);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel server;

    FakeController start() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new VarintFrameDecoder(1 << 20),
                                new ProtobufDecoder(FrontEndMessage.getDefaultInstance()),
                                new ProtobufVarint32LengthFieldPrepender(), new ProtobufEncoder(), new Session());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return this;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Waits until {@code sessions} connections have closed (so every message sent has been read). */
    void awaitClosed(int sessions) throws InterruptedException {
        if (!closedSessions.tryAcquire(sessions, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("radio connections did not close");
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Session extends SimpleChannelInboundHandler<FrontEndMessage> {
        private final Problem problem = new Problem();
        private final Precoder out = new Precoder();
        private Solver solver;
        private long lastSeq;
        /** When the report being answered arrived (System.nanoTime, the radio's shared clock). */
        private long receivedNs;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FrontEndMessage msg) {
            switch (msg.getBodyCase()) {
                case HELLO -> {
                    hellos.add(msg.getHello());
                    if (rejectHello) {
                        ctx.writeAndFlush(ControllerMessage.newBuilder().setReject(Reject.newBuilder()
                                .setReason(Reject.Reason.BAD_HELLO).setDetail("test says no")).build());
                        return;
                    }
                    ctx.writeAndFlush(ControllerMessage.newBuilder().setHelloAck(HelloAck.newBuilder()
                            .setRadioId(msg.getHello().getRadioId()).setProtocolVersion(1)
                            .setController("fake-controller").setDefaultSolver(DEFAULT_SOLVER)
                            .addAllSolvers(SolverRegistry.names())).build());
                }
                case CSI -> answer(ctx, msg.getCsi());
                case GOODBYE -> goodbyes.add(msg.getGoodbye().getReason());
                case APPLIED -> {
                    appliedAcks.incrementAndGet();
                    applyNsBySequence.put(msg.getApplied().getSequence(), msg.getApplied().getApplyNs());
                }
                default -> {
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closedSessions.release();
        }

        private void answer(ChannelHandlerContext ctx, CsiReport r) {
            receivedNs = System.nanoTime();
            if (reports.incrementAndGet() == 1) {
                firstReport = r;
            }
            long seq = r.getSequence();
            if (seq <= lastSeq) {
                outOfOrder.incrementAndGet();
            }
            lastSeq = seq;
            lastReportSequence.set(seq);
            ControllerMessage reply;
            if (rejectEvery > 0 && seq % rejectEvery == 0) {
                reply = ControllerMessage.newBuilder().setReject(Reject.newBuilder().setSequence(seq)
                        .setReason(Reject.Reason.SUPERSEDED).setRadioId(r.getRadioId())).build();
            } else {
                reply = ControllerMessage.newBuilder().setUpdate(solve(r)).build();
            }
            if (delayNs > 0) {
                ctx.executor().schedule(() -> send(ctx, reply, seq), delayNs, TimeUnit.NANOSECONDS);
            } else {
                send(ctx, reply, seq);
            }
        }

        private void send(ChannelHandlerContext ctx, ControllerMessage reply, long seq) {
            ctx.write(reply);
            if (duplicateEveryAnswer) {
                ctx.write(reply);
            }
            if (unknownSequenceAfterEach) {
                ctx.write(ControllerMessage.newBuilder().setReject(Reject.newBuilder().setSequence(seq + 1_000_000)
                        .setReason(Reject.Reason.STALE)).build());
            }
            ctx.flush();
        }

        private WeightUpdate solve(CsiReport r) {
            String name = r.getSolver().isEmpty() ? DEFAULT_SOLVER : r.getSolver();
            if (solver == null || !solver.name().equals(name)) {
                solver = SolverRegistry.create(name);
            }
            if (r.getSubbandsCount() > 0) {
                return solveEachSubband(r);
            }
            ComplexMatrix ch = r.getChannel();
            int n = ch.getRows(), k = ch.getCols();
            CMatrix h = problem.channel.reshape(n, k);
            for (int i = 0; i < n * k; i++) {
                h.re[i] = ch.getRe(i);
                h.im[i] = ch.getIm(i);
            }
            problem.setNoise(k, r.getNoisePowerW(0));
            problem.powerBudgetW = r.getPowerBudgetW();
            problem.params.clear();
            for (Map.Entry<String, Double> e : r.getParamsMap().entrySet()) {
                problem.params.put(e.getKey(), e.getValue());
            }
            long t0 = System.nanoTime();
            CMatrix fixed = fixedBaseband;
            if (fixed == null) {
                solver.solve(problem, out);
            }
            long t1 = System.nanoTime();
            CMatrix w = fixed != null ? fixed : out.baseband;
            boolean malformed = malformedEvery > 0 && r.getSequence() % malformedEvery == 0;
            int rows = malformed ? w.rows() - 1 : w.rows();
            ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(rows).setCols(w.cols());
            for (int i = 0; i < rows * w.cols(); i++) {
                m.addRe((float) w.re[i]);
                m.addIm((float) w.im[i]);
            }
            // stage times on the shared clock (System.nanoTime), as the controller sends them
            return WeightUpdate.newBuilder().setRadioId(r.getRadioId()).setSequence(r.getSequence())
                    .setSolver(solver.name()).setBaseband(m).setSolveNs(t1 - t0).setCaptureNs(r.getCaptureNs())
                    .setIterations(out.iterations).setLayersPlanned(out.layersPlanned)
                    .setStages(org.isac.proto.v1.StageTimes.newBuilder().setReceivedNs(receivedNs).setSolveStartNs(t0)
                            .setSolveEndNs(t1).setEncodedNs(System.nanoTime()))
                    .build();
        }

        /** A wideband report: the (digital) solver on each subband, subband 0 in baseband, the rest in subband_baseband. */
        private WeightUpdate solveEachSubband(CsiReport r) {
            WeightUpdate.Builder u = WeightUpdate.newBuilder().setRadioId(r.getRadioId()).setSequence(r.getSequence())
                    .setSolver(solver.name()).setCaptureNs(r.getCaptureNs());
            problem.powerBudgetW = r.getPowerBudgetW();
            for (int s = 0; s < r.getSubbandsCount(); s++) {
                ComplexMatrix ch = r.getSubbands(s).getChannel();
                int n = ch.getRows(), k = ch.getCols();
                CMatrix h = problem.channel.reshape(n, k);
                for (int i = 0; i < n * k; i++) {
                    h.re[i] = ch.getRe(i);
                    h.im[i] = ch.getIm(i);
                }
                problem.setNoise(k, r.getSubbands(s).getNoisePowerW(0));
                solver.solve(problem, out);
                ComplexMatrix.Builder m = ComplexMatrix.newBuilder().setRows(n).setCols(k);
                for (int i = 0; i < n * k; i++) {
                    m.addRe((float) out.baseband.re[i]);
                    m.addIm((float) out.baseband.im[i]);
                }
                if (s == 0) {
                    u.setBaseband(m);
                } else {
                    u.addSubbandBaseband(m);
                }
            }
            return u.build();
        }
    }
}
