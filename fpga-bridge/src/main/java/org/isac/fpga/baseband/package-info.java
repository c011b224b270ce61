/**
 * Baseband weight codecs: {@link org.isac.fpga.baseband.FixedIqCodec} (signed IQ words with one
 * scale per frame) and {@link org.isac.fpga.baseband.BlockFloatCodec} (O-RAN style block
 * floating point, one 4-bit exponent per weight vector). Each class documents its round-trip
 * error bound per width.
 */
package org.isac.fpga.baseband;
