package org.isac.solver;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One solver hyper-parameter a solver takes, with the range it accepts: {@code [min, max]},
 * whole numbers only when {@code integer}. The ranges are the controller's first line of
 * defence (a report cannot ask for 2³¹ iterations or a negative tolerance); a solver still
 * checks what it needs (e.g. {@code layers ≤} its model's).
 *
 * @param name    the parameter's name in reports and {@code --param}
 * @param min     smallest accepted value
 * @param max     largest accepted value
 * @param integer true when only whole numbers are accepted
 */
public record ParamSpec(String name, double min, double max, boolean integer) {
    /** Largest iteration count any solver accepts from a report. */
    public static final int MAX_ITERATIONS = 10_000;
    /** Seeds: any whole number a double holds exactly. */
    private static final double SEED_LIMIT = 9.007199254740992e15;

    public static ParamSpec count(String name, int min, int max) {
        return new ParamSpec(name, min, max, true);
    }

    public static ParamSpec flag(String name) {
        return new ParamSpec(name, 0, 1, true);
    }

    public static ParamSpec real(String name, double min, double max) {
        return new ParamSpec(name, min, max, false);
    }

    public static ParamSpec seed() {
        return new ParamSpec("seed", -SEED_LIMIT, SEED_LIMIT, true);
    }

    /** Null when {@code v} is accepted, else why not. */
    public String check(double v) {
        if (!Double.isFinite(v) || v < min || v > max || (integer && v != Math.rint(v))) {
            return String.format(Locale.ROOT, "parameter '%s' must be %s in [%s, %s], got %s", name,
                    integer ? "a whole number" : "a number", fmt(min), fmt(max), fmt(v));
        }
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Null when every entry of {@code params} is a parameter of {@code specs} within its range;
     * otherwise the first problem, and {@code unknown[0]} is set true when it is an unknown name.
     */
    public static String checkAll(String solver, List<ParamSpec> specs, Map<String, Double> params, boolean[] unknown) {
        unknown[0] = false;
        for (Map.Entry<String, Double> e : params.entrySet()) {
            ParamSpec spec = null;
            for (ParamSpec s : specs) {
                if (s.name.equals(e.getKey())) {
                    spec = s;
                    break;
                }
            }
            if (spec == null) {
                unknown[0] = true;
                return solver + " takes no parameter '" + e.getKey() + "'"
                        + (specs.isEmpty() ? "; it takes none" : "; it takes: "
                        + specs.stream().map(ParamSpec::name).collect(Collectors.joining(", ")));
            }
            String bad = spec.check(e.getValue());
            if (bad != null) {
                return solver + ": " + bad;
            }
        }
        return null;
    }
}
