package org.isac.tools.cli;

/** Defaults shared by the commands. */
final class Defaults {
    /** TCP port of {@code serve} and {@code sim}. */
    static final int PORT = 7420;

    private Defaults() {
    }
}
