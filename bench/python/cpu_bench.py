#!/usr/bin/env python3
"""PyTorch CPU timings for the shapes of Pixelgrad's JMH benchmarks (bench/src/main/java/.../ConvBenchmark,
MatmulBenchmark), to be run on the same machine, one right after the other. Prints a Markdown table row per case.

    /usr/bin/python3 bench/python/cpu_bench.py
"""
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(os.cpu_count())


def timed(fn, min_time=2.0, warmup=3):
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    while time.perf_counter() - start < min_time or len(samples) < 5:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3, len(samples)


def main():
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}, {torch.__config__.parallel_info().splitlines()[0]}")
    print("| case | ms (median) | GFLOP/s | samples |")
    print("|---|---|---|---|")
    for c, s in [(64, 224), (128, 112), (256, 56), (512, 28)]:
        x = torch.randn(1, c, s, s, requires_grad=True)
        w = (torch.randn(c, c, 3, 3) * 0.05).requires_grad_()
        b = (torch.randn(c) * 0.1).requires_grad_()
        gy = torch.randn(1, c, s, s)
        flops = 2.0 * c * c * 9 * s * s
        with torch.no_grad():
            ms, n = timed(lambda: F.conv2d(x, w, b, padding=1))
        print(f"| conv {c}->{c} {s}x{s} forward | {ms:.1f} | {flops / ms / 1e6:.1f} | {n} |")
        y = F.conv2d(x, w, b, padding=1)
        ms, n = timed(lambda: torch.autograd.grad(y, [x, w, b], gy, retain_graph=True))
        print(f"| conv {c}->{c} {s}x{s} backward | {ms:.1f} | {2 * flops / ms / 1e6:.1f} | {n} |")
    a = torch.rand(1024, 1024)
    bm = torch.rand(1024, 1024)
    ms, n = timed(lambda: a @ bm)
    print(f"| matmul 1024^3 | {ms:.2f} | {2 * 1024 ** 3 / ms / 1e6:.1f} | {n} |")


if __name__ == "__main__":
    main()
