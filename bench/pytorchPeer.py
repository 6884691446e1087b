"""PyTorch CPU peer for bench/trainingBenchmark.ts: the same two-layer sine MscaleDNN, the same
gradient-descent step (Loss = 1/2 sum_i q_i (f(x_i) - g(x_i))^2, a and w trained, amplitude alpha),
float32 with autograd, as a researcher's own script would do it. Prints one JSON line.

usage: python3 pytorchPeer.py N M SCALES REPEATS THREADS [SAMPLING]   (SCALES like 1,2,4,8;
SAMPLING grid (default: the uniform grid on [-4, 4] with trapezoid weights) or random (uniform
random samples on [-4, 4] with weights 8 / N, as the workbench's "random" sampling))
"""
import json
import math
import statistics
import sys
import time

import torch


def main() -> None:
    n, m, scales, repeats, threads = int(sys.argv[1]), int(sys.argv[2]), [float(s) for s in sys.argv[3].split(',')], int(sys.argv[4]), int(sys.argv[5])
    sampling = sys.argv[6] if len(sys.argv) > 6 else 'grid'
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    half_width = 4.0
    if sampling == 'random':
        x = (torch.rand(n) * 2 * half_width - half_width).reshape(n, 1)
        q = torch.full((n,), 2 * half_width / n)
    else:
        x = torch.linspace(-half_width, half_width, n).reshape(n, 1)
        h = 2 * half_width / (n - 1)
        q = torch.full((n,), h)
        q[0] = q[-1] = h / 2
    g = (1 - (x[:, 0] / 4) ** 2) ** 4 * (torch.sin(x[:, 0]) + 0.8 * torch.sin(4 * x[:, 0]) + 0.6 * torch.sin(9 * x[:, 0]))
    groups = torch.arange(m) % len(scales)
    alpha = torch.tensor(scales)[groups]
    amplitude = alpha  # amplitude "scale" in 1-D: c_j = alpha_j
    a = torch.randn(m, requires_grad=True)
    w = torch.randn(m, 1, requires_grad=True)
    b = torch.zeros(m)
    lr = 1e-5

    def step() -> None:
        hidden = torch.sin(x @ (w * alpha.reshape(m, 1)).T + b)  # N x m
        f = hidden @ (amplitude * a) / math.sqrt(m)
        loss = 0.5 * torch.sum(q * (f - g) ** 2)
        ga, gw = torch.autograd.grad(loss, (a, w))
        with torch.no_grad():
            a.sub_(lr * ga)
            w.sub_(lr * gw)

    for _ in range(2):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"msPerStep": statistics.median(times), "samples": times, "torch": torch.__version__, "threads": threads, "sampling": sampling}))


if __name__ == '__main__':
    main()
