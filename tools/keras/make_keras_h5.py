#!/usr/bin/env python3
"""A tiny VGG16 weights file in Keras' HDF5 layout, written by h5py/libhdf5 like the real one.

Keras' vgg16_weights_tf_dim_ordering_tf_kernels.h5 was written by h5py with libhdf5's default
(earliest) format: a version-0 superblock, version-1 object headers, symbol-table groups with v1
B-trees and local heaps, and no checksums anywhere. jHDF's writer, which the other importer tests
use, writes the newer, checksummed structures instead, so a corrupted byte in its files is mostly
caught by a checksum; in a file like Keras' it reaches the parser. The corruption tests of
Vgg16Weights need the latter.

Layout, as Keras' save_weights writes it: root attributes layer_names, backend and keras_version;
a group per layer with a weight_names attribute, including the layers that have no weights (input,
pooling, flatten). Even-numbered convolutions nest the weights one level deeper as Keras 2 does
(block1_conv1/block1_conv1/kernel:0), the others use Keras 1's flat names (block1_conv2_W_1:0);
the downloadable file uses the latter. Every convolution has 2 output channels, fc1 and fc2 are 4
wide (fc1 takes a 7x7x2 map), predictions has 3 classes. Values are float32, seeded.

Run with Debian's h5py (apt-get install python3-h5py):
    /usr/bin/python3 tools/keras/make_keras_h5.py [output file]
The default output is fcn/src/test/resources/keras/vgg16_tiny_keras.h5. CI never runs this; the
fixture is committed. Re-runs write the same bytes (with h5py 3.7 / libhdf5 1.10 from Debian 12); the
corruption tests name byte offsets in this file and check that those still hold what they expect.
"""
import os
import sys

import h5py
import numpy as np

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "fcn", "src", "test", "resources", "keras",
    "vgg16_tiny_keras.h5")

CONVS = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2", "block3_conv1", "block3_conv2",
         "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3", "block5_conv1", "block5_conv2",
         "block5_conv3"]
CHANNELS = 2
FC = 4
CLASSES = 3

rng = np.random.default_rng(20260501)


def weights(*shape):
    return (rng.random(shape, dtype=np.float32) - 0.5).astype(np.float32)


def layers():
    """(layer name, [(weight name, array)]) in Keras' order."""
    out = [("input_1", [])]
    c_in = 3
    for i, name in enumerate(CONVS):
        if i % 2 == 0:
            names = (name + "/kernel:0", name + "/bias:0")
        else:
            names = (name + "_W_1:0", name + "_b_1:0")
        out.append((name, [(names[0], weights(3, 3, c_in, CHANNELS)), (names[1], weights(CHANNELS))]))
        c_in = CHANNELS
        if name.endswith("conv2") and name.startswith(("block1", "block2")) or name.endswith("conv3"):
            out.append((name.split("_")[0] + "_pool", []))
    out.append(("flatten", []))
    out.append(("fc1", [("fc1_W_1:0", weights(49 * CHANNELS, FC)), ("fc1_b_1:0", weights(FC))]))
    out.append(("fc2", [("fc2_W_1:0", weights(FC, FC)), ("fc2_b_1:0", weights(FC))]))
    out.append(("predictions", [("predictions_W_1:0", weights(FC, CLASSES)),
                                ("predictions_b_1:0", weights(CLASSES))]))
    return out


def main():
    os.makedirs(os.path.dirname(os.path.abspath(OUTPUT)), exist_ok=True)
    all_layers = layers()
    with h5py.File(OUTPUT, "w", libver="earliest") as f:
        f.attrs["layer_names"] = [name.encode("utf8") for name, _ in all_layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.0.0"
        for name, ws in all_layers:
            g = f.create_group(name)
            g.attrs["weight_names"] = np.array([w.encode("utf8") for w, _ in ws], dtype="S")
            for w, value in ws:
                g.create_dataset(w, data=value, track_times=False)
    print(OUTPUT, os.path.getsize(OUTPUT), "bytes")


if __name__ == "__main__":
    main()
