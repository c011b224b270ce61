package org.isac.solver;

import java.util.Arrays;

/**
 * A small reusable name → value table for solver hyper-parameters and predicted metrics.
 * Lookups are linear scans over at most a few dozen entries; nothing allocates once the
 * capacity has grown to the largest set seen. Not thread-safe.
 */
public final class Params {
    private String[] keys = new String[8];
    private double[] values = new double[8];
    private int size;

    public int size() {
        return size;
    }

    public String key(int i) {
        return keys[i];
    }

    public double value(int i) {
        return values[i];
    }

    public void clear() {
        Arrays.fill(keys, 0, size, null);
        size = 0;
    }

    /** Sets {@code key} to {@code value}, replacing an earlier value. */
    public void put(String key, double value) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                values[i] = value;
                return;
            }
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    public boolean has(String key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The value for {@code key}, or {@code dflt} when absent. */
    public double get(String key, double dflt) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return values[i];
            }
        }
        return dflt;
    }

    public void copyFrom(Params o) {
        clear();
        for (int i = 0; i < o.size; i++) {
            put(o.keys[i], o.values[i]);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(keys[i]).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
