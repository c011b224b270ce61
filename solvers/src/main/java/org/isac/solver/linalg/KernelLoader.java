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

    static {
        FastKernels vector = null;
        ColumnKernels columns = null;
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
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                vector = null;
                columns = null;
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
        BEST_COLUMNS = BEST == vector && columns != null ? columns : ScalarColumnKernels.INSTANCE;
    }

    private KernelLoader() {
    }
}
