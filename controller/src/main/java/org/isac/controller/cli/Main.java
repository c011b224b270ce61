package org.isac.controller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code isac} command line. */
@Command(name = "isac", mixinStandardHelpOptions = true, version = "isac-testbed 0.1",
        description = "ISAC testbed controller: serves beamforming weights to front ends that stream CSI.",
        subcommands = {ServeCommand.class, SimCommand.class, DemoCommand.class, SolveCommand.class, BenchCommand.class, QuantizationCommand.class, ReproduceCommand.class, TrainCommand.class,
                SolversCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line (for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
