package org.isac.tools.cli;

import picocli.CommandLine.Command;

/** Regenerates the papers' tables and figures in this project's terms. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Regenerate a paper's tables and figures into reports/<name>/ (Markdown, CSV and PNG).",
        subcommands = {ReproduceDigitalCommand.class, ReproduceHybridCommand.class, ReproduceDnnCommand.class})
public final class ReproduceCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
