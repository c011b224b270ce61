package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.isac.proto.BuildInfo;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.HelloAck;
import org.junit.jupiter.api.Test;

/** One version string, the root pom's, wherever the software names its version. */
public class VersionTest {

    /** The version in the root pom (the tests run in the module's directory). */
    public static String pomVersion() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<artifactId>isac-testbed</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "root pom names its version");
        return m.group(1).trim();
    }

    @Test
    void buildInfoCarriesThePomVersion() throws Exception {
        assertEquals(pomVersion(), BuildInfo.VERSION);
    }

    @Test
    void helloAckNamesTheSameVersion() throws Exception {
        try (Controller c = new Controller(ControllerConfig.builder().port(0).build()).start();
             TestClient client = new TestClient(c.port())) {
            client.send(TestData.wrap(TestData.hello("v-1", 4)));
            ControllerMessage m = client.read();
            HelloAck ack = m.getHelloAck();
            assertEquals("isac-controller " + pomVersion(), ack.getController());
        }
    }
}
