/**
 * Cross-language test vectors of the weight frame: {@link org.isac.fpga.vectors.FrameVectors}
 * writes Java-encoded frames and the Java parser's reading for the front-end kits in
 * {@code clients/} to agree with.
 */
package org.isac.fpga.vectors;
