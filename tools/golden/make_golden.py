#!/usr/bin/env python3
"""Golden fixtures for Pixelgrad's op tests, computed by PyTorch.

For every op, a few cases on odd shapes: inputs are drawn at random, rounded to float32, then the
forward pass and the gradients are computed in float64 from those exact float32 values, and stored
as float32 in one safetensors file per op. The Java tests run the same ops in float32 and compare.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/make_golden.py [output folder]
The default output folder is tensor/src/test/resources/golden (every module's tests read it through
the tensor test jar). CI never runs this; the fixtures
are committed.
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tensor", "src", "test", "resources", "golden")

GEN = torch.Generator().manual_seed(20261121)


def rand(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values, returned as float64 (exactly representable)."""
    t = torch.rand(*shape, generator=GEN, dtype=torch.float32) * (hi - lo) + lo
    return t.double()


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).double()


def save(name, tensors, metadata):
    """A minimal safetensors writer: 8-byte header length, JSON header, little-endian data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: json.dumps(v) for k, v in metadata.items()}
    for key, t in tensors.items():
        t = t.detach().contiguous()
        if t.is_floating_point():
            t, dtype = t.to(torch.float32), "F32"
        else:
            t, dtype = t.to(torch.int32), "I32"
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[key] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
    print(f"{name}: {len(metadata)} cases")


def leaf(t):
    return t.clone().requires_grad_(True)


def run(inputs, forward):
    """Forward in float64, backward with a random upstream gradient; returns y, gy and input grads."""
    leaves = {k: leaf(v) for k, v in inputs.items() if v is not None and v.is_floating_point()}
    args = {k: leaves.get(k, v) for k, v in inputs.items()}
    y = forward(**args)
    gy = randn(*y.shape) if y.dim() > 0 else torch.tensor(0.7, dtype=torch.float64)
    y.backward(gy)
    out = {"y": y, "gy": gy}
    for k, v in leaves.items():
        out["g" + k] = v.grad
    return out


def cases(name, specs, make):
    tensors, meta = {}, {}
    for i, spec in enumerate(specs):
        inputs, forward = make(spec)
        result = run(inputs, forward)
        for k, v in list(inputs.items()) + list(result.items()):
            if v is not None:
                tensors[f"case{i}.{k}"] = v
        meta[f"case{i}"] = spec
    save(name, tensors, meta)


# ------------------------------------------------------------------------------------------ ops

def conv2d_case(s):
    n, cin, h, w, cout, kh, kw = s["n"], s["cin"], s["h"], s["w"], s["cout"], s["k"][0], s["k"][1]
    inputs = {"x": rand(n, cin, h, w), "w": rand(cout, cin, kh, kw, lo=-0.5, hi=0.5),
              "b": rand(cout) if s["bias"] else None}
    return inputs, lambda x, w, b: F.conv2d(x, w, b, stride=tuple(s["stride"]), padding=tuple(s["pad"]))


def conv_transpose2d_case(s):
    n, cin, h, w, cout, kh, kw = s["n"], s["cin"], s["h"], s["w"], s["cout"], s["k"][0], s["k"][1]
    inputs = {"x": rand(n, cin, h, w), "w": rand(cin, cout, kh, kw, lo=-0.5, hi=0.5),
              "b": rand(cout) if s["bias"] else None}
    return inputs, lambda x, w, b: F.conv_transpose2d(x, w, b, stride=tuple(s["stride"]), padding=tuple(s["pad"]))


def max_pool2d_case(s):
    # A random permutation keeps every value distinct, so each window has one clear winner.
    shape = s["shape"]
    numel = 1
    for d in shape:
        numel *= d
    x = (torch.randperm(numel, generator=GEN).double() / numel - 0.5).reshape(shape)
    return {"x": x}, lambda x: F.max_pool2d(x, tuple(s["k"]), tuple(s["stride"]), tuple(s["pad"]),
                                            ceil_mode=s["ceil"])


def relu_case(s):
    x = rand(*s["shape"])
    x[x.abs() < 1e-3] = 0.5  # keep away from the kink
    return {"x": x}, lambda x: F.relu(x)


def add_case(s):
    a = rand(*s["a"])
    b = rand(*s["b"])
    if s["a"] == s["b"]:
        return {"a": a, "b": b}, lambda a, b: a + b
    return {"a": a, "b": b}, lambda a, b: a + b.reshape(1, -1, *([1] * (a.dim() - 2)))


def scale_case(s):
    return {"x": rand(*s["shape"])}, lambda x: x * s["s"]


def crop_case(s):
    oh, ow = s["offset"]
    h, w = s["size"]
    return {"x": rand(*s["shape"])}, lambda x: x[:, :, oh:oh + h, ow:ow + w]


MASK64 = (1 << 64) - 1


def counter_uniform(seed, i):
    """Pixelgrad's CounterRng.uniform: SplitMix64's finaliser on seed + (i + 1) * golden, top 24 bits."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z = z ^ (z >> 31)
    return (z >> 40) * 2.0 ** -24


def dropout_case(s):
    shape, p, seed = s["shape"], s["p"], s["seed"]
    x = rand(*shape)
    numel = x.numel()
    keep = torch.tensor([counter_uniform(seed, i) >= p for i in range(numel)], dtype=torch.float64).reshape(shape)
    # float32 arithmetic of the scale, as the kernels compute it
    scale = float(torch.tensor(1.0, dtype=torch.float32) / (1.0 - torch.tensor(p, dtype=torch.float32)))
    return {"x": x}, lambda x: x * keep * scale


def cross_entropy_case(s):
    n, c = s["n"], s["c"]
    spatial = s["spatial"]
    logits = randn(n, c, *spatial, scale=2.0)
    labels = torch.randint(0, c, (n, *spatial), generator=GEN)
    ignore = torch.rand(labels.shape, generator=GEN) < s["ignored"]
    labels[ignore] = 255
    return ({"logits": logits, "labels": labels.to(torch.int32)},
            lambda logits, labels: F.cross_entropy(logits, labels.long(), ignore_index=255,
                                                   reduction=s["reduction"]))


def matmul_case(s):
    return {"a": rand(*s["a"]), "b": rand(*s["b"])}, lambda a, b: a @ b


def sum_case(s):
    return {"x": rand(*s["shape"])}, (lambda x: x.sum()) if s["mean"] is False else (lambda x: x.mean())


def argmax_cases():
    tensors, meta = {}, {}
    for i, shape in enumerate([[2, 5, 3, 4], [3, 21, 1, 7], [4, 3]]):
        x = rand(*shape)
        tensors[f"case{i}.x"] = x
        tensors[f"case{i}.y"] = x.argmax(dim=1).to(torch.int32)
        meta[f"case{i}"] = {"shape": shape}
    save("argmax", tensors, meta)


def optimizer_cases():
    """Three steps of torch.optim.SGD and torch.optim.Adam from the same start, with weight decay.

    Pixelgrad's SGD is Caffe's form (lr inside the velocity); with a fixed learning rate it follows the
    same trajectory as PyTorch's, which is what this checks.
    """
    tensors, meta = {}, {}
    specs = [
        dict(kind="sgd", lr=0.1, momentum=0.9, weight_decay=5e-4),
        dict(kind="sgd", lr=0.01, momentum=0.99, weight_decay=0.0),
        dict(kind="adam", lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0),
        dict(kind="adam", lr=5e-2, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=1e-2),
    ]
    for i, s in enumerate(specs):
        w = rand(3, 5).to(torch.float32)
        grads = [randn(3, 5).to(torch.float32) for _ in range(3)]
        p = torch.nn.Parameter(w.clone())
        if s["kind"] == "sgd":
            opt = torch.optim.SGD([p], lr=s["lr"], momentum=s["momentum"], weight_decay=s["weight_decay"])
        else:
            opt = torch.optim.Adam([p], lr=s["lr"], betas=(s["beta1"], s["beta2"]), eps=s["eps"],
                                   weight_decay=s["weight_decay"])
        tensors[f"case{i}.w0"] = w
        for k, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            tensors[f"case{i}.g{k + 1}"] = g
            tensors[f"case{i}.w{k + 1}"] = p.detach().clone()
        meta[f"case{i}"] = s
    save("optimizers", tensors, meta)


def counter_bits(seed, i):
    """Pixelgrad's CounterRng.bits as an unsigned 64-bit integer (the seed of a dropout mask)."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def bilinear(channels, k):
    """The reference FCN's upsample_filt on the diagonal channel pairs."""
    factor = (k + 1) // 2
    center = factor - 1 if k % 2 == 1 else factor - 0.5
    og = torch.arange(k, dtype=torch.float64)
    filt1 = 1 - (og - center).abs() / factor
    filt = filt1[:, None] * filt1[None, :]
    w = torch.zeros(channels, channels, k, k)
    for c in range(channels):
        w[c, c] = filt
    return w.to(torch.float32).double()


VGG_BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]


def fcn_params(width, classes):
    """Random weights for every layer of an FCN-8s of this width (upsampling: bilinear, frozen)."""
    ch = lambda c: max(1, round(c * width))
    params, frozen = {}, set()
    index, cin = 0, 3
    for block in VGG_BLOCKS:
        for c in block:
            cout = ch(c)
            params[f"features.{index}.weight"] = randn(cout, cin, 3, 3, scale=(2.0 / (cin * 9)) ** 0.5)
            params[f"features.{index}.bias"] = rand(cout, lo=-0.1, hi=0.1)
            index += 2
            cin = cout
        index += 1  # the pool
    fc = ch(4096)
    params["fc6.weight"] = randn(fc, cin, 7, 7, scale=(2.0 / (cin * 49)) ** 0.5)
    params["fc6.bias"] = rand(fc, lo=-0.1, hi=0.1)
    params["fc7.weight"] = randn(fc, fc, 1, 1, scale=(2.0 / fc) ** 0.5)
    params["fc7.bias"] = rand(fc, lo=-0.1, hi=0.1)
    for name, c in [("score_fr", fc), ("score_pool4", ch(512)), ("score_pool3", ch(256))]:
        params[f"{name}.weight"] = randn(classes, c, 1, 1, scale=0.1)
        params[f"{name}.bias"] = rand(classes, lo=-0.1, hi=0.1)
    for name, k in [("upscore2", 4), ("upscore_pool4", 4), ("upscore8", 16)]:
        params[f"{name}.weight"] = bilinear(classes, k)
        frozen.add(f"{name}.weight")
    return params, frozen


def fcn8s_forward(x, P, seed, at_once):
    """A small FCN-8s mirroring the reference prototxt (voc-fcn8s / voc-fcn8s-atonce), in training mode.

    Dropout masks come from Pixelgrad's counter-based generator: the model's random state has seed
    `seed`, and drop6 and drop7 draw the first and second mask seeds from it.
    """
    h, index, pools = x, 0, []
    for bi, block in enumerate(VGG_BLOCKS):
        for ci, _ in enumerate(block):
            pad = 100 if index == 0 else 1
            h = F.relu(F.conv2d(h, P[f"features.{index}.weight"], P[f"features.{index}.bias"], padding=pad))
            index += 2
        h = F.max_pool2d(h, 2, 2, ceil_mode=True)
        index += 1
        pools.append(h)
    pool3, pool4, pool5 = pools[2], pools[3], pools[4]

    def dropout(t, draw):
        mask_seed = counter_bits(seed, draw)
        keep = torch.tensor([counter_uniform(mask_seed, i) >= 0.5 for i in range(t.numel())],
                            dtype=torch.float64).reshape(t.shape)
        return t * keep * 2.0

    h = dropout(F.relu(F.conv2d(pool5, P["fc6.weight"], P["fc6.bias"])), 0)
    h = dropout(F.relu(F.conv2d(h, P["fc7.weight"], P["fc7.bias"])), 1)
    h = F.conv2d(h, P["score_fr.weight"], P["score_fr.bias"])
    up2 = F.conv_transpose2d(h, P["upscore2.weight"], stride=2)
    p4 = F.conv2d(pool4 * 0.01 if at_once else pool4, P["score_pool4.weight"], P["score_pool4.bias"])
    h = up2 + p4[:, :, 5:5 + up2.shape[2], 5:5 + up2.shape[3]]
    up4 = F.conv_transpose2d(h, P["upscore_pool4.weight"], stride=2)
    p3 = F.conv2d(pool3 * 0.0001 if at_once else pool3, P["score_pool3.weight"], P["score_pool3.bias"])
    h = up4 + p3[:, :, 9:9 + up4.shape[2], 9:9 + up4.shape[3]]
    h = F.conv_transpose2d(h, P["upscore8.weight"], stride=8)
    return h[:, :, 31:31 + x.shape[2], 31:31 + x.shape[3]]


def fcn8s_cases():
    """FCN-8s and FCN-8s at-once, forward and backward (mean cross-entropy), at two odd input sizes."""
    width, classes, seed = 1.0 / 32, 3, 11
    params, frozen = fcn_params(width, classes)
    tensors = {f"param.{k}": v for k, v in params.items()}
    meta = {}
    case = 0
    for at_once in (False, True):
        for h, w in [(13, 17), (29, 22)]:
            x = rand(1, 3, h, w, lo=-60.0, hi=60.0)
            labels = torch.randint(0, classes, (1, h, w), generator=GEN)
            labels[torch.rand(labels.shape, generator=GEN) < 0.15] = 255
            leaves = {k: v.clone().requires_grad_(k not in frozen) for k, v in params.items()}
            xv = x.clone().requires_grad_(True)
            logits = fcn8s_forward(xv, leaves, seed, at_once)
            loss = F.cross_entropy(logits, labels, ignore_index=255)
            loss.backward()
            prefix = f"case{case}"
            tensors[f"{prefix}.x"] = x
            tensors[f"{prefix}.labels"] = labels.to(torch.int32)
            tensors[f"{prefix}.logits"] = logits
            tensors[f"{prefix}.loss"] = loss
            tensors[f"{prefix}.gx"] = xv.grad
            for k, v in leaves.items():
                if v.grad is not None:
                    tensors[f"{prefix}.grad.{k}"] = v.grad
            meta[prefix] = dict(model="fcn8s-atonce" if at_once else "fcn8s", width=width, classes=classes,
                                seed=seed, height=h, width_px=w)
            case += 1
    save("fcn8s", tensors, meta)


def main():
    torch.set_default_dtype(torch.float64)
    cases("conv2d", [
        dict(n=2, cin=3, h=7, w=9, cout=4, k=[3, 3], stride=[1, 1], pad=[1, 1], bias=True),
        dict(n=1, cin=2, h=10, w=7, cout=5, k=[3, 2], stride=[2, 3], pad=[0, 1], bias=False),
        dict(n=3, cin=5, h=6, w=5, cout=2, k=[1, 1], stride=[1, 1], pad=[0, 0], bias=True),
        dict(n=1, cin=3, h=11, w=13, cout=4, k=[5, 5], stride=[3, 2], pad=[2, 1], bias=True),
        dict(n=2, cin=4, h=5, w=5, cout=3, k=[7, 7], stride=[1, 1], pad=[3, 3], bias=True),
        dict(n=1, cin=2, h=3, w=4, cout=3, k=[3, 3], stride=[1, 1], pad=[30, 25], bias=True),
    ], conv2d_case)
    cases("conv_transpose2d", [
        dict(n=2, cin=3, h=5, w=4, cout=2, k=[4, 4], stride=[2, 2], pad=[1, 1], bias=True),
        dict(n=1, cin=2, h=3, w=5, cout=3, k=[3, 2], stride=[3, 2], pad=[0, 1], bias=False),
        dict(n=1, cin=4, h=2, w=3, cout=4, k=[4, 4], stride=[2, 2], pad=[0, 0], bias=False),
        dict(n=2, cin=3, h=4, w=3, cout=5, k=[1, 1], stride=[1, 1], pad=[0, 0], bias=True),
        dict(n=1, cin=2, h=3, w=2, cout=2, k=[16, 16], stride=[8, 8], pad=[0, 0], bias=False),
    ], conv_transpose2d_case)
    cases("max_pool2d", [
        dict(shape=[2, 3, 7, 9], k=[2, 2], stride=[2, 2], pad=[0, 0], ceil=True),
        dict(shape=[1, 2, 10, 11], k=[3, 3], stride=[2, 2], pad=[1, 1], ceil=True),
        dict(shape=[1, 3, 5, 7], k=[3, 3], stride=[3, 3], pad=[0, 0], ceil=False),
        dict(shape=[2, 2, 1, 3], k=[2, 2], stride=[2, 2], pad=[0, 0], ceil=True),
        dict(shape=[1, 1, 6, 5], k=[3, 2], stride=[2, 1], pad=[1, 0], ceil=True),
        dict(shape=[1, 2, 9, 8], k=[3, 3], stride=[1, 1], pad=[1, 1], ceil=False),
    ], max_pool2d_case)
    cases("relu", [dict(shape=[2, 3, 5, 7]), dict(shape=[1, 1, 3, 1])], relu_case)
    cases("add", [dict(a=[2, 3, 4, 5], b=[2, 3, 4, 5]), dict(a=[3, 4, 5, 6], b=[4]), dict(a=[5, 3], b=[3])], add_case)
    cases("scale", [dict(shape=[2, 3, 5, 3], s=0.01), dict(shape=[1, 4, 3, 3], s=-1e-4)], scale_case)
    cases("crop", [dict(shape=[2, 3, 11, 13], offset=[5, 3], size=[4, 7]),
                   dict(shape=[1, 2, 40, 37], offset=[19, 19], size=[16, 15]),
                   dict(shape=[1, 1, 5, 5], offset=[0, 0], size=[5, 5])], crop_case)
    cases("dropout", [dict(shape=[2, 3, 5, 7], p=0.5, seed=1234),
                      dict(shape=[1, 4, 3, 11], p=0.3, seed=-7),
                      dict(shape=[3, 2, 2, 2], p=0.0, seed=99)], dropout_case)
    cases("softmax_cross_entropy", [
        dict(n=2, c=5, spatial=[4, 3], ignored=0.2, reduction="mean"),
        dict(n=2, c=5, spatial=[4, 3], ignored=0.2, reduction="sum"),
        dict(n=1, c=21, spatial=[5, 7], ignored=0.1, reduction="mean"),
        dict(n=7, c=4, spatial=[], ignored=0.0, reduction="mean"),
        dict(n=3, c=2, spatial=[3, 5], ignored=0.3, reduction="sum"),
    ], cross_entropy_case)
    cases("matmul", [dict(a=[5, 7], b=[7, 3]), dict(a=[1, 9], b=[9, 4]), dict(a=[13, 1], b=[1, 6]),
                     dict(a=[33, 70], b=[70, 35])], matmul_case)
    cases("sum", [dict(shape=[3, 4, 5], mean=False), dict(shape=[2, 3, 7, 5], mean=True),
                  dict(shape=[1], mean=False)], sum_case)
    argmax_cases()
    optimizer_cases()
    fcn8s_cases()


if __name__ == "__main__":
    main()
