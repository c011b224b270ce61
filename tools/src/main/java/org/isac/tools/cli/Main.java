package org.isac.tools.cli;

import org.isac.proto.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code isac} command line. */
@Command(name = "isac", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ISAC testbed controller: serves beamforming weights to front ends that stream CSI.",
        subcommands = {ServeCommand.class, SimCommand.class, DemoCommand.class, SolveCommand.class, BenchCommand.class, QuantizationCommand.class, ReproduceCommand.class, TrainCommand.class,
                SolversCommand.class, PrecisionCommand.class, WidebandCommand.class, AnytimeCommand.class, CapacityCommand.class, CertsCommand.class, RecordingCommand.class, ExportCommand.class, ReplayCommand.class},
        footer = {"", "Launcher commands (run by ./isac itself, not by this program):",
                "  test          the whole test suite: mvn verify over the reactor (what CI runs)",
                "  build         build without tests",
                "  jmh           JMH benchmarks of the tests module (JMH's options: -prof gc)"})
public final class Main implements Runnable {
    /** Name printed before the version. */
    static final String NAME = "isac-testbed";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --version}: the project version from the pom ({@link BuildInfo}) and the JVM. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + BuildInfo.VERSION,
                    "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line (for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true); // --wait-mode blocking, as --transport epoll
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
        // one line per event on stderr, with time and level; any -Dorg.slf4j.simpleLogger.* wins
        System.setProperty("org.slf4j.simpleLogger.showDateTime", System.getProperty("org.slf4j.simpleLogger.showDateTime", "true"));
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat",
                System.getProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
        System.setProperty("org.slf4j.simpleLogger.showThreadName", System.getProperty("org.slf4j.simpleLogger.showThreadName", "false"));
        System.exit(commandLine().execute(args));
    }
}
