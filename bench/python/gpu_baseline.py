#!/usr/bin/env python3
"""PyTorch's half of the GPU baseline, the same cases as Pixelgrad's GpuBaseline (bench/src/main/java/
dev/pixelgrad/bench/cuda/GpuBaseline.java), to be run on the same GPU, one right after the other:

  - the two ceilings: a large device-to-device copy (bytes read + written per second) and SGEMM at 8192^3;
  - SGEMM at 1024, 2048, 4096, in FP32 (TF32 off, "pytorch fp32") and in TF32 ("pytorch tf32"), and the
    same products of bfloat16 operands ("pytorch bf16", PyTorch's defaults);
  - FCN's VGG16 3x3 convolutions at a 500x500 input: forward, backward-data, backward-weight, in FP32, in
    TF32 (PyTorch's default for convolutions) and on bfloat16 operands ("pytorch bf16");
  - the bandwidth-bound ops (element-wise, bias, dropout, cast, SGD and Adam steps, the loss, max pooling)
    on 64M float32 values, with the bytes each moves per second;
  - FCN-8s (the reference Caffe net: pad 100, ceil-mode pools, fc6/fc7 as convolutions, frozen bilinear
    upsampling, crops 5/9/31), full width, 500x500, batch 1, 21 classes: one training step (forward,
    cross-entropy, backward, SGD with momentum) and one inference, with the device-memory peak, in FP32
    with TF32 off ("pytorch fp32"), with PyTorch's defaults (TF32 convolutions, "pytorch default"), and in
    bfloat16 mixed precision: torch.autocast(dtype=torch.bfloat16) with the loss in float32 ("pytorch
    bf16"), and the same with the model and image in channels-last memory format ("pytorch bf16
    channels_last"), the fastest form PyTorch's documentation recommends for convolutions on tensor cores.

Each case is warmed up, then timed (CUDA events on a GPU) until it has --min-seconds of samples (at least
5); the median is reported. Inputs are random, never zeros. One JSON line per case goes to --json;
tools/gpu/compare.py puts this file and GpuBaseline's side by side.

    python3 bench/python/gpu_baseline.py --json RESULTS/pytorch.json          # on the GPU host
    /usr/bin/python3 bench/python/gpu_baseline.py --device cpu --quick    # a check of the script anywhere
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VGG_BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
# FCN's VGG16 3x3 convolutions at a 500x500 input: cin, cout, input size, padding (as GpuBaseline.FCN_CONVS).
FCN_CONVS = [(3, 64, 500, 100), (64, 64, 698, 1), (64, 128, 349, 1), (128, 128, 349, 1), (128, 256, 175, 1),
             (256, 256, 175, 1), (256, 512, 88, 1), (512, 512, 88, 1), (512, 512, 44, 1)]
QUICK_CONVS = [(3, 8, 20, 10), (8, 16, 24, 1)]


def bilinear(channels, k):
    """The reference FCN's upsample_filt on the diagonal channel pairs."""
    factor = (k + 1) // 2
    center = factor - 1 if k % 2 == 1 else factor - 0.5
    og = torch.arange(k, dtype=torch.float32)
    filt1 = 1 - (og - center).abs() / factor
    w = torch.zeros(channels, channels, k, k)
    for c in range(channels):
        w[c, c] = filt1[:, None] * filt1[None, :]
    return w


class Fcn8s(nn.Module):
    """The reference FCN-8s (voc-fcn8s) with a channel multiplier, as Pixelgrad builds it."""

    def __init__(self, classes=21, width=1.0):
        super().__init__()
        ch = lambda c: max(1, round(c * width))
        layers, cin = [], 3
        for block in VGG_BLOCKS:
            for c in block:
                layers += [nn.Conv2d(cin, ch(c), 3, padding=100 if cin == 3 else 1), nn.ReLU(inplace=True)]
                cin = ch(c)
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        self.features = nn.Sequential(*layers)
        fc = ch(4096)
        self.fc6 = nn.Conv2d(cin, fc, 7)
        self.fc7 = nn.Conv2d(fc, fc, 1)
        self.score_fr = nn.Conv2d(fc, classes, 1)
        self.score_pool4 = nn.Conv2d(ch(512), classes, 1)
        self.score_pool3 = nn.Conv2d(ch(256), classes, 1)
        self.upscore2 = nn.ConvTranspose2d(classes, classes, 4, stride=2, bias=False)
        self.upscore_pool4 = nn.ConvTranspose2d(classes, classes, 4, stride=2, bias=False)
        self.upscore8 = nn.ConvTranspose2d(classes, classes, 16, stride=8, bias=False)
        for up in (self.upscore2, self.upscore_pool4, self.upscore8):
            up.weight.data.copy_(bilinear(classes, up.kernel_size[0]))
            up.weight.requires_grad_(False)

    def forward(self, x):
        pools, h = [], x
        for layer in self.features:
            h = layer(h)
            if isinstance(layer, nn.MaxPool2d):
                pools.append(h)
        pool3, pool4 = pools[2], pools[3]
        h = F.dropout(F.relu(self.fc6(h)), 0.5, self.training)
        h = F.dropout(F.relu(self.fc7(h)), 0.5, self.training)
        up2 = self.upscore2(self.score_fr(h))
        p4 = self.score_pool4(pool4)
        h = up2 + p4[:, :, 5:5 + up2.shape[2], 5:5 + up2.shape[3]]
        up4 = self.upscore_pool4(h)
        p3 = self.score_pool3(pool3)
        h = up4 + p3[:, :, 9:9 + up4.shape[2], 9:9 + up4.shape[3]]
        h = self.upscore8(h)
        return h[:, :, 31:31 + x.shape[2], 31:31 + x.shape[3]]


class Bench:
    def __init__(self, device, quick, min_seconds):
        self.device, self.quick, self.min_seconds = device, quick, min_seconds
        self.rows = []

    def sync(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()

    def time(self, fn):
        """Median milliseconds of fn over timed samples after a warm-up."""
        for _ in range(1 if self.quick else 3):
            fn()
        self.sync()
        samples, start = [], time.perf_counter()
        while len(samples) < (2 if self.quick else 5) or time.perf_counter() - start < self.min_seconds:
            if self.device.type == "cuda":
                begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                begin.record()
                fn()
                end.record()
                end.synchronize()
                samples.append(begin.elapsed_time(end))
            else:
                t0 = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(samples), len(samples)

    def peak_reset(self):
        if self.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats()

    def peak_mib(self):
        return round(torch.cuda.max_memory_allocated() / 2 ** 20) if self.device.type == "cuda" else None

    def record(self, group, case, impl, timing, flop=0.0, peak=None, **extra):
        ms, n = timing
        row = {"group": group, "case": case, "impl": impl, "ms": round(ms, 5),
               "gflops": round(flop / ms / 1e6) if flop else None, "peak_mib": peak, "samples": n}
        row.update(extra)
        self.rows.append(row)
        rate = f"{row['gbytes_per_s']:.0f} GB/s" if "gbytes_per_s" in row else row["gflops"] or ""
        print(f"| {case} | {impl} | {ms:.3f} | {rate} | {peak or ''} | {n} |", flush=True)

    def randn(self, *shape):
        return torch.randn(*shape, device=self.device)


def fp32(strict):
    """strict: FP32 everywhere (TF32 off); else PyTorch's defaults (TF32 convolutions, FP32 matmul)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = not strict


def tf32_everywhere():
    """TF32 for matmuls and convolutions alike: Pixelgrad's Precision.TF32."""
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True


# The precisions the sgemm and conv groups run at: the row's implementation name, how to set it up, and the
# operands' type (bfloat16 operands are cast once, outside the timing, with PyTorch's defaults otherwise, as
# a researcher's bfloat16 product runs; as GpuBaseline's).
PRECISIONS = [("pytorch fp32", lambda: fp32(True), torch.float32), ("pytorch tf32", tf32_everywhere, torch.float32),
              ("pytorch bf16", lambda: fp32(True), torch.bfloat16)]


def ceilings(b):
    n = (64 if b.quick else 1024) * 2 ** 20 // 4
    src, dst = b.randn(n), b.randn(n)
    t = b.time(lambda: dst.copy_(src))
    b.record("ceiling", f"device copy {n * 4 // 2 ** 20} MiB", "pytorch", t,
             gbytes_per_s=round(2 * n * 4 / t[0] / 1e6, 1))
    s = 512 if b.quick else 8192
    a, c = b.randn(s, s), b.randn(s, s)
    b.record("ceiling", f"sgemm {s}^3", "pytorch fp32", b.time(lambda: a @ c), 2.0 * s ** 3)


def sgemm(b):
    for n in ([128, 256] if b.quick else [1024, 2048, 4096]):
        a, c = b.randn(n, n), b.randn(n, n)
        for impl, setup, dtype in PRECISIONS:
            setup()
            left, right = a.to(dtype), c.to(dtype)
            b.record("sgemm", f"sgemm {n}^3", impl, b.time(lambda: left @ right), 2.0 * n ** 3)
    fp32(True)


def conv(b):
    for cin, cout, size, pad in (QUICK_CONVS if b.quick else FCN_CONVS):
        x = b.randn(1, cin, size, size)
        w = b.randn(cout, cin, 3, 3) * (2.0 / (cin * 9)) ** 0.5
        bias = b.randn(cout)
        out = size + 2 * pad - 2
        gy = b.randn(1, cout, out, out)
        flop = 2.0 * cin * cout * 9 * out * out
        shape = f"conv {cin}->{cout} @{size}" + (f" pad {pad}" if pad != 1 else "")
        for impl, setup, dtype in PRECISIONS:
            setup()
            xc, wc, bc, gc = x.to(dtype), w.to(dtype), bias.to(dtype), gy.to(dtype)
            with torch.no_grad():
                b.record("conv", shape + " forward", impl, b.time(lambda: F.conv2d(xc, wc, bc, padding=pad)), flop)
                b.record("conv", shape + " backward-data", impl,
                         b.time(lambda: torch.nn.grad.conv2d_input(xc.shape, wc, gc, padding=pad)), flop)
                b.record("conv", shape + " backward-weight", impl,
                         b.time(lambda: torch.nn.grad.conv2d_weight(xc, wc.shape, gc, padding=pad)), flop)
    fp32(True)


def bandwidth(b):
    """The bandwidth-bound ops of GpuBaseline's group of that name, with the same shapes and byte counts (every
    input read once, every output written once), in PyTorch's eager form: its optimizers as a training loop
    builds them (their default implementation), its loss's gradient through autograd."""
    fp32(True)
    side = 128 if b.quick else 1024
    n = 64 * side * side
    x, y, bias = b.randn(1, 64, side, side), b.randn(1, 64, side, side), b.randn(64)
    logits = b.randn(1, 21, side, side).requires_grad_()
    labels = torch.randint(0, 21, (1, side, side), device=b.device)
    w, m = b.randn(1, 64, side, side), b.randn(1, 64, side, side)
    sgd_w, adam_w = w.clone().requires_grad_(), w.clone().requires_grad_()
    sgd_w.grad, adam_w.grad = y.clone(), y.clone()
    sgd = torch.optim.SGD([sgd_w], lr=1e-10, momentum=0.99, weight_decay=5e-4)
    adam = torch.optim.Adam([adam_w], lr=1e-10, betas=(0.9, 0.999), eps=1e-8)

    def loss_and_grad():
        return torch.autograd.grad(F.cross_entropy(logits, labels, ignore_index=255), logits)

    # Nothing here records an autograd graph but the loss, whose inputs are the only ones that require grad.
    cases = [("device copy", 8 * n, lambda: x.clone()),
             ("relu", 8 * n, lambda: torch.relu(x)),
             ("add", 12 * n, lambda: x + y),
             ("relu backward", 12 * n, lambda: torch.ops.aten.threshold_backward(x, y, 0)),
             ("bias add", 8 * n, lambda: x + bias.view(1, -1, 1, 1)),
             ("dropout", 8 * n, lambda: F.dropout(x, 0.5, True)),
             ("cast to bfloat16", 6 * n, lambda: x.to(torch.bfloat16)),
             ("sgd step", 20 * n, sgd.step),
             ("adam step", 28 * n, adam.step),
             ("softmax cross-entropy forward and backward", (2 * 21 * 4 + 4) * side * side, loss_and_grad),
             ("max_pool2d 2x2 forward", 5 * n, lambda: F.max_pool2d(x, 2, 2)),
             ("sum per channel", 4 * n, lambda: x.sum((0, 2, 3))),
             ("relu backward and bias gradient", 12 * n,
              lambda: torch.ops.aten.threshold_backward(m, y, 0).sum((0, 2, 3)))]
    for case, nbytes, fn in cases:
        t = b.time(fn)
        b.record("bandwidth", case, "pytorch fp32", t, gbytes_per_s=round(nbytes / t[0] / 1e6, 1))


def fcn(b):
    size, width = (64, 1 / 16) if b.quick else (500, 1.0)
    image = (torch.rand(1, 3, size, size, device=b.device) - 0.5) * 200
    labels = torch.randint(0, 21, (1, size, size), device=b.device)
    label = f"fcn8s {size}x{size}"
    # name, TF32 off, bfloat16 autocast, channels-last
    variants = [("pytorch fp32", True, False, False), ("pytorch default", False, False, False),
                ("pytorch bf16", False, True, False), ("pytorch bf16 channels_last", False, True, True)]
    for impl, strict, bf16, channels_last in variants:
        fp32(strict)
        torch.manual_seed(7)
        model = Fcn8s(21, width).to(b.device)
        x = image
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
            x = image.contiguous(memory_format=torch.channels_last)
        sgd = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1e-10, momentum=0.99,
                              weight_decay=5e-4)

        def forward():
            with torch.autocast(b.device.type, dtype=torch.bfloat16, enabled=bf16):
                return model(x)

        def step():
            sgd.zero_grad(set_to_none=True)
            loss = F.cross_entropy(forward().float(), labels, ignore_index=255)
            loss.backward()
            sgd.step()

        model.train()
        step()
        b.peak_reset()
        t = b.time(step)
        b.record("fcn", label + " training step", impl, t, peak=b.peak_mib())
        model.eval()
        b.peak_reset()
        with torch.no_grad():
            t = b.time(forward)
        b.record("fcn", label + " inference", impl, t, peak=b.peak_mib())
        del model, sgd
    fp32(True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", help="cuda (default) or cpu (a check of the script)")
    p.add_argument("--quick", action="store_true", help="small shapes, to check the script")
    p.add_argument("--min-seconds", type=float, default=1.0, help="timed samples per case, in seconds (1)")
    p.add_argument("--json", help="write one JSON line per case here")
    p.add_argument("--only", default="ceiling,sgemm,conv,bandwidth,fcn",
                   help="groups to run (ceiling,sgemm,conv,bandwidth,fcn)")
    a = p.parse_args()
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("gpu_baseline: no CUDA device visible to PyTorch")
    torch.manual_seed(0)
    fp32(True)
    b = Bench(device, a.quick, a.min_seconds)
    if device.type == "cuda":
        print(f"# torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
              f"{torch.cuda.get_device_name()}")
    else:
        print(f"# torch {torch.__version__} on the CPU ({torch.get_num_threads()} threads)")
    print("| case | implementation | ms (median) | GFLOP/s | peak MiB | samples |")
    print("|---|---|---|---|---|---|")
    groups = a.only.split(",")
    for name, run in [("ceiling", ceilings), ("sgemm", sgemm), ("conv", conv), ("bandwidth", bandwidth), ("fcn", fcn)]:
        if name in groups:
            run(b)
    if a.json:
        with open(a.json, "w") as f:
            for row in b.rows:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
