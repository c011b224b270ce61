package org.isac.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direction of every dependency between packages is a rule. For the solvers and the
 * controller, the package graph read from the sources (every {@code org.isac.<module>.<pkg>.<Class>}
 * reference, imports and qualified names alike) has no cycle; no serving solver package depends
 * on {@code train} (model files live in {@code model}, which both read); and the controller's
 * pipeline never depends on its network side (it owns {@code PipelineSession}, which the
 * session implements). Each module's root package is left out of the cycle rule: the solvers'
 * holds the API and the registry that knows every solver, the controller's its configuration and
 * the server that assembles the packages.
 */
class PackageDependencyTest {
    private static final Path SOURCES = Path.of("..", "solvers", "src", "main", "java", "org", "isac", "solver");
    private static final Path CONTROLLER = Path.of("..", "controller", "src", "main", "java", "org", "isac", "controller");
    /** What only the tools may name: their own packages, the simulated radio, the command-line and plotting libraries. */
    private static final Pattern TOOLS_ONLY = Pattern.compile("\\b(org\\.isac\\.tools|org\\.isac\\.sim|picocli|org\\.knowm\\.xchart)\\.");
    private static final Path TOOLS = Path.of("..", "tools", "src", "main", "java", "org", "isac", "tools");
    /** Packages that serve reports (what the controller runs): none may depend on training. */
    private static final Set<String> SERVING = Set.of("array", "channel", "linalg", "metric", "radar", "model", "digital", "hybrid",
            "nn");

    /**
     * Package → the packages of {@code org.isac.<module>} its sources reference (root package left
     * out). A sub-package counts as its top-level package, both as the referrer (train/nn is
     * train) and as the referenced ({@code org.isac.solver.train.nn.X} is a reference to train).
     */
    static Map<String, Set<String>> graph(Path root) throws IOException {
        Pattern reference = Pattern.compile("org\\.isac\\." + root.getFileName() + "\\.([a-z]+)(?:\\.[a-z]+)*\\.[A-Z]");
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue; // the root package
                }
                String pkg = rel.getName(0).toString();
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = reference.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return g;
    }

    /** A cycle of {@code g} as a list of packages (first = last), or an empty list. */
    static List<String> cycle(Map<String, Set<String>> g) {
        Map<String, Integer> state = new TreeMap<>(); // 1 on the path, 2 done
        List<String> path = new ArrayList<>();
        for (String start : g.keySet()) {
            List<String> c = visit(start, g, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return List.of();
    }

    private static List<String> visit(String p, Map<String, Set<String>> g, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
            c.add(p);
            return c;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : g.getOrDefault(p, Set.of())) {
            List<String> c = visit(q, g, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
        return List.of();
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> g = graph(SOURCES);
        assertTrue(g.keySet().containsAll(Set.of("digital", "hybrid", "train", "model", "linalg", "nn")), g.toString());
        assertEquals(List.of(), cycle(g), "package cycle; the graph: " + g);
    }

    @Test
    void theControllerPackagesHaveNoCycleAndThePipelineOwnsItsSeam() throws IOException {
        Map<String, Set<String>> g = graph(CONTROLLER);
        assertTrue(g.keySet().containsAll(Set.of("net", "pipeline", "metrics", "tls")), g.toString());
        assertEquals(List.of(), cycle(g), "package cycle; the graph: " + g);
        assertTrue(!g.get("pipeline").contains("net"), "pipeline depends on net: " + g.get("pipeline"));
    }

    @Test
    void theToolsPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> g = graph(TOOLS);
        assertTrue(g.keySet().containsAll(Set.of("cli", "bench", "report")), g.toString());
        assertEquals(List.of(), cycle(g), "package cycle; the graph: " + g);
    }

    /**
     * The controller module is the service alone: its sources name neither the lab's tools (command
     * line, benches, plots, studies), nor the simulated radio, nor the libraries only the tools use.
     */
    @Test
    void theServiceNeverReachesForTheTools() throws IOException {
        List<String> offenders = offenders(CONTROLLER.getParent().getParent().getParent(),
                TOOLS_ONLY);
        assertEquals(List.of(), offenders);
    }

    /** The rule bites: a tools reference in a controller-like source is reported. */
    @Test
    void aToolsReferenceInTheServiceIsFound(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path f = Files.createDirectories(dir.resolve("x")).resolve("Bad.java");
        Files.writeString(f, "package x;\nimport org.isac.tools.cli.Main;\nclass Bad {}\n");
        List<String> found = offenders(dir, TOOLS_ONLY);
        assertEquals(1, found.size(), found.toString());
    }

    /** {@code file: reference} for every match of {@code forbidden} in the Java sources under {@code root}. */
    static List<String> offenders(Path root, Pattern forbidden) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = forbidden.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(root.relativize(f) + ": " + m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void servingNeverImportsTraining() throws IOException {
        Map<String, Set<String>> g = graph(SOURCES);
        for (String p : SERVING) {
            assertTrue(!g.getOrDefault(p, Set.of()).contains("train"), p + " depends on train: " + g.get(p));
        }
    }

    /** The rule bites: the cycles this structure removed (digital ↔ train, hybrid ↔ train) are found when put back. */
    @Test
    void aReintroducedCycleIsFound() throws IOException {
        Map<String, Set<String>> g = graph(SOURCES);
        g.get("hybrid").add("train"); // as when HybridUpgaModel read train.ModelFile
        List<String> c = cycle(g);
        assertTrue(c.contains("hybrid") && c.contains("train"), c.toString());
        assertEquals(c.get(0), c.get(c.size() - 1));
    }

    /** A reference into a sub-package counts as one to its top-level package (nn → train.nn is nn → train). */
    @Test
    void aSubPackageReferenceIsSeen(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("solver");
        Files.createDirectories(root.resolve("nn"));
        Files.createDirectories(root.resolve("train").resolve("nn"));
        Files.writeString(root.resolve("nn").resolve("A.java"), "package org.isac.solver.nn;\nimport org.isac.solver.train.nn.B;\n");
        Files.writeString(root.resolve("train").resolve("nn").resolve("B.java"), "package org.isac.solver.train.nn;\nimport org.isac.solver.nn.A;\n");
        Map<String, Set<String>> g = graph(root);
        assertEquals(Set.of("train"), g.get("nn"), g.toString());
        assertEquals(Set.of("nn"), g.get("train"), g.toString());
        assertEquals(List.of("nn", "train", "nn"), cycle(g));
    }
}
