package org.isac.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
    @Test
    void writesAReadablePng(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/curve.png");
        new Plot("t", "x", "y").line("a", new double[] {1, 2, 3}, new double[] {1, 4, 9})
                .reference("b", new double[] {1, 3}, new double[] {2, 2}).logY().write(file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(560, img.getHeight());
        int distinct = 0;
        int first = img.getRGB(0, 0);
        for (int x = 0; x < img.getWidth(); x += 7) {
            if (img.getRGB(x, img.getHeight() / 2) != first) {
                distinct++;
            }
        }
        assertTrue(distinct > 0, "the image is not blank");
    }

    @Test
    void rejectsMismatchedSeries() {
        assertThrows(IllegalArgumentException.class, () -> new Plot("t", "x", "y").line("a", new double[] {1}, new double[] {1, 2}));
    }
}
