package org.isac.solver.train;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;

/**
 * The unfolded modified PGA of seed 000 (Algorithm 1, eqs. (23a)–(24) with projections (10)
 * and (12)) written on a {@link Tape}, so that the training loss (25) can be differentiated
 * with respect to the per-layer step sizes {μ(i,j), λ(i)} by reverse mode.
 *
 * <p>The gradients inside each layer are the closed forms of Theorems 1–2, written through
 * G = Hᴴ·F·W (K × K):
 * <ul>
 *   <li>R = Σ_k log2(t_k + σ²_k) − log2(t_k − |G_kk|² + σ²_k), t_k = Σ_j |G_kj|² (eq. 4);</li>
 *   <li>E = diag(a)·G − diag(b)·Ḡ, a_k = 1/(ln2·(t_k + σ²_k)), b_k = 1/(ln2·(t_k − |G_kk|² + σ²_k)),
 *       Ḡ = G with a zero diagonal; then ∇_F R = H·E·Wᴴ (eq. 13) and ∇_W R = Fᴴ·H·E (eq. 14);</li>
 *   <li>with X = F·W and D = X·Xᴴ − Ψ: ∇_F τ = 2·D·X·Wᴴ (eq. 17), ∇_W τ = 2·Fᴴ·D·X (eq. 18),
 *       using D·X = X·(XᴴX) − Ψ·X so no N × N product is formed.</li>
 * </ul>
 * All are Wirtinger gradients ∂/∂X*, as in the paper. The loss of one sample is eq. (25):
 * ℒ = ω·τ(F_I, W_I) − R(F_I, W_I), with τ = ‖XᴴX‖²_F − 2·Re tr(XᴴΨX) + ‖Ψ‖²_F.
 */
public final class UnfoldedPgaGraph {
    private static final double LN2 = Math.log(2);

    private UnfoldedPgaGraph() {
    }

    /**
     * A training sample whose loss (25) an unrolled graph builds from the per-layer steps:
     * what {@link UnfoldedPgaTrainer} trains on (narrowband {@link Sample}s here, wideband
     * ones in {@link UnfoldedWidebandPgaGraph}).
     */
    public interface Unrollable {
        /** Builds the unrolled forward pass on {@code tape} and returns its loss node. */
        Node buildLoss(Tape tape, Shape shape, Node[][] mu, Node[] lambda);
    }

    /** One training sample: channel, per-user noise, power budget, Ψ (already scaled to P_t), init. */
    public record Sample(CMatrix channel, double[] noise, double powerW, CMatrix psi, CMatrix f0, CMatrix w0)
            implements Unrollable {
        @Override
        public Node buildLoss(Tape tape, Shape shape, Node[][] mu, Node[] lambda) {
            return build(tape, shape, this, mu, lambda).loss();
        }
    }

    /** Shape of the unfolded model (fixed during training). */
    public record Shape(int outer, int inner, double omega, double eta, boolean rescaleInner) {
        public Shape {
            if (outer < 1 || inner < 1) {
                throw new IllegalArgumentException("need at least one outer and one inner layer");
            }
        }
    }

    /** The nodes of a built graph: the loss and the final precoders and metrics. */
    public record Result(Node loss, Node f, Node w, Node rate, Node tau) {
    }

    /**
     * Builds the unrolled forward pass on {@code tape}.
     *
     * @param mu per-layer inner steps μ(i,j) as real 1 × 1 nodes, {@code mu[i][j]}
     * @param lambda per-layer W steps λ(i) as real 1 × 1 nodes
     */
    public static Result build(Tape tape, Shape shape, Sample s, Node[][] mu, Node[] lambda) {
        Node h = tape.constant(s.channel());
        Node hAdj = tape.adj(h);
        Node psi = tape.constant(s.psi());
        double psiNorm2 = s.psi().frobeniusNorm2();
        Node f = tape.constant(s.f0());
        Node w = tape.constant(s.w0());
        double sqrtP = Math.sqrt(s.powerW());
        for (int i = 0; i < shape.outer(); i++) {
            Node fi = f;
            for (int j = 0; j < shape.inner(); j++) {
                Node grad = gradF(tape, h, hAdj, psi, fi, w, s.noise(), shape.omega());
                fi = tape.plus(fi, tape.scale(grad, mu[i][j]));
                if (shape.rescaleInner()) {
                    fi = tape.scale(fi, tape.scale(tape.reciprocal(tape.sqrt(tape.frobeniusNorm2(tape.mul(fi, w)))), sqrtP));
                }
            }
            f = tape.unitModulus(fi);
            Node gw = gradW(tape, h, hAdj, psi, f, w, s.noise(), shape.omega() * shape.eta());
            Node wt = tape.plus(w, tape.scale(gw, lambda[i]));
            Node norm = tape.sqrt(tape.frobeniusNorm2(tape.mul(f, wt)));
            w = tape.scale(wt, tape.scale(tape.reciprocal(norm), sqrtP));
        }
        Node rate = rate(tape, hAdj, f, w, s.noise());
        Node x = tape.mul(f, w);
        Node xhx = tape.mul(tape.adj(x), x);
        Node tau = tape.addConstant(
                tape.minus(tape.frobeniusNorm2(xhx), tape.scale(tape.realInner(x, tape.mul(psi, x)), 2.0)), psiNorm2);
        Node loss = tape.minus(tape.scale(tau, shape.omega()), rate);
        return new Result(loss, f, w, rate, tau);
    }

    /** R in bits/s/Hz (eq. 4) as a node. */
    static Node rate(Tape t, Node hAdj, Node f, Node w, double[] noise) {
        Node g = t.mul(hAdj, t.mul(f, w));
        Node total = t.rowNorm2(g);
        Node interference = t.minus(total, t.diagonalNorm2(g));
        Node r = t.minus(t.log(t.addConstant(total, noise)), t.log(t.addConstant(interference, noise)));
        return t.scale(t.sum(r), 1 / LN2);
    }

    /** E = diag(a)·G − diag(b)·Ḡ (see class comment). */
    static Node e(Tape t, Node hAdj, Node f, Node w, double[] noise) {
        Node g = t.mul(hAdj, t.mul(f, w));
        Node total = t.rowNorm2(g);
        Node interference = t.minus(total, t.diagonalNorm2(g));
        Node a = t.scale(t.reciprocal(t.addConstant(total, noise)), 1 / LN2);
        Node b = t.scale(t.reciprocal(t.addConstant(interference, noise)), 1 / LN2);
        return t.minus(t.rowScale(a, g), t.rowScale(b, t.zeroDiagonal(g)));
    }

    /** D·X = X·(XᴴX) − Ψ·X. */
    private static Node dx(Tape t, Node psi, Node x) {
        return t.minus(t.mul(x, t.mul(t.adj(x), x)), t.mul(psi, x));
    }

    /** ∇_F R − ω·∇_F τ (eqs. 13, 17). */
    static Node gradF(Tape t, Node h, Node hAdj, Node psi, Node f, Node w, double[] noise, double omega) {
        Node wAdj = t.adj(w);
        Node gr = t.mul(h, t.mul(e(t, hAdj, f, w, noise), wAdj));
        Node gt = t.mul(dx(t, psi, t.mul(f, w)), wAdj);
        return t.minus(gr, t.scale(gt, 2 * omega));
    }

    /** ∇_W R − ωη·∇_W τ (eqs. 14, 18); {@code omegaEta} = ω·η. */
    static Node gradW(Tape t, Node h, Node hAdj, Node psi, Node f, Node w, double[] noise, double omegaEta) {
        Node fAdj = t.adj(f);
        Node gr = t.mul(fAdj, t.mul(h, e(t, hAdj, f, w, noise)));
        Node gt = t.mul(fAdj, dx(t, psi, t.mul(f, w)));
        return t.minus(gr, t.scale(gt, 2 * omegaEta));
    }
}
