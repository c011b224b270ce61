package org.isac.controller.net;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The radio ids with a live session; one session per radio id. Thread-safe. */
public final class SessionRegistry {
    private final ConcurrentHashMap<String, RadioSession> sessions = new ConcurrentHashMap<>();

    /** Registers {@code session} for {@code radioId}; false when another session holds it. */
    public boolean claim(String radioId, RadioSession session) {
        return sessions.putIfAbsent(radioId, session) == null;
    }

    /** Removes the entry if {@code session} still holds {@code radioId}. */
    public void release(String radioId, RadioSession session) {
        sessions.remove(radioId, session);
    }

    public boolean isConnected(String radioId) {
        return sessions.containsKey(radioId);
    }

    /** A sorted copy of the connected radio ids. */
    public Set<String> radioIds() {
        return new TreeSet<>(sessions.keySet());
    }
}
