package org.isac.controller.live;


/** A small JSON writer for the live feed: objects, arrays, strings, numbers (non-finite ones as null). */
final class Json {
    private final StringBuilder sb = new StringBuilder(4096);
    /** Whether the current container already holds a value (a comma goes before the next). */
    private long[] first = new long[8];
    private int depth;

    Json beginObject() {
        value();
        sb.append('{');
        push();
        return this;
    }

    Json endObject() {
        depth--;
        sb.append('}');
        return this;
    }

    Json beginArray() {
        value();
        sb.append('[');
        push();
        return this;
    }

    Json endArray() {
        depth--;
        sb.append(']');
        return this;
    }

    Json name(String name) {
        value();
        string(name);
        sb.append(':');
        first[depth - 1] = 1; // the value that follows takes no comma
        return this;
    }

    Json value(String s) {
        value();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long v) {
        value();
        sb.append(v);
        return this;
    }

    Json value(boolean v) {
        value();
        sb.append(v);
        return this;
    }

    Json value(double v) {
        value();
        if (Double.isFinite(v)) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                sb.append((long) v);
            } else {
                sb.append(v); // Double.toString: shortest round-trip form, valid JSON (1.5E-7)
            }
        } else {
            sb.append("null");
        }
        return this;
    }

    Json field(String name, String v) {
        return name(name).value(v);
    }

    Json field(String name, long v) {
        return name(name).value(v);
    }

    Json field(String name, double v) {
        return name(name).value(v);
    }

    Json field(String name, boolean v) {
        return name(name).value(v);
    }

    private void push() {
        if (depth == first.length) {
            first = java.util.Arrays.copyOf(first, 2 * depth);
        }
        first[depth++] = 0;
    }

    /** Before a value or a name: a comma unless it is the container's first entry (or follows a name). */
    private void value() {
        if (depth == 0) {
            return;
        }
        if (first[depth - 1] == 2) {
            sb.append(',');
        } else if (first[depth - 1] == 1) {
            first[depth - 1] = 2; // the value after a name
            return;
        }
        first[depth - 1] = 2;
    }

    private void string(String s) {
        org.isac.proto.JsonStrings.append(sb, s);
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
