package org.isac.tools.cli;

import org.isac.controller.ControllerConfig;
import org.isac.controller.pipeline.WeightEncoder;
import picocli.CommandLine.Option;

/** How updates carry the hardware form of the weights; shared by {@code serve}, {@code demo} and {@code solve}. */
public final class WeightFrameOptions {
    @Option(names = "--baseband-codec", paramLabel = "CODEC",
            description = "baseband word format of the weight frames: BFP, FIXED, or NONE for float weights only (default: ${DEFAULT-VALUE})")
    String basebandCodec = ControllerConfig.DEFAULT_BASEBAND_CODEC.name();

    /** A new encoder for the chosen codec. */
    WeightEncoder encoder() {
        return WeightEncoder.forCodec(basebandCodec);
    }
}
