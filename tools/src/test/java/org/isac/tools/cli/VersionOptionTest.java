package org.isac.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.isac.controller.VersionTest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code isac --version} prints the root pom's version, the one the controller sends in its hello ack. */
class VersionOptionTest {
    @Test
    void versionOptionPrintsThePomVersion() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("--version"));
        assertEquals("isac-testbed " + VersionTest.pomVersion(), out.toString().lines().findFirst().orElse(""));
    }
}
