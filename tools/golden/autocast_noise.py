#!/usr/bin/env python3
"""How far bfloat16 autocast moves a ReLU network's gradients from FP32's, in PyTorch itself.

The yardstick for FcnCudaTest.aBf16TrainingStepFollowsTheCpusFp32's bounds: a narrow VGG16 encoder (a
sixteenth of the width, conv1_1 padded by 100 as the reference FCN), fc6 7x7, fc7 1x1 and a 3-class score
layer initialised near zero, on a 29x22 image of values in [-100, 100], one backward pass in FP32 and one
under torch.autocast("cpu", dtype=torch.bfloat16). Prints each parameter's gradient error against FP32's,
as a whole (2-norm, ||g - g32|| / ||g32||) and by its largest element (max |g - g32| / max |g32|).

Run: /usr/bin/python3 tools/golden/autocast_noise.py   (Debian's python3-torch, CPU)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
WIDTH = 1 / 16


def network():
    torch.manual_seed(0)
    layers, channels = [], 3
    for v in VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
            continue
        out = int(v * WIDTH)
        conv = nn.Conv2d(channels, out, 3, padding=100 if not layers else 1)
        nn.init.kaiming_normal_(conv.weight)
        nn.init.zeros_(conv.bias)
        layers += [conv, nn.ReLU()]
        channels = out
    fc6 = nn.Conv2d(channels, int(4096 * WIDTH), 7)
    fc7 = nn.Conv2d(int(4096 * WIDTH), int(4096 * WIDTH), 1)
    for fc in (fc6, fc7):
        nn.init.kaiming_normal_(fc.weight)
        nn.init.zeros_(fc.bias)
    score = nn.Conv2d(int(4096 * WIDTH), 3, 1)
    nn.init.normal_(score.weight, std=1e-3)
    return nn.Sequential(*layers, fc6, nn.ReLU(), fc7, nn.ReLU(), score)


def gradients(net, image, labels, bf16):
    net.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        scores = net(image)
    scores = F.interpolate(scores.float(), size=labels.shape[1:])
    loss = F.cross_entropy(scores, labels)
    loss.backward()
    return loss.item(), {name: p.grad.clone() for name, p in net.named_parameters()}


def main():
    net = network()
    image = torch.rand(1, 3, 29, 22, generator=torch.Generator().manual_seed(1)) * 200 - 100
    labels = (torch.arange(29 * 22).reshape(1, 29, 22) // 7) % 3
    loss32, g32 = gradients(net, image, labels, False)
    loss16, g16 = gradients(net, image, labels, True)
    print(f"torch {torch.__version__}; loss fp32 {loss32:.6f}, bf16 autocast {loss16:.6f}")
    print(f"{'parameter':<14} {'2-norm':>8} {'max':>8}")
    for name, g in g32.items():
        d = g16[name] - g
        print(f"{name:<14} {(d.norm() / g.norm()).item():8.4f} {(d.abs().max() / g.abs().max()).item():8.4f}")


if __name__ == "__main__":
    main()
