package dev.pixelgrad.fcn.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value} and bare flags {@code --name}. Every option a command reads
 * is declared by reading it; {@link #finish} then rejects any option that was given but never read, so
 * a typo fails loudly instead of being ignored.
 */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> withoutValue = new LinkedHashSet<>();
    private final List<String> positional = new ArrayList<>();

    Args(List<String> args, Set<String> flagNames) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    if (flagNames.contains(name.substring(0, eq))) {
                        throw new UsageException("--" + name.substring(0, eq) + " is a flag and takes no value");
                    }
                    values.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (flagNames.contains(name)) {
                    flags.add(name);
                } else {
                    if (i + 1 >= args.size()) {
                        // Judged when read (it needs a value) or at finish (nobody reads it: unknown).
                        withoutValue.add(name);
                    } else {
                        values.put(name, args.get(++i));
                    }
                }
            } else {
                positional.add(a);
            }
        }
    }

    String string(String name, String fallback) {
        read.add(name);
        if (withoutValue.contains(name)) {
            throw new UsageException("option --" + name + " needs a value");
        }
        return values.getOrDefault(name, fallback);
    }

    /** One of {@code allowed} (compared without case), or {@code fallback} when the option is not given. */
    String choice(String name, String fallback, List<String> allowed) {
        String v = string(name, fallback).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new UsageException("--" + name + " must be " + (allowed.size() == 2 ? allowed.get(0) + " or "
                    + allowed.get(1) : "one of " + String.join(", ", allowed)) + ", got '" + v + "'");
        }
        return v;
    }

    String required(String name) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    Path path(String name) {
        String v = string(name, null);
        return v == null ? null : Path.of(v);
    }

    int integer(String name, int fallback) {
        String v = string(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    long longValue(String name, long fallback) {
        String v = string(name, null);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    float number(String name, float fallback) {
        String v = string(name, null);
        float f;
        try {
            f = v == null ? fallback : Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
        if (!Float.isFinite(f)) {
            throw new UsageException("--" + name + " expects a finite number, got '" + v + "'");
        }
        return f;
    }

    /** An integer option that must lie in [min, max]. */
    int integer(String name, int fallback, int min, int max) {
        return (int) inRange(name, integer(name, fallback), min, max);
    }

    long longValue(String name, long fallback, long min, long max) {
        return (long) inRange(name, longValue(name, fallback), min, max);
    }

    /** A number option that must lie in [min, max]. */
    float number(String name, float fallback, float min, float max) {
        float f = number(name, fallback);
        if (f < min || f > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + f);
        }
        return f;
    }

    private double inRange(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    boolean flag(String name) {
        read.add(name);
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name) || flags.contains(name);
    }

    private boolean positionalRead;

    /** The arguments that are not options; a command that takes none leaves them unread, and finish() fails. */
    List<String> positional() {
        positionalRead = true;
        return positional;
    }

    /** Fails on options that no code read: unknown or misspelt. */
    void finish() {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.addAll(flags);
        unknown.addAll(withoutValue);
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option" + (unknown.size() > 1 ? "s" : "") + ": --"
                    + String.join(", --", unknown));
        }
        if (!positionalRead && !positional.isEmpty()) {
            throw new UsageException("unexpected argument" + (positional.size() > 1 ? "s" : "") + ": "
                    + String.join(" ", positional));
        }
    }

    /** A mistake in the command line: printed with the usage, no stack trace. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
