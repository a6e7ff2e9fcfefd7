#!/usr/bin/env python3
"""Golden fixtures for Pixelgrad's op tests, computed by PyTorch.

For every op, a few cases on odd shapes: inputs are drawn at random, rounded to float32, then the
forward pass and the gradients are computed in float64 from those exact float32 values, and stored
as float32 in one safetensors file per op. The Java tests run the same ops in float32 and compare.

Each case's computation is PyTorch code kept as a string, evaluated over the case's inputs; the
string, with the inputs' shapes, goes into the file beside the case's parameters, so what a test
reports as the case is what computed it. Every file also records the SHA-256 of this script: the
tensor module's GoldenFreshnessTest fails when the script changed and the fixtures were not written
again. The safetensors __metadata__ of a file:
    generator_sha256   the SHA-256 of this script's bytes
    caseN              the case's parameters, as JSON
    caseN.expression   the PyTorch expression that computed it and its inputs' shapes,
                       e.g. "a @ b on a 5x7, b 7x3"

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/make_golden.py [output folder]
The default output folder is tensor/src/test/resources/golden (every module's tests read it through
the tensor test jar). CI never runs this; the fixtures are committed.
"""
import hashlib
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tensor", "src", "test", "resources", "golden")

GEN = torch.Generator().manual_seed(20261121)

with open(os.path.abspath(__file__), "rb") as script:
    SCRIPT_SHA256 = hashlib.sha256(script.read()).hexdigest()


def rand(*shape, lo=-1.0, hi=1.0):
    """Uniform float32 values, returned as float64 (exactly representable)."""
    t = torch.rand(*shape, generator=GEN, dtype=torch.float32) * (hi - lo) + lo
    return t.double()


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale).double()


def save(name, tensors, params, expressions):
    """A minimal safetensors writer: 8-byte header length, JSON header, little-endian data.

    `params` and `expressions` map each case id to its parameters and to its described expression.
    """
    metadata = {"generator_sha256": SCRIPT_SHA256}
    for case, p in params.items():
        metadata[case] = json.dumps(p)
        metadata[case + ".expression"] = expressions[case]
    header, blobs, offset = {"__metadata__": metadata}, [], 0
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
    print(f"{name}: {len(params)} cases")


def leaf(t):
    return t.clone().requires_grad_(True)


def described(expression, inputs):
    """The expression with the shapes of the inputs it reads, as a test names the case."""
    shapes = ", ".join(f"{k} {'x'.join(str(d) for d in v.shape)}" for k, v in inputs.items() if v is not None)
    return f"{expression} on {shapes}"


def run(inputs, expression, constants=()):
    """Evaluates the expression over the inputs in float64, then backpropagates a random upstream
    gradient; returns y, gy and the gradients of the floating inputs not named in `constants`."""
    leaves = {k: leaf(v) for k, v in inputs.items()
              if v is not None and v.is_floating_point() and k not in constants}
    args = {k: leaves.get(k, v) for k, v in inputs.items()}
    y = eval(expression, globals(), args)
    gy = randn(*y.shape) if y.dim() > 0 else torch.tensor(0.7, dtype=torch.float64)
    y.backward(gy)
    out = {"y": y, "gy": gy}
    for k, v in leaves.items():
        out["g" + k] = v.grad
    return out


def cases(name, specs, make, constants=()):
    """One fixture: `make` turns a case's parameters into its inputs and the expression to evaluate;
    the inputs named in `constants` take no gradient."""
    tensors, params, expressions = {}, {}, {}
    for i, spec in enumerate(specs):
        inputs, expression = make(spec)
        result = run(inputs, expression, constants)
        for k, v in list(inputs.items()) + list(result.items()):
            if v is not None:
                tensors[f"case{i}.{k}"] = v
        params[f"case{i}"] = spec
        expressions[f"case{i}"] = described(expression, inputs)
    save(name, tensors, params, expressions)


# ------------------------------------------------------------------------------------------ ops

def conv_call(function, s):
    bias = "b" if s["bias"] else "None"
    return f"{function}(x, w, {bias}, stride={tuple(s['stride'])}, padding={tuple(s['pad'])})"


def conv2d_case(s):
    n, cin, h, w, cout, kh, kw = s["n"], s["cin"], s["h"], s["w"], s["cout"], s["k"][0], s["k"][1]
    inputs = {"x": rand(n, cin, h, w), "w": rand(cout, cin, kh, kw, lo=-0.5, hi=0.5),
              "b": rand(cout) if s["bias"] else None}
    return inputs, conv_call("F.conv2d", s)


def conv_transpose2d_case(s):
    n, cin, h, w, cout, kh, kw = s["n"], s["cin"], s["h"], s["w"], s["cout"], s["k"][0], s["k"][1]
    inputs = {"x": rand(n, cin, h, w), "w": rand(cin, cout, kh, kw, lo=-0.5, hi=0.5),
              "b": rand(cout) if s["bias"] else None}
    return inputs, conv_call("F.conv_transpose2d", s)


def max_pool2d_case(s):
    # A random permutation keeps every value distinct, so each window has one clear winner.
    shape = s["shape"]
    numel = 1
    for d in shape:
        numel *= d
    x = (torch.randperm(numel, generator=GEN).double() / numel - 0.5).reshape(shape)
    return {"x": x}, (f"F.max_pool2d(x, {tuple(s['k'])}, stride={tuple(s['stride'])}, "
                      f"padding={tuple(s['pad'])}, ceil_mode={s['ceil']})")


def relu_case(s):
    x = rand(*s["shape"])
    x[x.abs() < 1e-3] = 0.5  # keep away from the kink
    return {"x": x}, "F.relu(x)"


def add_case(s):
    a = rand(*s["a"])
    b = rand(*s["b"])
    if s["a"] == s["b"]:
        return {"a": a, "b": b}, "a + b"
    # b holds one value per channel (dimension 1 of a)
    return {"a": a, "b": b}, f"a + b.reshape(1, -1{', 1' * (a.dim() - 2)})"


def scale_case(s):
    return {"x": rand(*s["shape"])}, f"x * {s['s']!r}"


def crop_case(s):
    oh, ow = s["offset"]
    h, w = s["size"]
    return {"x": rand(*s["shape"])}, f"x[:, :, {oh}:{oh + h}, {ow}:{ow + w}]"


MASK64 = (1 << 64) - 1


def counter_uniform(seed, i):
    """Pixelgrad's CounterRng.uniform: SplitMix64's finaliser on seed + (i + 1) * golden, top 24 bits."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z = z ^ (z >> 31)
    return (z >> 40) * 2.0 ** -24


def counter_keep_mask(shape, p, seed):
    """Pixelgrad's dropout mask: element i is kept (1.0) where CounterRng.uniform(seed, i) >= p."""
    numel = 1
    for d in shape:
        numel *= d
    return torch.tensor([counter_uniform(seed, i) >= p for i in range(numel)], dtype=torch.float64).reshape(shape)


def dropout_case(s):
    p, seed = s["p"], s["seed"]
    # 1 / (1 - p) in float32 arithmetic, as the kernels compute it; its repr reads back exactly
    scale = float(torch.tensor(1.0, dtype=torch.float32) / (1.0 - torch.tensor(p, dtype=torch.float32)))
    return {"x": rand(*s["shape"])}, f"x * counter_keep_mask(x.shape, p={p!r}, seed={seed}) * {scale!r}"


def cross_entropy_case(s):
    n, c = s["n"], s["c"]
    spatial = s["spatial"]
    logits = randn(n, c, *spatial, scale=2.0)
    labels = torch.randint(0, c, (n, *spatial), generator=GEN)
    ignore = torch.rand(labels.shape, generator=GEN) < s["ignored"]
    labels[ignore] = 255
    return ({"logits": logits, "labels": labels.to(torch.int32)},
            f"F.cross_entropy(logits, labels.long(), ignore_index=255, reduction={s['reduction']!r})")


def weighted_cross_entropy_case(s):
    """Class weights drawn from [0.1, 3], then those listed in `zero` set to 0."""
    inputs, _ = cross_entropy_case(s)
    weights = rand(s["c"], lo=0.1, hi=3.0)
    weights[s["zero"]] = 0.0
    inputs["weights"] = weights
    return inputs, (f"F.cross_entropy(logits, labels.long(), weight=weights, ignore_index=255, "
                    f"reduction={s['reduction']!r})")


def matmul_case(s):
    return {"a": rand(*s["a"]), "b": rand(*s["b"])}, "a @ b"


def cast_case(s):
    """float32 -> bfloat16 -> float32 on float32 values from every binade (subnormals and zero included),
    a quarter of them exact ties (the dropped 16 bits 0x8000). The top binade is left out, so that nothing
    rounds to infinity (the tests compare with a relative error, which infinity defeats)."""
    n = s["n"]
    bits = torch.randint(0, 1 << 32, (n,), generator=GEN, dtype=torch.int64)
    exponent = torch.randint(0, 254, (n,), generator=GEN, dtype=torch.int64)
    bits = (bits & 0x807FFFFF) | (exponent << 23)
    ties = torch.rand(n, generator=GEN) < 0.25
    bits = torch.where(ties, (bits & ~0xFFFF) | 0x8000, bits)
    bits = torch.where(bits >= 1 << 31, bits - (1 << 32), bits)  # as int32, same bits
    x = bits.to(torch.int32).view(torch.float32).double()
    return {"x": x}, "x.float().bfloat16().float().double()"


def sum_case(s):
    return {"x": rand(*s["shape"])}, "x.mean()" if s["mean"] else "x.sum()"


def argmax_cases():
    tensors, params, expressions = {}, {}, {}
    expression = "x.argmax(dim=1)"
    for i, shape in enumerate([[2, 5, 3, 4], [3, 21, 1, 7], [4, 3]]):
        inputs = {"x": rand(*shape)}
        tensors[f"case{i}.x"] = inputs["x"]
        tensors[f"case{i}.y"] = eval(expression, globals(), inputs).to(torch.int32)
        params[f"case{i}"] = {"shape": shape}
        expressions[f"case{i}"] = described(expression, inputs)
    save("argmax", tensors, params, expressions)


def optimizer_cases():
    """Three steps of torch.optim.SGD and torch.optim.Adam from the same start, with weight decay.

    Pixelgrad's SGD is Caffe's form (lr inside the velocity); with a fixed learning rate it follows the
    same trajectory as PyTorch's, which is what this checks.
    """
    tensors, params, expressions = {}, {}, {}
    specs = [
        dict(kind="sgd", lr=0.1, momentum=0.9, weight_decay=5e-4),
        dict(kind="sgd", lr=0.01, momentum=0.99, weight_decay=0.0),
        dict(kind="adam", lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0),
        dict(kind="adam", lr=5e-2, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=1e-2),
    ]
    for i, s in enumerate(specs):
        w = rand(3, 5).to(torch.float32)
        grads = [randn(3, 5).to(torch.float32) for _ in range(3)]
        if s["kind"] == "sgd":
            expression = (f"torch.optim.SGD([w], lr={s['lr']!r}, momentum={s['momentum']!r}, "
                          f"weight_decay={s['weight_decay']!r})")
        else:
            expression = (f"torch.optim.Adam([w], lr={s['lr']!r}, betas=({s['beta1']!r}, {s['beta2']!r}), "
                          f"eps={s['eps']!r}, weight_decay={s['weight_decay']!r})")
        p = torch.nn.Parameter(w.clone())
        opt = eval(expression, globals(), {"w": p})
        tensors[f"case{i}.w0"] = w
        for k, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            tensors[f"case{i}.g{k + 1}"] = g
            tensors[f"case{i}.w{k + 1}"] = p.detach().clone()
        params[f"case{i}"] = s
        expressions[f"case{i}"] = described(f"{len(grads)} steps of {expression}", {"w": w})
    save("optimizers", tensors, params, expressions)


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
VGG19_BLOCKS = [[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4]
ENCODERS = {"vgg16": VGG_BLOCKS, "vgg19": VGG19_BLOCKS}


def fcn_params(width, classes, encoder="vgg16"):
    """Random weights for every layer of an FCN-8s of this width (upsampling: bilinear, frozen)."""
    ch = lambda c: max(1, round(c * width))
    params, frozen = {}, set()
    index, cin = 0, 3
    for block in ENCODERS[encoder]:
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


def fcn8s_forward(x, P, seed, at_once, encoder="vgg16", same=False):
    """A small FCN-8s mirroring the reference prototxt (voc-fcn8s / voc-fcn8s-atonce), in training mode.

    Dropout masks come from Pixelgrad's counter-based generator: the model's random state has seed
    `seed`, and drop6 and drop7 draw the first and second mask seeds from it.

    same=True is the 'same'-padded form of the tutorials: the input zero-padded at the bottom and right
    to a multiple of 32, every 3x3 convolution padded by 1, fc6 by 3, each upsampling by f padded by
    f/2, no crops but the last, back to the input's size.
    """
    height, width = x.shape[2], x.shape[3]
    if same:
        x = F.pad(x, (0, -width % 32, 0, -height % 32))
    h, index, pools = x, 0, []
    for bi, block in enumerate(ENCODERS[encoder]):
        for ci, _ in enumerate(block):
            pad = 100 if index == 0 and not same else 1
            h = F.relu(F.conv2d(h, P[f"features.{index}.weight"], P[f"features.{index}.bias"], padding=pad))
            index += 2
        h = F.max_pool2d(h, 2, 2, ceil_mode=True)
        index += 1
        pools.append(h)
    pool3, pool4, pool5 = pools[2], pools[3], pools[4]

    def dropout(t, draw):
        return t * counter_keep_mask(t.shape, 0.5, counter_bits(seed, draw)) * 2.0

    h = dropout(F.relu(F.conv2d(pool5, P["fc6.weight"], P["fc6.bias"], padding=3 if same else 0)), 0)
    h = dropout(F.relu(F.conv2d(h, P["fc7.weight"], P["fc7.bias"])), 1)
    h = F.conv2d(h, P["score_fr.weight"], P["score_fr.bias"])
    if same:
        up2 = F.conv_transpose2d(h, P["upscore2.weight"], stride=2, padding=1)
        h = up2 + F.conv2d(pool4 * 0.01 if at_once else pool4, P["score_pool4.weight"], P["score_pool4.bias"])
        up4 = F.conv_transpose2d(h, P["upscore_pool4.weight"], stride=2, padding=1)
        h = up4 + F.conv2d(pool3 * 0.0001 if at_once else pool3, P["score_pool3.weight"], P["score_pool3.bias"])
        h = F.conv_transpose2d(h, P["upscore8.weight"], stride=8, padding=4)
        return h[:, :, :height, :width]
    up2 = F.conv_transpose2d(h, P["upscore2.weight"], stride=2)
    p4 = F.conv2d(pool4 * 0.01 if at_once else pool4, P["score_pool4.weight"], P["score_pool4.bias"])
    h = up2 + p4[:, :, 5:5 + up2.shape[2], 5:5 + up2.shape[3]]
    up4 = F.conv_transpose2d(h, P["upscore_pool4.weight"], stride=2)
    p3 = F.conv2d(pool3 * 0.0001 if at_once else pool3, P["score_pool3.weight"], P["score_pool3.bias"])
    h = up4 + p3[:, :, 9:9 + up4.shape[2], 9:9 + up4.shape[3]]
    h = F.conv_transpose2d(h, P["upscore8.weight"], stride=8)
    return h[:, :, 31:31 + x.shape[2], 31:31 + x.shape[3]]


def fcn8s_cases(name="fcn8s", encoder="vgg16", forms=((False, False), (True, False)),
                sizes=((13, 17), (29, 22))):
    """FCN-8s forward and backward (mean cross-entropy) at odd input sizes, on one encoder's weights:
    each (at_once, same) form in `forms`, at each size."""
    width, classes, seed = 1.0 / 32, 3, 11
    params_expression = f"fcn_params(width={width!r}, classes={classes}, encoder={encoder!r})"
    params, frozen = eval(params_expression)
    tensors = {f"param.{k}": v for k, v in params.items()}
    case_params, expressions = {}, {}
    loss_expression = "F.cross_entropy(logits, labels, ignore_index=255)"
    case = 0
    for at_once, same in forms:
        for h, w in sizes:
            x = rand(1, 3, h, w, lo=-60.0, hi=60.0)
            labels = torch.randint(0, classes, (1, h, w), generator=GEN)
            labels[torch.rand(labels.shape, generator=GEN) < 0.15] = 255
            leaves = {k: v.clone().requires_grad_(k not in frozen) for k, v in params.items()}
            xv = x.clone().requires_grad_(True)
            logits_expression = (f"fcn8s_forward(x, P, seed={seed}, at_once={at_once}, encoder={encoder!r}, "
                                 f"same={same})")
            logits = eval(logits_expression, globals(), {"x": xv, "P": leaves})
            loss = eval(loss_expression, globals(), {"logits": logits, "labels": labels})
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
            case_params[prefix] = dict(model="fcn8s-atonce" if at_once else "fcn8s", width=width,
                                       classes=classes, seed=seed, height=h, width_px=w, encoder=encoder,
                                       padding="same" if same else "reference")
            expressions[prefix] = described(
                f"{loss_expression} where logits = {logits_expression}, P = {params_expression}",
                {"x": x, "labels": labels})
            case += 1
    save(name, tensors, case_params, expressions)


def main():
    torch.set_default_dtype(torch.float64)
    cases("conv2d", [
        dict(n=2, cin=3, h=7, w=9, cout=4, k=[3, 3], stride=[1, 1], pad=[1, 1], bias=True),
        dict(n=1, cin=2, h=10, w=7, cout=5, k=[3, 2], stride=[2, 3], pad=[0, 1], bias=False),
        dict(n=3, cin=5, h=6, w=5, cout=2, k=[1, 1], stride=[1, 1], pad=[0, 0], bias=True),
        dict(n=1, cin=3, h=11, w=13, cout=4, k=[5, 5], stride=[3, 2], pad=[2, 1], bias=True),
        dict(n=2, cin=4, h=5, w=5, cout=3, k=[7, 7], stride=[1, 1], pad=[3, 3], bias=True),
        dict(n=1, cin=2, h=3, w=4, cout=3, k=[3, 3], stride=[1, 1], pad=[30, 25], bias=True),
        # fc6 of the same-padded FCN on a 1x1 pool5: taps that never land in the image.
        dict(n=1, cin=3, h=1, w=2, cout=2, k=[7, 7], stride=[1, 1], pad=[3, 3], bias=True),
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
    # The same-padded form, at sizes below, at and above a multiple of 32; and VGG19 in both forms.
    fcn8s_cases("fcn8s_same", forms=((False, True), (True, True)), sizes=((13, 17), (32, 32), (40, 35)))
    fcn8s_cases("fcn8s_vgg19", encoder="vgg19", forms=((False, False), (False, True)), sizes=((13, 17), (33, 30)))
    # Last ones, so that the random draws of every fixture above stay as they were.
    cases("softmax_cross_entropy_weighted", [
        dict(n=2, c=5, spatial=[4, 3], ignored=0.2, reduction="mean", zero=[2]),
        dict(n=2, c=5, spatial=[4, 3], ignored=0.2, reduction="sum", zero=[2]),
        dict(n=1, c=21, spatial=[5, 7], ignored=0.1, reduction="mean", zero=[0, 20]),
        dict(n=7, c=4, spatial=[], ignored=0.0, reduction="mean", zero=[]),
        dict(n=3, c=2, spatial=[3, 5], ignored=0.3, reduction="mean", zero=[]),
        dict(n=3, c=2, spatial=[3, 5], ignored=0.3, reduction="sum", zero=[1]),
        dict(n=2, c=3, spatial=[13], ignored=0.25, reduction="mean", zero=[1]),
        dict(n=1, c=6, spatial=[3, 2, 5], ignored=0.15, reduction="mean", zero=[3]),
    ], weighted_cross_entropy_case, constants=("weights",))
    cases("cast", [dict(n=4099), dict(n=1)], cast_case)


if __name__ == "__main__":
    main()
