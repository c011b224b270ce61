/**
 * Quantization study: sum-rate loss and beampattern error against phase and baseband bits,
 * measured on the weights a front end applies after the frame round trip
 * ({@link org.isac.fpga.study.QuantizationStudy}). The hybrid scenario uses the registry's
 * {@code hybrid-pga} once registered and {@link org.isac.fpga.study.HybridStandIn} until then.
 */
package org.isac.fpga.study;
