package org.isac.solver.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width of the Vector API kernels: the CPU's preferred one, or the one that
 * {@code -Disac.vector.bits=128|256|512} asks for ({@link KernelLoader#requestedVectorBits()}
 * checks the value). A width wider than the CPU's (512 bits on an AVX2 machine) still runs,
 * element by element in Java and much slower, with the same lane-by-lane results: that is
 * how the 16-lane float path is tested on a machine without AVX-512, and the 8-lane one on
 * a machine with it. Read once, when the first vector kernel class loads; loaded only
 * reflectively through those classes.
 */
final class VectorWidth {
    /** The width asked for, in bits, or 0 for the CPU's preferred one. */
    static final int BITS = KernelLoader.requestedVectorBits();
    /** The CPU's preferred width in bits. */
    static final int PREFERRED_BITS = VectorShape.preferredShape().vectorBitSize();

    private VectorWidth() {
    }

    /** The float species: the width asked for, else the preferred one up to 512 bits (16 lanes, the column kernels' reduction lanes). */
    static VectorSpecies<Float> floats() {
        if (BITS == 0) {
            return PREFERRED_BITS <= 512 ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;
        }
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));
    }

    /** The double species: the width asked for, else the preferred one. */
    static VectorSpecies<Double> doubles() {
        return BITS == 0 ? DoubleVector.SPECIES_PREFERRED : DoubleVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));
    }

    /** True when the width asked for is wider than the CPU's: correct, but element by element and allocating. */
    static boolean emulated() {
        return BITS > PREFERRED_BITS;
    }

    /** "", or a note that the width was forced and whether this CPU runs it natively. */
    static String note() {
        if (BITS == 0) {
            return "";
        }
        return emulated()
                ? " forced by -D" + KernelLoader.VECTOR_BITS_PROPERTY + ", wider than this CPU's " + PREFERRED_BITS + " bits: emulated, slow"
                : " forced by -D" + KernelLoader.VECTOR_BITS_PROPERTY;
    }
}
