package org.isac.tools.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.isac.proto.record.Recorder;
import picocli.CommandLine.Option;

/** {@code --record DIR} and its sizes; shared by {@code serve}, {@code demo} (the controller's side) and {@code sim} (the radios' side). */
public final class RecordOptions {
    @Option(names = "--record", paramLabel = "DIR",
            description = "record every message of every session (wire envelopes with receive / send times) into DIR,"
                    + " a new directory; read it with `isac recording DIR`")
    Path dir;

    @Option(names = "--record-segment-mb", paramLabel = "MB", defaultValue = "256",
            description = "start a new segment file after this many MiB (default: ${DEFAULT-VALUE})")
    long segmentMb;

    @Option(names = "--record-queue-mb", paramLabel = "MB", defaultValue = "64",
            description = "records waiting for the disk beyond this many MiB are dropped and counted, never waited for"
                    + " (default: ${DEFAULT-VALUE})")
    long queueMb;

    /** A controller-side recorder on {@code clock} when {@code --record} was given, else null. */
    Recorder open(LongSupplier clock) throws IOException {
        return open(clock, org.isac.proto.record.RecordFormat.Role.CONTROLLER);
    }

    /** A recorder for {@code role}'s side of the wire on {@code clock} when {@code --record} was given, else null. */
    Recorder open(LongSupplier clock, org.isac.proto.record.RecordFormat.Role role) throws IOException {
        if (dir == null) {
            return null;
        }
        if (segmentMb < 1 || queueMb < 1) {
            throw new IllegalArgumentException("--record-segment-mb and --record-queue-mb must be at least 1");
        }
        return Recorder.open(dir, new Recorder.Options(segmentMb << 20, 1 << 20, queueMb << 20), clock, role);
    }
}
