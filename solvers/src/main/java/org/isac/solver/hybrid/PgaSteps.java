package org.isac.solver.hybrid;

import java.util.Arrays;

/**
 * Per-layer step sizes of the modified PGA, seed 000 eqs. (23b) and (24): μ(i, j) for the
 * j-th inner F step of outer iteration i and λ(i) for its W step, i = 0…I−1, j = 0…J−1.
 * The untrained PGA fills them with constants ({@link #setConstant}); an unfolded (trained)
 * model writes its learned values with {@link #setMu} / {@link #setLambda}. Grow-only storage:
 * resizing to a size that fits allocates nothing. Not thread-safe.
 */
public final class PgaSteps {
    private int outer;
    private int inner;
    private double[] mu = new double[0];
    private double[] lambda = new double[0];

    /** Sets the shape I × J; the steps are zeroed. */
    public PgaSteps resize(int outerIterations, int innerIterations) {
        if (outerIterations < 0 || innerIterations < 0) {
            throw new IllegalArgumentException("negative PGA shape " + outerIterations + "x" + innerIterations);
        }
        int size = outerIterations * innerIterations;
        if (mu.length < size) {
            mu = new double[size];
        }
        if (lambda.length < outerIterations) {
            lambda = new double[outerIterations];
        }
        outer = outerIterations;
        inner = innerIterations;
        Arrays.fill(mu, 0, size, 0);
        Arrays.fill(lambda, 0, outerIterations, 0);
        return this;
    }

    /** Shape I × J with μ(i, j) = {@code mu} and λ(i) = {@code lambda} for all i, j. */
    public PgaSteps setConstant(int outerIterations, int innerIterations, double mu, double lambda) {
        resize(outerIterations, innerIterations);
        Arrays.fill(this.mu, 0, outerIterations * innerIterations, mu);
        Arrays.fill(this.lambda, 0, outerIterations, lambda);
        return this;
    }

    /** True when the shape is I × J and every step equals the given constants. */
    public boolean isConstant(int outerIterations, int innerIterations, double mu, double lambda) {
        if (outer != outerIterations || inner != innerIterations) {
            return false;
        }
        for (int i = 0; i < outer * inner; i++) {
            if (this.mu[i] != mu) {
                return false;
            }
        }
        for (int i = 0; i < outer; i++) {
            if (this.lambda[i] != lambda) {
                return false;
            }
        }
        return true;
    }

    public int outer() {
        return outer;
    }

    public int inner() {
        return inner;
    }

    /** μ(i, j). */
    public double mu(int i, int j) {
        return mu[i * inner + j];
    }

    /** λ(i). */
    public double lambda(int i) {
        return lambda[i];
    }

    public void setMu(int i, int j, double value) {
        if (i < 0 || i >= outer || j < 0 || j >= inner) {
            throw new IndexOutOfBoundsException("μ(" + i + ", " + j + ") outside " + outer + "x" + inner);
        }
        mu[i * inner + j] = value;
    }

    public void setLambda(int i, double value) {
        if (i < 0 || i >= outer) {
            throw new IndexOutOfBoundsException("λ(" + i + ") outside " + outer);
        }
        lambda[i] = value;
    }

    public void copyFrom(PgaSteps o) {
        resize(o.outer, o.inner);
        System.arraycopy(o.mu, 0, mu, 0, o.outer * o.inner);
        System.arraycopy(o.lambda, 0, lambda, 0, o.outer);
    }
}
