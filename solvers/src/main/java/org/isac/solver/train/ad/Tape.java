package org.isac.solver.train.ad;

import java.util.ArrayList;
import java.util.List;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.Kernels;

/**
 * A small reverse-mode automatic differentiation tape over complex matrices, for training
 * unfolded solvers (not for the hot path: every operation allocates its result).
 *
 * <p>Values are {@link CMatrix}; real scalars and real vectors are matrices whose imaginary
 * parts are zero. The loss must be a real 1 × 1 node. For a complex node Z the tape
 * accumulates Ḡ = ∂L/∂Re Z + j·∂L/∂Im Z, so that dL = Re Σ conj(Ḡ)·dZ; Ḡ is twice the
 * Wirtinger gradient ∂L/∂Z* used in the papers (df = 2·Re⟨∇f, dZ⟩).
 *
 * <p>Usage: create leaves with {@link #constant} and {@link #variable}, build the
 * computation with the operations below, then call {@link #backward(Node)} and read
 * {@link Node#grad()} of the variables. A tape is single-use per forward pass
 * ({@link #clear()} to reuse the object).
 */
public final class Tape {
    private final List<Node> nodes = new ArrayList<>();

    /** A value on the tape and its accumulated gradient. */
    public static final class Node {
        final CMatrix value;
        CMatrix grad;
        final boolean needsGrad;
        Backward backward;

        Node(CMatrix value, boolean needsGrad) {
            this.value = value;
            this.needsGrad = needsGrad;
        }

        public CMatrix value() {
            return value;
        }

        /** Ḡ = ∂L/∂Re Z + j·∂L/∂Im Z after {@link Tape#backward}; zeros when nothing reached it. */
        public CMatrix grad() {
            if (grad == null) {
                grad = new CMatrix(value.rows(), value.cols());
            }
            return grad;
        }

        /** The value of a 1 × 1 real node. */
        public double scalar() {
            return value.re[0];
        }

        public int rows() {
            return value.rows();
        }

        public int cols() {
            return value.cols();
        }

        CMatrix g() {
            return grad();
        }
    }

    @FunctionalInterface
    interface Backward {
        void run(CMatrix outGrad);
    }

    public void clear() {
        nodes.clear();
    }

    public int size() {
        return nodes.size();
    }

    /** A leaf that receives no gradient (data). The matrix is copied. */
    public Node constant(CMatrix m) {
        return add(new Node(new CMatrix().copyFrom(m), false));
    }

    /** A real 1 × 1 constant. */
    public Node constant(double v) {
        CMatrix m = new CMatrix(1, 1);
        m.re[0] = v;
        return add(new Node(m, false));
    }

    /** A leaf whose gradient is wanted (a trainable parameter). The matrix is copied. */
    public Node variable(CMatrix m) {
        return add(new Node(new CMatrix().copyFrom(m), true));
    }

    /** A real 1 × 1 variable. */
    public Node variable(double v) {
        CMatrix m = new CMatrix(1, 1);
        m.re[0] = v;
        return add(new Node(m, true));
    }

    private Node add(Node n) {
        nodes.add(n);
        return n;
    }

    private Node result(CMatrix value, Node... inputs) {
        boolean needs = false;
        for (Node in : inputs) {
            needs |= in.needsGrad;
        }
        return add(new Node(value, needs));
    }

    /** Runs the reverse pass from the real scalar {@code loss} (seeded with dL/dL = 1). */
    public void backward(Node loss) {
        if (loss.rows() != 1 || loss.cols() != 1) {
            throw new IllegalArgumentException("loss must be 1x1, got " + loss.rows() + "x" + loss.cols());
        }
        for (Node n : nodes) {
            if (n.grad != null) {
                n.grad.zero();
            }
        }
        loss.grad().re[0] = 1;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.backward != null && n.needsGrad && n.grad != null) {
                n.backward.run(n.grad);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void accumulate(Node target, CMatrix delta) {
        if (!target.needsGrad) {
            return;
        }
        CMatrix g = target.g();
        for (int i = 0; i < delta.size(); i++) {
            g.re[i] += delta.re[i];
            g.im[i] += delta.im[i];
        }
    }

    private static CMatrix adjoint(CMatrix a) {
        CMatrix c = new CMatrix(a.cols(), a.rows());
        for (int r = 0; r < a.rows(); r++) {
            for (int col = 0; col < a.cols(); col++) {
                c.set(col, r, a.re(r, col), -a.im(r, col));
            }
        }
        return c;
    }

    private static CMatrix mulAdjB(CMatrix a, CMatrix b) {
        CMatrix c = new CMatrix();
        Kernels.mul(a, adjoint(b), c);
        return c;
    }

    private static CMatrix mulAdjA(CMatrix a, CMatrix b) {
        CMatrix c = new CMatrix();
        Kernels.mulConjTransA(a, b, c);
        return c;
    }

    private static void sameShape(Node a, Node b, String op) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shapes differ " + a.rows() + "x" + a.cols() + " vs " + b.rows() + "x" + b.cols());
        }
    }

    private static void checkScalar(Node s, String op) {
        if (s.rows() != 1 || s.cols() != 1) {
            throw new IllegalArgumentException(op + " needs a 1x1 scalar, got " + s.rows() + "x" + s.cols());
        }
    }

    private static void checkVector(Node v, int len, String op) {
        if (v.cols() != 1 || v.rows() != len) {
            throw new IllegalArgumentException(op + " needs a " + len + "x1 vector, got " + v.rows() + "x" + v.cols());
        }
    }

    // ---------------------------------------------------------------- complex matrix operations

    /** C = A·B. */
    public Node mul(Node a, Node b) {
        CMatrix c = new CMatrix();
        Kernels.mul(a.value, b.value, c);
        Node out = result(c, a, b);
        out.backward = g -> {
            if (a.needsGrad) {
                accumulate(a, mulAdjB(g, b.value)); // Ḡ_A += Ḡ_C·Bᴴ
            }
            if (b.needsGrad) {
                accumulate(b, mulAdjA(a.value, g)); // Ḡ_B += Aᴴ·Ḡ_C
            }
        };
        return out;
    }

    /** C = Aᴴ (conjugate transpose). */
    public Node adj(Node a) {
        Node out = result(adjoint(a.value), a);
        out.backward = g -> accumulate(a, adjoint(g));
        return out;
    }

    /** C = A + B. */
    public Node plus(Node a, Node b) {
        sameShape(a, b, "plus");
        CMatrix c = new CMatrix(a.rows(), a.cols());
        for (int i = 0; i < c.size(); i++) {
            c.re[i] = a.value.re[i] + b.value.re[i];
            c.im[i] = a.value.im[i] + b.value.im[i];
        }
        Node out = result(c, a, b);
        out.backward = g -> {
            accumulate(a, g);
            accumulate(b, g);
        };
        return out;
    }

    /** C = A − B. */
    public Node minus(Node a, Node b) {
        sameShape(a, b, "minus");
        CMatrix c = new CMatrix(a.rows(), a.cols());
        for (int i = 0; i < c.size(); i++) {
            c.re[i] = a.value.re[i] - b.value.re[i];
            c.im[i] = a.value.im[i] - b.value.im[i];
        }
        Node out = result(c, a, b);
        out.backward = g -> {
            accumulate(a, g);
            if (b.needsGrad) {
                CMatrix neg = new CMatrix().copyFrom(g);
                neg.scale(-1);
                accumulate(b, neg);
            }
        };
        return out;
    }

    /** C = s·A for a real constant s. */
    public Node scale(Node a, double s) {
        CMatrix c = new CMatrix().copyFrom(a.value);
        c.scale(s);
        Node out = result(c, a);
        out.backward = g -> {
            CMatrix d = new CMatrix().copyFrom(g);
            d.scale(s);
            accumulate(a, d);
        };
        return out;
    }

    /** C = s·A for a real 1 × 1 node s. */
    public Node scale(Node a, Node s) {
        checkScalar(s, "scale");
        double sv = s.value.re[0];
        CMatrix c = new CMatrix().copyFrom(a.value);
        c.scale(sv);
        Node out = result(c, a, s);
        out.backward = g -> {
            if (a.needsGrad) {
                CMatrix d = new CMatrix().copyFrom(g);
                d.scale(sv);
                accumulate(a, d);
            }
            if (s.needsGrad) {
                double ds = 0; // Re Σ conj(Ḡ)·A
                for (int i = 0; i < g.size(); i++) {
                    ds += g.re[i] * a.value.re[i] + g.im[i] * a.value.im[i];
                }
                s.g().re[0] += ds;
            }
        };
        return out;
    }

    /** C = diag(v)·A for a real K × 1 vector v and K × n matrix A. */
    public Node rowScale(Node v, Node a) {
        checkVector(v, a.rows(), "rowScale");
        int n = a.cols();
        CMatrix c = new CMatrix(a.rows(), n);
        for (int r = 0; r < a.rows(); r++) {
            double s = v.value.re[r];
            for (int j = 0; j < n; j++) {
                c.re[r * n + j] = s * a.value.re[r * n + j];
                c.im[r * n + j] = s * a.value.im[r * n + j];
            }
        }
        Node out = result(c, v, a);
        out.backward = g -> {
            for (int r = 0; r < a.rows(); r++) {
                double s = v.value.re[r], dv = 0;
                for (int j = 0; j < n; j++) {
                    int i = r * n + j;
                    if (a.needsGrad) {
                        a.g().re[i] += s * g.re[i];
                        a.g().im[i] += s * g.im[i];
                    }
                    dv += g.re[i] * a.value.re[i] + g.im[i] * a.value.im[i];
                }
                if (v.needsGrad) {
                    v.g().re[r] += dv;
                }
            }
        };
        return out;
    }

    /** C = A with its diagonal set to zero (square A). */
    public Node zeroDiagonal(Node a) {
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("zeroDiagonal needs a square matrix");
        }
        CMatrix c = new CMatrix().copyFrom(a.value);
        int n = a.rows();
        for (int i = 0; i < n; i++) {
            c.re[i * n + i] = 0;
            c.im[i * n + i] = 0;
        }
        Node out = result(c, a);
        out.backward = g -> {
            CMatrix d = new CMatrix().copyFrom(g);
            for (int i = 0; i < n; i++) {
                d.re[i * n + i] = 0;
                d.im[i * n + i] = 0;
            }
            accumulate(a, d);
        };
        return out;
    }

    /**
     * Element-wise unit-modulus projection u = z/|z| (seed 000 eq. (10)). An exact zero maps
     * to 1 (and passes no gradient); a non-finite entry gives NaN (a diverged forward pass).
     */
    public Node unitModulus(Node a) {
        int n = a.value.size();
        CMatrix c = new CMatrix(a.rows(), a.cols());
        double[] mag = new double[n];
        for (int i = 0; i < n; i++) {
            double m = Math.hypot(a.value.re[i], a.value.im[i]);
            mag[i] = m;
            if (m == 0) {
                c.re[i] = 1;
            } else {
                c.re[i] = a.value.re[i] / m; // NaN when the entry is not finite
                c.im[i] = a.value.im[i] / m;
            }
        }
        Node out = result(c, a);
        out.backward = g -> {
            if (!a.needsGrad) {
                return;
            }
            CMatrix ga = a.g();
            for (int i = 0; i < n; i++) {
                if (mag[i] == 0) {
                    continue;
                }
                double ur = c.re[i], ui = c.im[i];
                // q = −Im(conj(Ḡu)·u)/|z|; Ḡz = q·j·u
                double q = -(g.re[i] * ui - g.im[i] * ur) / mag[i];
                ga.re[i] += -q * ui;
                ga.im[i] += q * ur;
            }
        };
        return out;
    }

    // ---------------------------------------------------------------- reductions to real values

    /** ‖A‖²_F as a real 1 × 1 node. */
    public Node frobeniusNorm2(Node a) {
        CMatrix c = new CMatrix(1, 1);
        c.re[0] = a.value.frobeniusNorm2();
        Node out = result(c, a);
        out.backward = g -> {
            CMatrix d = new CMatrix().copyFrom(a.value);
            d.scale(2 * g.re[0]);
            accumulate(a, d);
        };
        return out;
    }

    /** Re Σ conj(A)∘B = Re tr(AᴴB) as a real 1 × 1 node. */
    public Node realInner(Node a, Node b) {
        sameShape(a, b, "realInner");
        double s = 0;
        for (int i = 0; i < a.value.size(); i++) {
            s += a.value.re[i] * b.value.re[i] + a.value.im[i] * b.value.im[i];
        }
        CMatrix c = new CMatrix(1, 1);
        c.re[0] = s;
        Node out = result(c, a, b);
        out.backward = g -> {
            CMatrix db = new CMatrix().copyFrom(a.value);
            db.scale(g.re[0]);
            accumulate(b, db);
            CMatrix da = new CMatrix().copyFrom(b.value);
            da.scale(g.re[0]);
            accumulate(a, da);
        };
        return out;
    }

    /** t_r = Σ_j |A_rj|² as a real rows × 1 vector. */
    public Node rowNorm2(Node a) {
        int m = a.rows(), n = a.cols();
        CMatrix c = new CMatrix(m, 1);
        for (int r = 0; r < m; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double x = a.value.re[r * n + j], y = a.value.im[r * n + j];
                s += x * x + y * y;
            }
            c.re[r] = s;
        }
        Node out = result(c, a);
        out.backward = g -> {
            if (!a.needsGrad) {
                return;
            }
            for (int r = 0; r < m; r++) {
                double s = 2 * g.re[r];
                for (int j = 0; j < n; j++) {
                    a.g().re[r * n + j] += s * a.value.re[r * n + j];
                    a.g().im[r * n + j] += s * a.value.im[r * n + j];
                }
            }
        };
        return out;
    }

    /** d_k = |A_kk|² as a real n × 1 vector (square A). */
    public Node diagonalNorm2(Node a) {
        int n = a.rows();
        if (a.cols() != n) {
            throw new IllegalArgumentException("diagonalNorm2 needs a square matrix");
        }
        CMatrix c = new CMatrix(n, 1);
        for (int k = 0; k < n; k++) {
            double x = a.value.re[k * n + k], y = a.value.im[k * n + k];
            c.re[k] = x * x + y * y;
        }
        Node out = result(c, a);
        out.backward = g -> {
            if (!a.needsGrad) {
                return;
            }
            for (int k = 0; k < n; k++) {
                a.g().re[k * n + k] += 2 * g.re[k] * a.value.re[k * n + k];
                a.g().im[k * n + k] += 2 * g.re[k] * a.value.im[k * n + k];
            }
        };
        return out;
    }

    // ---------------------------------------------------------------- real element-wise operations

    /** Element-wise v + c for a real node and a real constant. */
    public Node addConstant(Node v, double c) {
        CMatrix out = new CMatrix().copyFrom(v.value);
        for (int i = 0; i < out.size(); i++) {
            out.re[i] += c;
        }
        Node o = result(out, v);
        o.backward = g -> accumulate(v, g);
        return o;
    }

    /** Element-wise v + c_i for a real node and a real constant vector of the same length. */
    public Node addConstant(Node v, double[] c) {
        CMatrix out = new CMatrix().copyFrom(v.value);
        for (int i = 0; i < out.size(); i++) {
            out.re[i] += c[i];
        }
        Node o = result(out, v);
        o.backward = g -> accumulate(v, g);
        return o;
    }

    /** Element-wise ln of a positive real node. */
    public Node log(Node v) {
        return realMap(v, Math::log, x -> 1 / x);
    }

    /** Element-wise 1/v of a real node. */
    public Node reciprocal(Node v) {
        return realMap(v, x -> 1 / x, x -> -1 / (x * x));
    }

    /** Element-wise √v of a positive real node. */
    public Node sqrt(Node v) {
        return realMap(v, Math::sqrt, x -> 0.5 / Math.sqrt(x));
    }

    /** Element-wise exp of a real node. */
    public Node exp(Node v) {
        return realMap(v, Math::exp, Math::exp);
    }

    private Node realMap(Node v, java.util.function.DoubleUnaryOperator f, java.util.function.DoubleUnaryOperator df) {
        CMatrix out = new CMatrix(v.rows(), v.cols());
        for (int i = 0; i < out.size(); i++) {
            out.re[i] = f.applyAsDouble(v.value.re[i]);
        }
        Node o = result(out, v);
        o.backward = g -> {
            if (!v.needsGrad) {
                return;
            }
            for (int i = 0; i < out.size(); i++) {
                v.g().re[i] += g.re[i] * df.applyAsDouble(v.value.re[i]);
            }
        };
        return o;
    }

    /** Σ of the real parts of all entries, as a 1 × 1 node. */
    public Node sum(Node v) {
        double s = 0;
        for (int i = 0; i < v.value.size(); i++) {
            s += v.value.re[i];
        }
        CMatrix out = new CMatrix(1, 1);
        out.re[0] = s;
        Node o = result(out, v);
        o.backward = g -> {
            if (!v.needsGrad) {
                return;
            }
            for (int i = 0; i < v.value.size(); i++) {
                v.g().re[i] += g.re[0];
            }
        };
        return o;
    }

    /** Product of two real 1 × 1 nodes. */
    public Node times(Node a, Node b) {
        checkScalar(a, "times");
        checkScalar(b, "times");
        CMatrix out = new CMatrix(1, 1);
        out.re[0] = a.value.re[0] * b.value.re[0];
        Node o = result(out, a, b);
        o.backward = g -> {
            if (a.needsGrad) {
                a.g().re[0] += g.re[0] * b.value.re[0];
            }
            if (b.needsGrad) {
                b.g().re[0] += g.re[0] * a.value.re[0];
            }
        };
        return o;
    }
}
