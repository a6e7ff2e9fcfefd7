#!/usr/bin/env python3
"""A tiny VGG16 in MatConvNet's SimpleNN layout, written by SciPy as MatConvNet's own importer writes one.

MatConvNet's imagenet-vgg-verydeep-16.mat comes from its utils/import-caffe.py, which builds the network
as NumPy structs and cells and saves it with scipy.io.savemat (oned_as='column'); the published file was
then loaded and saved again in MATLAB (compressed, v7). This script writes the same structure through the
same library, so the reader's test does not rest on the MAT-file library it reads with (mfl-core) to
write its fixture too:

- variables `layers` (a 1 x N cell of 1 x 1 structs) and `meta`;
- conv layers with `weights = {filters, biases}`, filters single height x width x in x out (stored
  column-major), biases a single column vector; relu, pool and softmax layers with their fields;
- `meta.normalization.averageImage` the VGG mean pixel as a 1 x 1 x 3 double.

Every convolution has 2 output channels, fc6 and fc7 are 4 wide, fc8 scores 3 classes. Each value tells
where it is: filters(y, x, i, o) of the l-th convolution (from 1) is l*10000 + o*1000 + i*100 + y*10 + x
(0-based y, x, i, o), and its bias o is -(l*10000 + o); all are exact in single precision. The test reads
the file and checks every weight against that formula.

Run with Debian's SciPy (apt-get install python3-scipy):
    python3 tools/matconvnet/make_matconvnet_mat.py [output file]
The default output is fcn/src/test/resources/matconvnet/vgg16_tiny_matconvnet.mat. CI never runs this;
the fixture is committed. Only the header's creation date changes between runs.
"""
import os
import sys

import numpy as np
import scipy.io

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "fcn", "src", "test", "resources", "matconvnet",
    "vgg16_tiny_matconvnet.mat")

BLOCKS = [2, 2, 3, 3, 3]
CHANNELS = 2
FC = 4
CLASSES = 3


def struct(fields):
    """A 1 x 1 MATLAB struct with the fields in this order."""
    s = np.empty((1, 1), dtype=[(k, object) for k in fields])
    for k, v in fields.items():
        s[k][0, 0] = v
    return s


def row(*values):
    return np.array(values, dtype=float).reshape(1, -1)


def conv(number, name, k, cin, cout, pad):
    y, x, i, o = np.meshgrid(np.arange(k), np.arange(k), np.arange(cin), np.arange(cout), indexing="ij")
    filters = (number * 10000 + o * 1000 + i * 100 + y * 10 + x).astype(np.float32)
    biases = -(number * 10000 + np.arange(cout)).astype(np.float32).reshape(-1, 1)
    weights = np.empty((1, 2), dtype=object)
    weights[0, 0] = filters
    weights[0, 1] = biases
    return struct({"name": name, "type": "conv", "weights": weights, "size": row(k, k, cin, cout),
                   "pad": row(pad, pad, pad, pad), "stride": row(1, 1), "dilate": row(1, 1),
                   "precious": False, "opts": np.empty((1, 0), dtype=object)})


def relu(name):
    return struct({"name": name, "type": "relu", "leak": 0.0, "precious": False})


def pool(name):
    return struct({"name": name, "type": "pool", "method": "max", "pool": row(2, 2), "stride": row(2, 2),
                   "pad": row(0, 0, 0, 0), "precious": False, "opts": np.empty((1, 0), dtype=object)})


def layers():
    out = []
    number = 0
    cin = 3
    for b, convs in enumerate(BLOCKS, start=1):
        for c in range(1, convs + 1):
            number += 1
            out.append(conv(number, "conv%d_%d" % (b, c), 3, cin, CHANNELS, 1))
            out.append(relu("relu%d_%d" % (b, c)))
            cin = CHANNELS
        out.append(pool("pool%d" % b))
    out.append(conv(number + 1, "fc6", 7, CHANNELS, FC, 0))
    out.append(relu("relu6"))
    out.append(conv(number + 2, "fc7", 1, FC, FC, 0))
    out.append(relu("relu7"))
    out.append(conv(number + 3, "fc8", 1, FC, CLASSES, 0))
    out.append(struct({"name": "prob", "type": "softmax", "precious": False}))
    cell = np.empty((1, len(out)), dtype=object)
    for k, layer in enumerate(out):
        cell[0, k] = layer
    return cell


def meta():
    normalization = struct({"imageSize": row(224, 224, 3),
                            "averageImage": np.array([123.68, 116.779, 103.939]).reshape(1, 1, 3, order="F"),
                            "interpolation": "bilinear", "keepAspect": True, "border": row(32, 32),
                            "cropSize": 0.875})
    names = np.empty((1, CLASSES), dtype=object)
    names[0, :] = ["n01440764", "n01443537", "n01484850"]
    descriptions = np.empty((1, CLASSES), dtype=object)
    descriptions[0, :] = ["tench", "goldfish", "great white shark"]
    inputs = struct({"name": "data", "size": row(224, 224, 3, 10)})
    return struct({"inputs": inputs, "normalization": normalization,
                   "classes": struct({"name": names, "description": descriptions})})


os.makedirs(os.path.dirname(os.path.abspath(OUTPUT)), exist_ok=True)
scipy.io.savemat(OUTPUT, {"layers": layers(), "meta": meta()}, oned_as="column", do_compression=True)
print(OUTPUT, os.path.getsize(OUTPUT), "bytes")
