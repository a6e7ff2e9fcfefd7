package dev.pixelgrad.nn;

import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.Safetensors;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: the model's parameters under {@code model/<name>}, the
 * optimizer's state under {@code optimizer/<kind>/<name>}, and string metadata (step, random state,
 * configuration). Written atomically (temporary file in the same folder, fsync, rename), so a crash
 * leaves the previous checkpoint intact.
 *
 * @param model     the model's parameter values by dotted name
 * @param optimizer the optimizer's state by "kind/parameter name" (empty when loaded without it)
 * @param metadata  the string metadata: the keys the caller saved, and {@code optimizer} (its name)
 */
public record Checkpoint(Map<String, Tensor> model, Map<String, Tensor> optimizer, Map<String, String> metadata) {
    private static final String MODEL = "model/";
    private static final String OPTIMIZER = "optimizer/";

    /**
     * Writes a checkpoint of {@code model} and {@code optimizer}; the tensors stay theirs.
     *
     * @param path      the file to write or replace
     * @param model     the network
     * @param optimizer the optimizer, or null to save the model alone
     * @param metadata  string metadata to store (step, random state, configuration)
     * @throws IOException if the file is read-only or cannot be written
     */
    public static void save(Path path, Module model, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.state().entrySet()) {
            all.put(MODEL + e.getKey(), e.getValue());
        }
        if (optimizer != null) {
            for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) {
                all.put(OPTIMIZER + e.getKey(), e.getValue());
            }
        }
        Map<String, String> md = new LinkedHashMap<>(metadata);
        if (optimizer != null) {
            md.put("optimizer", optimizer.name());
        }
        Safetensors.save(path, all, md);
    }

    /**
     * Reads a checkpoint (CPU tensors).
     *
     * @param path the file
     * @return the checkpoint; its tensors are new, owned by the open scope or the caller
     * @throws CheckpointException if the file holds a tensor outside {@code model/} and {@code optimizer/},
     *                             or no {@code model/} tensor
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static Checkpoint load(Path path) throws IOException {
        return read(path, true);
    }

    /**
     * Reads only the model and the metadata (for evaluation, prediction or a staged start): no optimizer
     * state.
     *
     * @param path the file
     * @return the checkpoint, with an empty optimizer map; its tensors are new, owned by the open scope or
     *         the caller
     * @throws CheckpointException if the file holds a tensor outside {@code model/} and {@code optimizer/},
     *                             or no {@code model/} tensor
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static Checkpoint loadModel(Path path) throws IOException {
        return read(path, false);
    }

    private static Checkpoint read(Path path, boolean withOptimizer) throws IOException {
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        Map<String, String> metadata;
        try (SafetensorsReader r = SafetensorsReader.open(path)) {
            metadata = r.metadata();
            for (String name : r.names()) {
                if (name.startsWith(MODEL)) {
                    model.put(name.substring(MODEL.length()), r.load(name));
                } else if (name.startsWith(OPTIMIZER)) {
                    if (withOptimizer) {
                        optimizer.put(name.substring(OPTIMIZER.length()), r.load(name));
                    }
                } else {
                    throw new CheckpointException(path, "tensor \"" + name + "\" is neither model/ nor optimizer/ state;"
                            + " is this a Pixelgrad checkpoint?");
                }
            }
        }
        if (model.isEmpty()) {
            throw new CheckpointException(path, "no model/ tensors; is this a Pixelgrad checkpoint?");
        }
        return new Checkpoint(model, optimizer, metadata);
    }

    /**
     * One metadata value.
     *
     * @param key the key
     * @return the value
     * @throws IllegalArgumentException if the checkpoint has no such key
     */
    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint has no '" + key + "' entry");
        }
        return v;
    }
}
