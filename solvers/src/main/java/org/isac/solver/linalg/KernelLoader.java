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

    /** The vector implementation, or null when unavailable. */
    static final FastKernels VECTOR;
    /** What {@link FastKernels#get()} returns. */
    static final FastKernels BEST;
    /** One line: the choice and the reason. */
    static final String STATUS;

    static {
        FastKernels vector = null;
        String why;
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            why = VECTOR_MODULE + " is not in the boot layer (run with --add-modules " + VECTOR_MODULE + ")";
        } else {
            try {
                Class<?> c = Class.forName(VECTOR_CLASS);
                vector = (FastKernels) c.getDeclaredConstructor().newInstance();
                why = (String) c.getDeclaredMethod("describe").invoke(null);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
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
    }

    private KernelLoader() {
    }
}
