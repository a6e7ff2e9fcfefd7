package dev.pixelgrad.kernels.cuda;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds NVIDIA's libraries at run time by soname, newest first ({@code libcublas.so.13}, then
 * {@code .12}), in the folders named by the system property {@code pixelgrad.cuda.libs} or the
 * environment variable {@code PIXELGRAD_CUDA_LIBS} (path lists), then wherever the dynamic loader looks
 * (LD_LIBRARY_PATH, the ld.so cache). Bound with java.lang.foreign: no JNI wrapper library, so nothing
 * ties Pixelgrad to one CUDA major version.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** The folders to search first. */
    static List<Path> folders() {
        List<Path> out = new ArrayList<>();
        for (String spec : new String[] {System.getProperty("pixelgrad.cuda.libs"), System.getenv("PIXELGRAD_CUDA_LIBS")}) {
            if (spec != null && !spec.isBlank()) {
                for (String p : spec.split(File.pathSeparator)) {
                    if (!p.isBlank()) {
                        out.add(Path.of(p.trim()));
                    }
                }
            }
        }
        return out;
    }

    /** The first of {@code sonames} that loads, or an exception saying where it looked. */
    static SymbolLookup load(String... sonames) {
        List<String> tried = new ArrayList<>();
        for (Path dir : folders()) {
            for (String so : sonames) {
                Path p = dir.resolve(so);
                if (Files.exists(p)) {
                    try {
                        return SymbolLookup.libraryLookup(p, Arena.global());
                    } catch (IllegalArgumentException e) {
                        tried.add(p + " (" + e.getMessage() + ")");
                    }
                } else {
                    tried.add(p + " (missing)");
                }
            }
        }
        for (String so : sonames) {
            try {
                return SymbolLookup.libraryLookup(so, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(so + " via the dynamic loader");
            }
        }
        throw new IllegalStateException("could not load " + String.join(" or ", sonames) + "; tried " + tried
                + ". Name the folder with -Dpixelgrad.cuda.libs=DIR or PIXELGRAD_CUDA_LIBS=DIR");
    }

    /** A downcall handle for {@code name}, returning {@code result} (null for void). */
    static MethodHandle function(SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
        var symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " not found"));
        FunctionDescriptor d = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
        return LINKER.downcallHandle(symbol, d);
    }
}
