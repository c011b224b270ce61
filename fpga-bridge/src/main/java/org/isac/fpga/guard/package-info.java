/**
 * Transmit-power guard: checks on X = F W (finite, total budget, per-antenna budget), the
 * outcomes and replacements the encoder records, and their counters for metrics.
 */
package org.isac.fpga.guard;
