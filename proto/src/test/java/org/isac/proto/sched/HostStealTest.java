package org.isac.proto.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HostStealTest {
    private static final String STAT = """
            cpu  6979026 16232 313484 5063821 8548 0 75609 6391 0 0
            cpu0 3489513 8116 156742 2531910 4274 0 37804 3198 0 0
            cpu1 3489513 8116 156742 2531911 4274 0 37805 3193 0 0
            intr 123 4 5
            """;

    @Test
    void theAggregateLinesEighthValueIsStealInHundredthsOfASecond() {
        assertEquals(OptionalLong.of(6391L * 10_000_000L), HostSteal.parse(STAT));
    }

    @Test
    void perCpuLinesAreNotTakenForTheAggregate() {
        String onlyPerCpu = "cpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 9 0 0\n";
        assertTrue(HostSteal.parse(onlyPerCpu).isEmpty());
    }

    @Test
    void aKernelWithoutTheStealFieldOrGarbageGivesNothing() {
        assertTrue(HostSteal.parse("cpu  1 2 3 4 5 6 7\n").isEmpty(), "seven values: no steal field");
        assertTrue(HostSteal.parse("cpu  1 2 3 4 5 6 7 x\n").isEmpty());
        assertTrue(HostSteal.parse("cpu  1 2 3 4 5 6 7 -3\n").isEmpty());
        assertTrue(HostSteal.parse("").isEmpty());
    }

    @Test
    void theRunsStealIsTheDifferenceInMilliseconds() {
        OptionalLong before = OptionalLong.of(6391L * 10_000_000L);
        OptionalLong after = OptionalLong.of(6393L * 10_000_000L);
        assertEquals(20L, HostSteal.deltaMs(before, after));
        assertTrue(HostSteal.describe(before, after, 2).startsWith("host steal: 20 ms summed over 2 CPU(s) during the run"),
                HostSteal.describe(before, after, 2));
        assertNull(HostSteal.deltaMs(OptionalLong.empty(), after), "no reading before: nothing to say");
        assertNull(HostSteal.describe(before, OptionalLong.empty(), 2));
        assertNull(HostSteal.deltaMs(after, before), "a counter that ran backwards is not a measurement");
    }

    @Test
    void thisMachinesCounterReadsWhereLinuxHasIt() {
        OptionalLong now = HostSteal.totalNs();
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat"))) {
            assertTrue(now.isPresent() && now.getAsLong() >= 0 && now.getAsLong() % HostSteal.NS_PER_TICK == 0,
                    "a Linux /proc/stat has the steal field (kernel 2.6.11 on): " + now);
        } else {
            assertTrue(now.isEmpty());
        }
    }
}
