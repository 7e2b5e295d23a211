"""Shared helpers for benchmarks: timing statistics and printing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(call: Callable[[], object], repeat: int, warmup: int = 200) -> list[float]:
    """Run `call` repeatedly; return per-call latencies in milliseconds."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "mean_ms": statistics.fmean(ordered),
        "throughput_per_s": 1000 / statistics.fmean(ordered),
    }


def show(label: str, stats: dict[str, float], baseline: dict[str, float] | None = None) -> None:
    ratio = ""
    if baseline:
        ratio = f"  ratio_to_baseline(p50)={stats['p50_ms'] / baseline['p50_ms']:.2f}x"
    print(f"{label:<44} n={stats['n']:>6}  p50={stats['p50_ms']:.3f} ms  "
          f"p99={stats['p99_ms']:.3f} ms  throughput={stats['throughput_per_s']:.0f}/s{ratio}",
          flush=True)
