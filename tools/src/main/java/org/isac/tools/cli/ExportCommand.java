package org.isac.tools.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.isac.tools.record.RecordingExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A recording as Parquet files and a DuckDB database. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Turn a recording (serve/demo --record DIR) into tables any tool can read: reports.parquet,",
                "updates.parquet, rejects.parquet, applied.parquet and recording.duckdb with the same tables",
                "(timings, solver, layers, predicted metrics, channels and weights as arrays)."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the recording directory")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the tables (default: DIR/export)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path to = out != null ? out : dir.resolve("export");
        RecordingExport.Result r = RecordingExport.export(dir, to);
        for (Map.Entry<String, Long> e : r.rows().entrySet()) {
            System.out.printf("%-8s %8d rows  %s%n", e.getKey(), e.getValue(), to.resolve(e.getKey() + ".parquet"));
        }
        System.out.println("database " + r.database());
        if (r.outcome().tornTail() != null) {
            System.err.println("torn tail (not exported): " + r.outcome().tornTail());
        }
        for (String c : r.outcome().corruption()) {
            System.err.println("CORRUPT (skipped): " + c);
        }
        return r.outcome().corruption().isEmpty() ? 0 : 1;
    }
}
