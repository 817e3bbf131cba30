"""Latency statistics and the output convention every benchmark follows.

``summarise`` turns seconds into a dict of milliseconds (count, mean, p50, p90, p99, max);
percentiles are by linear interpolation between closest ranks, as numpy's default does.
``emit`` prints the result as indented JSON, then the one-line summary on the last line.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def percentile(samples: Sequence[float], fraction: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summarise(seconds: Sequence[float]) -> dict[str, float]:
    """Milliseconds, rounded to 0.01 ms."""

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "mean_ms": ms(sum(seconds) / len(seconds)),
        "p50_ms": ms(percentile(seconds, 0.50)),
        "p90_ms": ms(percentile(seconds, 0.90)),
        "p99_ms": ms(percentile(seconds, 0.99)),
        "max_ms": ms(max(seconds)),
    }


def machine() -> dict[str, Any]:
    """Where the figures were taken: CPUs, CPU model, memory, Python."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def emit(result: dict[str, Any], summary: str) -> None:
    print(json.dumps({"machine": machine(), **result}, indent=2, default=str))
    print(summary, flush=True)
