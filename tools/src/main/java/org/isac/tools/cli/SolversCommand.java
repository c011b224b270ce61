package org.isac.tools.cli;

import java.util.concurrent.Callable;
import org.isac.solver.SolverRegistry;
import picocli.CommandLine.Command;

/** Lists the registered solvers and their parameters. */
@Command(name = "solvers", mixinStandardHelpOptions = true, description = "List the solvers this build serves.")
public final class SolversCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (SolverRegistry.Entry e : SolverRegistry.entries()) {
            System.out.printf("%-14s %s%n", e.name(), e.description());
            if (!e.params().isEmpty()) {
                System.out.printf("%-14s params: %s%n", "", e.params());
            }
        }
        return 0;
    }
}
