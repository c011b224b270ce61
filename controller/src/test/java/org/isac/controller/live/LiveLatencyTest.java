package org.isac.controller.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The feed's one-pass latency summary against HdrHistogram's own percentile look-ups. */
class LiveLatencyTest {

    private static Map<String, Object> summary(Histogram h) {
        Json j = new Json().beginArray();
        LiveView.latency(j, h);
        return MiniJson.object(MiniJson.array(MiniJson.parse(j.endArray().toString())).get(0));
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    void percentilesAndCcdfMatchTheHistogramsOwnLookUps() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 9, 10, 11, 999, 1000, 12_345, 200_000}) {
            Histogram h = new Histogram(LiveConnection.MAX_LATENCY_NS, 3);
            for (int i = 0; i < n; i++) {
                h.recordValue((long) Math.exp(11 + 1.5 * rnd.nextDouble() * rnd.nextDouble() * 4)); // ≈ 60 µs … 24 ms, heavy tail
            }
            Map<String, Object> s = summary(h);
            assertEquals(n, num(s.get("n")));
            assertEquals(h.getValueAtPercentile(50) / 1e3, num(s.get("p50_us")), 0, "p50, n = " + n);
            assertEquals(h.getValueAtPercentile(99) / 1e3, num(s.get("p99_us")), 0, "p99, n = " + n);
            assertEquals(h.getValueAtPercentile(99.9) / 1e3, num(s.get("p999_us")), 0, "p99.9, n = " + n);
            assertEquals(h.getMaxValue() / 1e3, num(s.get("max_us")), 0);
            List<Object> ccdf = MiniJson.array(s.get("ccdf"));
            int levels = 0;
            for (Object o : ccdf.subList(0, ccdf.size() - 1)) {
                List<Object> point = MiniJson.array(o);
                double q = num(point.get(1));
                long expected = q == 1 ? h.highestEquivalentValue(h.getMinValue()) : h.getValueAtPercentile(100 * (1 - q));
                assertEquals(expected / 1e3, num(point.get(0)), 0, "P(latency ≥ x) = " + q + ", n = " + n);
                assertEquals(true, q * n >= 1, "levels stop where fewer than one sample lies beyond");
                levels++;
            }
            assertEquals(true, levels >= 1 && (n < 10_000 || levels == 13), "levels shown at n = " + n + ": " + levels);
            List<Object> last = MiniJson.array(ccdf.get(ccdf.size() - 1));
            assertEquals(h.getMaxValue() / 1e3, num(last.get(0)));
            assertEquals(1.0 / n, num(last.get(1)), 1e-15);
        }
    }

    @Test
    void anEmptyHistogramHasNoPercentilesAndNoneIsNull() {
        Map<String, Object> s = summary(new Histogram(LiveConnection.MAX_LATENCY_NS, 3));
        assertEquals(0.0, num(s.get("n")));
        assertEquals(List.of(), s.get("ccdf"));
        assertEquals(false, s.containsKey("p50_us"));
        Json j = new Json().beginArray();
        LiveView.latency(j, null);
        assertNull(MiniJson.array(MiniJson.parse(j.endArray().toString())).get(0));
    }
}
