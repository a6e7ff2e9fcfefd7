#!/usr/bin/env python3
"""PyTorch CPU timings for the cases of Pixelgrad's JMH CPU benchmarks (bench/src/main/java/dev/pixelgrad/
bench/cpu), to be run on the same machine, one right after the other.

Each case is named as its JMH benchmark, class and method (MaxPoolBenchmark.backward), and takes the
same parameters, in the same notation (shape=64x698x698, layer=21x16x16-k4s2, ...):

    /usr/bin/python3 bench/python/cpu_bench.py                       # every case, default parameters
    /usr/bin/python3 bench/python/cpu_bench.py --only 'MaxPool|Crop'  # the cases whose name matches
    /usr/bin/python3 bench/python/cpu_bench.py --from-jmh jmh.json --json pytorch.json

--from-jmh reads a JMH result file (-rf json -rff FILE) and times exactly the cases and parameter values
it holds, so both sides measure identical shapes; --json writes the timings with the machine and the
versions (tools/bench/side_by_side.sh runs JMH, this, and the table, in that order). Without --from-jmh
the parameters are DEFAULTS, the values of the benchmarks' @Param annotations.

Each time is the median of the runs in at least --min-time seconds (and at least 5 runs), after
--warmup runs. Forward passes run without autograd recording, except max pooling, whose forward then keeps
the argmax indices (as Pixelgrad's always does and as a training step needs). Backward passes time
torch.autograd.grad of a recorded forward, for the inputs the Java benchmark differentiates.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpu_baseline import Fcn8s  # noqa: E402  (the one PyTorch FCN-8s of bench/python)

# The @Param values of the JMH CPU benchmarks, for runs without --from-jmh.
DEFAULTS = {
    "ConvBenchmark": {"layer": ["64x224", "128x112", "256x56", "512x28"]},
    "MatmulBenchmark": {"gemm": ["vector"], "n": ["1024"]},
    "FcnConvBenchmark": {"layer": ["3x500x500-64k3p100", "512x22x22-4096k7p0", "4096x16x16-4096k1p0",
                                   "4096x16x16-21k1p0", "512x44x44-21k1p0", "256x88x88-21k1p0"]},
    "MaxPoolBenchmark": {"shape": ["64x698x698", "128x349x349", "256x175x175", "512x88x88", "512x44x44"]},
    "ConvTransposeBenchmark": {"layer": ["21x16x16-k4s2", "21x34x34-k4s2", "21x70x70-k16s8", "21x16x16-k64s32"]},
    "AddBenchmark": {"shape": ["21x34x34", "21x70x70"]},
    "ReluBenchmark": {"shape": ["64x698x698", "512x88x88", "4096x16x16"]},
    "CropBenchmark": {"crop": ["21x44x44-off5-34", "21x88x88-off9-70", "21x568x568-off31-500"]},
    "DropoutBenchmark": {"shape": ["4096x16x16"]},
    "SoftmaxCrossEntropyBenchmark": {"shape": ["21x500x500"]},
    "OptimizerBenchmark": {"shape": ["512x512x3x3", "4096x4096x1x1", "4096x512x7x7"]},
    "FcnStepBenchmark": {"net": ["b8-64px-w1/8-adam", "b1-128px-w1-sgd"]},
}


def numbers(value, pattern, example):
    """The numbers in a parameter value of the given form, as DeviceBenchmark.numbers reads them."""
    m = re.fullmatch(pattern, value)
    if not m:
        raise ValueError(f"parameter '{value}' does not have the form {example}")
    return [int(g) for g in m.groups()]


def batch_of_one(shape):
    """'64x698x698' -> [1, 64, 698, 698], as DeviceBenchmark.batchOfOne."""
    if not re.fullmatch(r"\d+(x\d+)*", shape):
        raise ValueError(f"shape '{shape}' is not sizes joined by x (e.g. 64x698x698)")
    return [1] + [int(s) for s in shape.split("x")]


def with_batch(layer):
    """'16x66x66-32k3p1' -> '1x16x66x66-32k3p1'; any other comes back as given (DeviceBenchmark.withBatch)."""
    return "1x" + layer if layer.count("x") == 2 else layer


def no_grad(fn):
    def run():
        with torch.no_grad():
            return fn()
    return run


def grad_of(y, inputs, gy):
    """torch.autograd.grad of a recorded forward, kept for repeated calls."""
    return lambda: torch.autograd.grad(y, inputs, gy, retain_graph=True)


# Each case builds its tensors from the parameters and returns the function to time.

def conv(p, backward):
    c, s = numbers(p["layer"], r"(\d+)x(\d+)", "CxS")
    x = torch.randn(1, c, s, s, requires_grad=backward)
    w = (torch.randn(c, c, 3, 3) * 0.05).requires_grad_(backward)
    b = (torch.randn(c) * 0.1).requires_grad_(backward)
    if not backward:
        return no_grad(lambda: F.conv2d(x, w, b, padding=1))
    return grad_of(F.conv2d(x, w, b, padding=1), [x, w, b], torch.randn(1, c, s, s))


def fcn_conv(p, backward):
    n, cin, h, wd, cout, k, pad = numbers(with_batch(p["layer"]),
                                          r"(\d+)x(\d+)x(\d+)x(\d+)-(\d+)k(\d+)p(\d+)", "[Nx]CinxHxW-CoutkKpP")
    x = torch.randn(n, cin, h, wd, requires_grad=backward)
    w = (torch.randn(cout, cin, k, k) * (2.0 / (cin * k * k)) ** 0.5).requires_grad_(backward)
    b = (torch.randn(cout) * 0.1).requires_grad_(backward)
    if not backward:
        return no_grad(lambda: F.conv2d(x, w, b, padding=pad))
    y = F.conv2d(x, w, b, padding=pad)
    return grad_of(y, [x, w, b], torch.randn(y.shape))


def matmul(p):
    n = int(p["n"])
    a = torch.rand(n, n)
    b = torch.rand(n, n)
    return no_grad(lambda: a @ b)


def max_pool(p, backward):
    x = torch.randn(*batch_of_one(p["shape"]), requires_grad=True)
    if not backward:
        return lambda: F.max_pool2d(x, 2, 2, ceil_mode=True)
    y = F.max_pool2d(x, 2, 2, ceil_mode=True)
    return grad_of(y, [x], torch.randn(y.shape))


def conv_transpose(p, which):
    n, c, h, wd, k, s = numbers(with_batch(p["layer"]), r"(\d+)x(\d+)x(\d+)x(\d+)-k(\d+)s(\d+)",
                                "[Nx]CxHxW-kKsS")
    x = torch.randn(n, c, h, wd, requires_grad=which == "data")
    w = (torch.randn(c, c, k, k) * 0.05).requires_grad_(which == "weight")
    if which == "forward":
        return no_grad(lambda: F.conv_transpose2d(x, w, stride=s))
    y = F.conv_transpose2d(x, w, stride=s)
    return grad_of(y, [x if which == "data" else w], torch.randn(y.shape))


def add(p):
    a = torch.randn(*batch_of_one(p["shape"]))
    b = torch.randn(*batch_of_one(p["shape"]))
    return no_grad(lambda: a + b)


def relu(p, backward):
    x = torch.randn(*batch_of_one(p["shape"]), requires_grad=backward)
    if not backward:
        return no_grad(lambda: F.relu(x))
    y = F.relu(x)
    return grad_of(y, [x], torch.randn(y.shape))


def crop(p, backward):
    c, h, wd, off, s = numbers(p["crop"], r"(\d+)x(\d+)x(\d+)-off(\d+)-(\d+)", "CxHxW-offO-S")
    x = torch.randn(1, c, h, wd, requires_grad=backward)

    # A copy, as Pixelgrad's crop makes (a slice alone is a view and costs nothing until it is read).
    def window():
        return x[:, :, off:off + s, off:off + s].contiguous()
    if not backward:
        return no_grad(window)
    return grad_of(window(), [x], torch.randn(1, c, s, s))


def dropout(p, backward):
    x = torch.randn(*batch_of_one(p["shape"]), requires_grad=backward)
    if not backward:
        return no_grad(lambda: F.dropout(x, 0.5, training=True))
    y = F.dropout(x, 0.5, training=True)
    return grad_of(y, [x], torch.randn(y.shape))


def softmax_cross_entropy(p, backward):
    _, c, h, w = batch_of_one(p["shape"])
    logits = torch.randn(1, c, h, w, requires_grad=backward)
    labels = torch.randint(0, c, (1, h, w))
    labels.view(-1)[::10] = 255  # every tenth pixel ignored, as the Java benchmark

    def loss():
        return F.cross_entropy(logits, labels, ignore_index=255, reduction="mean")
    if not backward:
        return no_grad(loss)
    return lambda: torch.autograd.grad(loss(), [logits])


def optimizer(p, kind):
    w = (torch.randn(*batch_of_one(p["shape"])[1:]) * 0.01).requires_grad_()
    w.grad = torch.randn(w.shape) * 0.001
    if kind == "adam":
        opt = torch.optim.Adam([w], lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=5e-4)
    else:
        opt = torch.optim.SGD([w], lr=1e-4, momentum=0.99, weight_decay=5e-4)
    return opt.step


def fcn_step(p):
    """One FCN-8s training step: forward (dropout on), cross-entropy, backward, the optimizer's update."""
    m = re.fullmatch(r"b(\d+)-(\d+)px-w1(?:/(\d+))?-(adam|sgd)", p["net"])
    if not m:
        raise ValueError(f"parameter '{p['net']}' does not have the form b<batch>-<size>px-w1[/<d>]-<adam|sgd>")
    batch, size = int(m.group(1)), int(m.group(2))
    width = 1.0 / int(m.group(3)) if m.group(3) else 1.0
    model = Fcn8s(21, width).train()
    params = [(n, q) for n, q in model.named_parameters() if q.requires_grad]
    weights = [q for n, q in params if not n.endswith("bias")]
    biases = [q for n, q in params if n.endswith("bias")]
    if m.group(4) == "adam":
        opt = torch.optim.Adam([{"params": weights}, {"params": biases, "lr": 2e-3}], lr=1e-3, betas=(0.9, 0.999),
                               eps=1e-8)
    else:  # the reference recipe: biases at twice the rate and without decay
        opt = torch.optim.SGD([{"params": weights}, {"params": biases, "lr": 2e-10, "weight_decay": 0}], lr=1e-10,
                              momentum=0.99, weight_decay=5e-4)
    image = (torch.rand(batch, 3, size, size) - 0.5) * 200
    labels = torch.randint(0, 21, (batch, size, size))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(image), labels, ignore_index=255)
        loss.backward()
        opt.step()
    return step


CASES = {
    "ConvBenchmark.forward": lambda p: conv(p, False),
    "ConvBenchmark.backward": lambda p: conv(p, True),
    "MatmulBenchmark.matmul": matmul,
    "FcnConvBenchmark.forward": lambda p: fcn_conv(p, False),
    "FcnConvBenchmark.backward": lambda p: fcn_conv(p, True),
    "MaxPoolBenchmark.forward": lambda p: max_pool(p, False),
    "MaxPoolBenchmark.backward": lambda p: max_pool(p, True),
    "ConvTransposeBenchmark.forward": lambda p: conv_transpose(p, "forward"),
    "ConvTransposeBenchmark.backwardData": lambda p: conv_transpose(p, "data"),
    "ConvTransposeBenchmark.backwardWeight": lambda p: conv_transpose(p, "weight"),
    "AddBenchmark.forward": add,
    "ReluBenchmark.forward": lambda p: relu(p, False),
    "ReluBenchmark.backward": lambda p: relu(p, True),
    "CropBenchmark.forward": lambda p: crop(p, False),
    "CropBenchmark.backward": lambda p: crop(p, True),
    "DropoutBenchmark.forward": lambda p: dropout(p, False),
    "DropoutBenchmark.backward": lambda p: dropout(p, True),
    "SoftmaxCrossEntropyBenchmark.forward": lambda p: softmax_cross_entropy(p, False),
    "SoftmaxCrossEntropyBenchmark.forwardBackward": lambda p: softmax_cross_entropy(p, True),
    "OptimizerBenchmark.adam": lambda p: optimizer(p, "adam"),
    "OptimizerBenchmark.sgd": lambda p: optimizer(p, "sgd"),
    "FcnStepBenchmark.step": fcn_step,
}


def timed(fn, min_time, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    while time.perf_counter() - start < min_time or len(samples) < 5:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3, len(samples)


def default_cases():
    """(benchmark, params) for every case with every combination of DEFAULTS."""
    out = []
    for name in CASES:
        cls, _ = name.split(".")
        combos = [{}]
        for key, values in DEFAULTS[cls].items():
            combos = [dict(c, **{key: v}) for c in combos for v in values]
        out += [("dev.pixelgrad.bench.cpu." + name, c) for c in combos]
    return out


def jmh_cases(path):
    """(benchmark, params) of every result in a JMH JSON file, in its order."""
    with open(path) as f:
        return [(r["benchmark"], r.get("params", {})) for r in json.load(f)]


def machine():
    """The CPU as lscpu names it, its cores and threads per core, and the OS."""
    info = {"cpu_model": platform.processor() or "unknown", "cpus": os.cpu_count(),
            "os": f"{platform.system()} {platform.release()}"}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return info
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    if "Model name" in fields:
        info["cpu_model"] = fields["Model name"]
    try:
        info["cores"] = int(fields["Core(s) per socket"]) * int(fields.get("Socket(s)", "1"))
        info["threads_per_core"] = int(fields["Thread(s) per core"])
    except (KeyError, ValueError):
        pass
    return info


def blas_library():
    """The BLAS library this process loaded (Debian's torch takes whichever libblas.so.3 is selected)."""
    torch.rand(8, 8) @ torch.rand(8, 8)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "/" in line
                    and "blas" in os.path.basename(line.split()[-1]).lower()}
        return ", ".join(sorted(os.path.realpath(p) for p in libs)) or "none found"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from-jmh", metavar="FILE", help="time the cases and parameters of this JMH JSON result")
    ap.add_argument("--only", metavar="REGEX", help="only the cases whose Class.method matches (searched)")
    ap.add_argument("--json", metavar="FILE", help="write the timings, machine and versions here")
    ap.add_argument("--min-time", type=float, default=2.0, help="seconds of timed runs per case (default 2)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: every CPU)")
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    cases = jmh_cases(args.from_jmh) if args.from_jmh else default_cases()
    if args.only:
        cases = [c for c in cases if re.search(args.only, c[0])]
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "machine": machine(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "min_time_s": args.min_time,
        "warmup": args.warmup,
    }
    print(f"# torch {info['torch']}, threads {info['threads']}, mkldnn {torch.backends.mkldnn.is_available()}, "
          f"BLAS {info['blas']}; {info['machine']['cpu_model']}, {info['machine']['cpus']} CPUs")
    print("| case | parameters | ms (median) | samples |")
    print("|---|---|---|---|")
    results = []
    for benchmark, params in cases:
        name = ".".join(benchmark.split(".")[-2:])
        if name not in CASES:
            print(f"cpu_bench: no PyTorch case for {benchmark}; skipped", file=sys.stderr)
            continue
        fn = CASES[name](params)
        ms, n = timed(fn, args.min_time, args.warmup)
        del fn
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {name} | {shown} | {ms:.4g} | {n} |", flush=True)
        results.append({"benchmark": benchmark, "params": params, "ms": ms, "samples": n})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(info, results=results), f, indent=1)


if __name__ == "__main__":
    main()
