package org.isac.solver.linalg;

import java.util.Locale;

/**
 * Picks the {@link FastKernels} implementation once. The vector one is loaded
 * reflectively, so this class never links {@code jdk.incubator.vector} itself: without
 * {@code --add-modules jdk.incubator.vector} (or with {@code -Disac.kernels=scalar}) the
 * scalar implementation is used and {@link #STATUS} says why.
 */
final class KernelLoader {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "org.isac.solver.linalg.VectorKernels";
    static final String VECTOR_COLUMNS_CLASS = "org.isac.solver.linalg.VectorColumnKernels";
    static final String VECTOR_WIDTH_CLASS = "org.isac.solver.linalg.VectorWidth";
    /** System property: the vector width in bits (128, 256, 512) instead of the CPU's preferred one. */
    static final String VECTOR_BITS_PROPERTY = "isac.vector.bits";

    /** The vector implementation, or null when unavailable. */
    static final FastKernels VECTOR;
    /** What {@link FastKernels#get()} returns. */
    static final FastKernels BEST;
    /** One line: the choice and the reason. */
    static final String STATUS;
    /** The vector {@link ColumnKernels}, or null when unavailable. */
    static final ColumnKernels VECTOR_COLUMNS;
    /** What {@link ColumnKernels#get()} returns (vector exactly when {@link #BEST} is). */
    static final ColumnKernels BEST_COLUMNS;
    /** True when the vector kernels run a width wider than the CPU's ({@code -Disac.vector.bits}). */
    static final boolean EMULATED;

    static {
        requestedVectorBits(); // a bad -Disac.vector.bits fails here, not as a silent scalar fallback
        FastKernels vector = null;
        ColumnKernels columns = null;
        boolean emulated = false;
        String why;
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            why = VECTOR_MODULE + " is not in the boot layer (run with --add-modules " + VECTOR_MODULE + ")";
        } else {
            try {
                Class<?> c = Class.forName(VECTOR_CLASS);
                vector = (FastKernels) c.getDeclaredConstructor().newInstance();
                why = (String) c.getDeclaredMethod("describe").invoke(null);
                Class<?> cc = Class.forName(VECTOR_COLUMNS_CLASS);
                columns = (ColumnKernels) cc.getDeclaredConstructor().newInstance();
                why += "; " + cc.getDeclaredMethod("describe").invoke(null);
                emulated = (Boolean) Class.forName(VECTOR_WIDTH_CLASS).getDeclaredMethod("emulated").invoke(null);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                vector = null;
                columns = null;
                emulated = false;
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                why = "vector kernels failed to load: " + cause;
            }
        }
        String choice = System.getProperty("isac.kernels", "auto").trim().toLowerCase(Locale.ROOT);
        if (vector != null && choice.equals("scalar")) {
            BEST = ScalarKernels.INSTANCE;
            STATUS = "scalar: -Disac.kernels=scalar (vector available: " + why + ")";
        } else if (vector != null) {
            BEST = vector;
            STATUS = "vector: " + why;
        } else {
            BEST = ScalarKernels.INSTANCE;
            STATUS = "scalar: " + why;
        }
        VECTOR = vector;
        VECTOR_COLUMNS = columns;
        EMULATED = emulated;
        BEST_COLUMNS = BEST == vector && columns != null ? columns : ScalarColumnKernels.INSTANCE;
    }

    private KernelLoader() {
    }

    /**
     * The width that {@code -Disac.vector.bits} asks for: 128, 256 or 512, or 0 when it is
     * unset, empty or {@code preferred} (the CPU's preferred width).
     *
     * @throws IllegalArgumentException for any other value
     */
    static int requestedVectorBits() {
        String v = System.getProperty(VECTOR_BITS_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "preferred" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("-D" + VECTOR_BITS_PROPERTY + "=" + v
                    + ": the vector width must be 128, 256, 512 or preferred");
        };
    }
}
