package org.isac.tools.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Counts stop-the-world GC pauses while open: ZGC reports its pauses on the "ZGC … Pauses"
 * collector (its "Cycles" collector runs concurrently and is not a pause); other collectors'
 * collections are pauses.
 */
public final class GcPauses implements AutoCloseable {
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong maxMs = new AtomicLong();
    private final AtomicLong totalMs = new AtomicLong();
    private final NotificationListener listener = (n, hb) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        String name = info.getGcName();
        if (name.startsWith("ZGC") && !name.contains("Pauses")) {
            return;
        }
        long ms = info.getGcInfo().getDuration();
        count.incrementAndGet();
        totalMs.addAndGet(ms);
        maxMs.accumulateAndGet(ms, Math::max);
    };

    public GcPauses() {
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    public long count() {
        return count.get();
    }

    /** Longest pause seen, ms (the JMX notification's resolution). */
    public long maxMs() {
        return maxMs.get();
    }

    public long totalMs() {
        return totalMs.get();
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
