package org.isac.tools.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.isac.tools.record.RecordingSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Summarises a recording made with {@code serve --record} or {@code demo --record}. */
@Command(name = "recording", mixinStandardHelpOptions = true,
        description = {"Read a recording (serve/demo --record DIR): per connection its radio, reports, updates, early stops,",
                "rejects by reason, applied acks, and reports left unanswered or answered twice; the span, the records the",
                "recorder dropped, and any torn tail or corruption. Exit status 1 when a segment is corrupt."})
public final class RecordingCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the recording directory")
    Path dir;

    @Override
    public Integer call() throws Exception {
        RecordingSummary s = RecordingSummary.of(dir);
        System.out.print(s.format());
        return s.outcome.corruption().isEmpty() ? 0 : 1;
    }
}
