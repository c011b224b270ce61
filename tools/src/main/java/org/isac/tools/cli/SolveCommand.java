package org.isac.tools.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.isac.controller.ControllerConfig;
import org.isac.controller.CsiMapping;
import org.isac.controller.Rejection;
import org.isac.controller.ReportValidator;
import org.isac.controller.pipeline.WeightEncoder;
import org.isac.controller.pipeline.WeightGuard;
import org.isac.controller.pipeline.WeightUpdates;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.Solver;
import org.isac.solver.SolverRegistry;
import org.isac.solver.SubbandLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Offline solve: a {@code CsiReport} in protobuf's JSON mapping in, the {@code WeightUpdate}
 * out, through the same validation, mapping, power guard and update assembly
 * ({@link WeightUpdates}, {@code fpga_frame} included) as the live controller; a wideband report
 * (subbands) goes to a narrowband solver through the controller's {@link SubbandLoop}. Without
 * {@code --hello} the report stands alone ({@link CsiMapping#impliedHello}).
 */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = {"Solve one CsiReport (protobuf JSON mapping) from FILE or stdin and print the WeightUpdate as JSON.",
                "With --batch, read one report per line and write one message per line (a WeightUpdate,",
                "or a Reject for a report that fails validation), for replaying recorded sessions; FILE may also be",
                "a recording (serve/demo --record DIR): every recorded report, each with its session's hello."})
public final class SolveCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "report file; '-' or absent = stdin; with --batch also a recording directory")
    String input;

    @Option(names = "--hello", paramLabel = "FILE",
            description = {"FrontEndHello (JSON) the report belongs to: rf_chains, arrays, phase and baseband bits,",
                    "per-antenna power, max power. Without it a report stands alone: fully digital, its own",
                    "tx_array (else a ULA), and a weight frame at a hello's default widths (8-bit phases, 16-bit fixed IQ)"})
    Path helloFile;

    @Option(names = "--solver", paramLabel = "NAME", description = "override the report's solver (see `isac solvers`)")
    String solver;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "override a solver parameter (repeatable)")
    Map<String, Double> params = new LinkedHashMap<>();

    @Option(names = "--batch", description = "JSON lines in, JSON lines out; exit status 1 when any line is rejected")
    boolean batch;

    @Mixin
    WeightFrameOptions frames = new WeightFrameOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, Solver> solvers = new HashMap<>();
    private final WeightGuard guard = new WeightGuard();
    private final SubbandLoop subbands = new SubbandLoop();
    private WeightEncoder encoder;
    private FrontEndHello hello;

    @Override
    public Integer call() throws IOException {
        if (solver != null && !SolverRegistry.exists(solver)) {
            throw new IllegalArgumentException("unknown solver '" + solver + "'; known: " + SolverRegistry.names());
        }
        if (helloFile != null) {
            FrontEndHello.Builder hb = FrontEndHello.newBuilder();
            JsonFormat.parser().merge(Files.readString(helloFile, StandardCharsets.UTF_8), hb);
            hello = hb.build();
            Rejection bad = ReportValidator.validateHello(hello);
            if (bad != null) {
                throw new IllegalArgumentException("hello " + helloFile + ": " + bad.reason() + ": " + bad.detail());
            }
        }
        encoder = frames.encoder();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch && input != null && Files.isDirectory(Path.of(input))) {
            return solveRecording(Path.of(input), out, err);
        }
        try (BufferedReader in = open()) {
            if (!batch) {
                StringBuilder sb = new StringBuilder();
                for (String line; (line = in.readLine()) != null; ) {
                    sb.append(line).append('\n');
                }
                ControllerMessage m = solveJson(sb.toString(), 1);
                if (m.hasReject()) {
                    err.println("rejected: " + m.getReject().getReason() + ": " + m.getReject().getDetail());
                    err.flush();
                    return 1;
                }
                out.println(JsonFormat.printer().print(m.getUpdate()));
                out.flush();
                return 0;
            }
            JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
            int rejected = 0;
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                ControllerMessage m = solveJson(line, lineNo);
                rejected += m.hasReject() ? 1 : 0;
                out.println(printer.print(m));
            }
            out.flush();
            if (rejected > 0) {
                err.println(rejected + " report(s) rejected");
                err.flush();
            }
            return rejected == 0 ? 0 : 1;
        }
    }

    /**
     * Every report of a recording, in order, each validated and solved with its own session's
     * hello (unless {@code --hello} names one) and {@code --solver} / {@code --param} applied.
     */
    private int solveRecording(Path dir, PrintWriter out, PrintWriter err) throws IOException {
        org.isac.tools.record.RecordedSessions.Read read = org.isac.tools.record.RecordedSessions.read(dir);
        JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
        FrontEndHello given = hello;
        int rejected = 0;
        for (org.isac.tools.record.RecordedSessions.Session s : read.sessions()) {
            hello = given != null ? given : s.hello();
            for (org.isac.tools.record.RecordedSessions.Report r : s.reports()) {
                CsiReport.Builder rb = r.report().toBuilder();
                if (solver != null) {
                    rb.setSolver(solver);
                }
                rb.putAllParams(params);
                ControllerMessage m = s.hello() == null && given == null
                        ? Rejection.message(Reject.Reason.NO_HELLO, "the recorded session never said hello", rb.getRadioId(), rb.getSequence())
                        : solve(rb.build());
                rejected += m.hasReject() ? 1 : 0;
                out.println(printer.print(m));
            }
        }
        hello = given;
        out.flush();
        if (read.outcome().tornTail() != null) {
            err.println("torn tail (not read): " + read.outcome().tornTail());
        }
        for (String c : read.outcome().corruption()) {
            err.println("CORRUPT (skipped): " + c);
        }
        if (rejected > 0) {
            err.println(rejected + " report(s) rejected");
        }
        err.flush();
        return rejected == 0 && read.outcome().corruption().isEmpty() ? 0 : 1;
    }

    private BufferedReader open() throws IOException {
        if (input == null || input.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
    }

    /** Parses, validates and solves one report; never throws for bad input. */
    ControllerMessage solveJson(String json, int lineNo) {
        CsiReport.Builder rb = CsiReport.newBuilder();
        try {
            JsonFormat.parser().merge(json, rb);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Rejection.message(Reject.Reason.MALFORMED, "line " + lineNo + ": " + e.getMessage(), "", 0);
        }
        if (solver != null) {
            rb.setSolver(solver);
        }
        rb.putAllParams(params);
        return solve(rb.build());
    }

    /** Validates and solves one report with this command's hello; a Reject on any failure. */
    ControllerMessage solve(CsiReport r) {
        Rejection bad = ReportValidator.validate(r, hello);
        if (bad != null) {
            return bad.toMessage(r.getRadioId(), r.getSequence());
        }
        String name = r.getSolver().isEmpty() ? ControllerConfig.DEFAULT_SOLVER : r.getSolver();
        Solver s = solvers.get(name);
        if (s == null) {
            if (!SolverRegistry.exists(name)) {
                return Rejection.message(Reject.Reason.UNKNOWN_SOLVER, "unknown solver '" + name + "'; known: "
                        + SolverRegistry.names(), r.getRadioId(), r.getSequence());
            }
            s = SolverRegistry.create(name);
            solvers.put(name, s);
        }
        Problem p = CsiMapping.toProblem(r, hello);
        Precoder x = new Precoder();
        long t0 = System.nanoTime();
        try {
            subbands.solve(s, p, x); // a wideband report with a narrowband solver: as the controller does
        } catch (SubbandLoop.HybridNotWideband e) {
            return Rejection.message(Reject.Reason.BAD_PARAMETER, e.getMessage(), r.getRadioId(), r.getSequence());
        } catch (RuntimeException e) {
            return Rejection.message(Reject.Reason.SOLVER_FAILED, name + ": " + e, r.getRadioId(), r.getSequence());
        }
        long solveNs = System.nanoTime() - t0;
        if (!guard.check(name, p, x)) {
            return Rejection.message(guard.reason(), guard.detail(), r.getRadioId(), r.getSequence());
        }
        FrontEndHello h = hello != null ? hello : CsiMapping.impliedHello(r);
        WeightUpdate.Builder u = WeightUpdates.fill(encoder, h, p, x, r.getRadioId(), r.getSequence(), name,
                r.getCaptureNs(), solveNs, WeightUpdate.newBuilder());
        return ControllerMessage.newBuilder().setUpdate(u).build();
    }
}
