#!/usr/bin/env python3
"""Puts the two halves of the GPU baseline side by side: Pixelgrad's (GpuBaseline --json) and PyTorch's
(bench/python/gpu_baseline.py --json), measured on the same GPU, one right after the other. Prints Markdown
tables for docs/benchmarks.md: milliseconds (median) per implementation and the ratio of each of
Pixelgrad's to PyTorch's at the same precision (below 1: Pixelgrad is faster): FP32 rows against "pytorch
fp32"; TF32 rows (" tf32" after the name) against "pytorch tf32", or where that half has none (the FCN
step, whose products are all convolutions) "pytorch default", PyTorch's TF32 convolutions; BF16 rows against
"pytorch bf16". The bandwidth group also gets its rates as shares of the device copy's.

    python3 tools/gpu/compare.py RESULTS/pixelgrad.json RESULTS/pytorch.json
"""
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        print(f"compare: {path}: no such file (did that half of the baseline run?)", file=sys.stderr)
        return []


def baseline_of(impl, impls):
    """The PyTorch row a Pixelgrad row is divided by: the same precision (bf16: PyTorch's fastest form of it,
    channels-last, where the group has it)."""
    if impl.endswith(" tf32"):
        return "pytorch tf32" if "pytorch tf32" in impls else "pytorch default"
    if impl.endswith(" bf16"):
        return "pytorch bf16 channels_last" if "pytorch bf16 channels_last" in impls else "pytorch bf16"
    return "pytorch fp32"


def table(rows, group):
    cases, impls = [], []
    by = {}
    for r in rows:
        if r["group"] != group:
            continue
        if r["case"] not in cases:
            cases.append(r["case"])
        if r["impl"] not in impls:
            impls.append(r["impl"])
        by[(r["case"], r["impl"])] = r
    if not cases:
        return
    ours = [i for i in impls if i.startswith("pixelgrad")]
    head = ["case"] + impls + [f"{i.split(' ', 1)[1]} / {baseline_of(i, impls).split(' ', 1)[1]}" for i in ours]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for c in cases:
        cells = [c]
        for i in impls:
            r = by.get((c, i))
            if r is None:
                cells.append("-")
            else:
                cells.append(f"{r['ms']:.3f}" + (f" ({r['peak_mib']} MiB)" if r.get("peak_mib") else ""))
        for i in ours:
            r = by.get((c, i))
            base = by.get((c, baseline_of(i, impls)))
            cells.append(f"{r['ms'] / base['ms']:.2f}" if r and base else "-")
        print("| " + " | ".join(cells) + " |")
    print()


def rates(rows):
    """The bandwidth group's rates in GB/s, each also as a share of the device copy's rate (the ceiling group's
    large copy where that ran, else the fastest copy in the group): the bandwidth-bound kernels' goal is 90%."""
    band = [r for r in rows if r["group"] == "bandwidth"]
    if not band:
        return
    copies = [r["gbytes_per_s"] for r in rows if r["group"] == "ceiling" and r.get("gbytes_per_s")]
    copy = max(copies or [r["gbytes_per_s"] for r in band if r["case"] == "device copy"] or [0])
    cases, impls = [], []
    for r in band:
        cases += [r["case"]] if r["case"] not in cases else []
        impls += [r["impl"]] if r["impl"] not in impls else []
    by = {(r["case"], r["impl"]): r for r in band}
    print(f"| case (GB/s, % of the copy's {copy} GB/s) | " + " | ".join(impls) + " |")
    print("|" + "---|" * (len(impls) + 1))
    for c in cases:
        cells = [c]
        for i in impls:
            r = by.get((c, i))
            cells.append(f"{r['gbytes_per_s']} ({100 * r['gbytes_per_s'] / copy:.0f}%)" if r and copy else "-")
        print("| " + " | ".join(cells) + " |")
    print()


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: compare.py PIXELGRAD_JSON PYTORCH_JSON")
    rows = load(sys.argv[1]) + load(sys.argv[2])
    ceilings = [r for r in rows if r["group"] == "ceiling"]
    if ceilings:
        print("| ceiling | ms | rate |")
        print("|---|---|---|")
        for r in ceilings:
            rate = f"{r['gbytes_per_s']} GB/s (read + written)" if r.get("gbytes_per_s") else f"{r['gflops']} GFLOP/s"
            print(f"| {r['case']} ({r['impl']}) | {r['ms']:.3f} | {rate} |")
        print()
    table(rows, "sgemm")
    table(rows, "conv")
    table(rows, "bandwidth")
    rates(rows)
    table(rows, "fcn")


if __name__ == "__main__":
    main()
