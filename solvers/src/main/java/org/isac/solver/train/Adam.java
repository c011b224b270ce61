package org.isac.solver.train;

/**
 * Adam (Kingma & Ba 2015) over a flat parameter vector: m ← β1·m + (1−β1)·g,
 * v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
 */
public final class Adam {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] m;
    private final double[] v;
    private long t;

    public Adam(int size, double lr) {
        this(size, lr, 0.9, 0.999, 1e-8);
    }

    public Adam(int size, double lr, double beta1, double beta2, double eps) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("Adam needs lr > 0, 0 <= β < 1, ε > 0");
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One descent step on {@code theta} with gradient {@code grad} (same length). */
    public void step(double[] theta, double[] grad) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            theta[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
    }

    public long steps() {
        return t;
    }
}
