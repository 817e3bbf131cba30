"""The figures ``bench.ack`` reports: one timed run, runs pooled, ratios and targets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from bench.loadgen import LoadResult
from bench.stats import summarise

NO_WORKER_TARGETS = {"p99": 1.2, "throughput": 0.8}
WORKER_TARGETS = {"p99": 1.5, "throughput": 0.6}


@dataclass
class Timed:
    """One timed run: the load's result, the server's CPU seconds, and the drain after it."""

    load: LoadResult
    cpu_seconds: float
    redis_cpu_seconds: float
    redis_calls: tuple[int, int]  # commands run (a script's own commands included), scripts run
    users_info_calls: int  # the asker looked up in Slack: the in-process and Redis caches missed
    drain_seconds: float | None = None
    # With a worker: CPU seconds of the server and of Redis from before the warm-up until the
    # backlog was drained, i.e. everything the warm-up's and the timed requests cost.
    until_idle: tuple[float, float] | None = None


def pooled(runs: list[Timed], warmup: int, requests: int) -> dict[str, Any]:
    latencies = list(itertools.chain.from_iterable(r.load.latencies for r in runs))
    outcomes: dict[str, int] = {}
    for run in runs:
        for outcome, count in run.load.outcomes.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    served = sum(sum(r.load.outcomes.values()) for r in runs)
    drains = [r.drain_seconds for r in runs if r.drain_seconds is not None]
    redis_cpu = sum(r.redis_cpu_seconds for r in runs)
    idle = [r.until_idle for r in runs if r.until_idle is not None]
    all_requests = len(runs) * (warmup + requests)
    return {
        "latency": summarise(latencies),
        "throughput_rps": [round(r.load.throughput, 1) for r in runs],
        "mean_throughput_rps": round(sum(r.load.throughput for r in runs) / len(runs), 1),
        "cpu_ms_per_request": round(1000 * sum(r.cpu_seconds for r in runs) / served, 3),
        "redis_cpu_ms_per_request": round(1000 * redis_cpu / served, 3),
        "redis_commands_per_request": round(sum(r.redis_calls[0] for r in runs) / served, 2),
        "redis_scripts_per_request": round(sum(r.redis_calls[1] for r in runs) / served, 2),
        "users_info_per_request": round(sum(r.users_info_calls for r in runs) / served, 4),
        "backlog_drain_seconds": drains or None,
        "until_idle_cpu_ms_per_request": round(1000 * sum(i[0] for i in idle) / all_requests, 3)
        if idle
        else None,
        "until_idle_redis_cpu_ms_per_request": round(
            1000 * sum(i[1] for i in idle) / all_requests, 3
        )
        if idle
        else None,
        "outcomes": outcomes,
    }


def ratios(server: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    return {
        "p50": round(server["latency"]["p50_ms"] / baseline["latency"]["p50_ms"], 2),
        "p99": round(server["latency"]["p99_ms"] / baseline["latency"]["p99_ms"], 2),
        "throughput": round(server["mean_throughput_rps"] / baseline["mean_throughput_rps"], 2),
        "cpu_per_request": round(server["cpu_ms_per_request"] / baseline["cpu_ms_per_request"], 2),
    }


def compared(
    with_worker: bool, stats: dict[str, Any], durable: dict[str, Any], bare: dict[str, Any]
) -> dict[str, Any]:
    """One variant's figures and its ratios to both baselines, with the targets it is held to."""
    to_durable = ratios(stats, durable)
    targets = WORKER_TARGETS if with_worker else NO_WORKER_TARGETS
    return {
        **stats,
        "ratios_to_durable": to_durable,
        "ratios_to_bare": ratios(stats, bare),
        "targets": targets,
        "targets_met": {
            f"p99_within_{targets['p99']}x": to_durable["p99"] <= targets["p99"],
            f"throughput_at_least_{targets['throughput']}x": (
                to_durable["throughput"] >= targets["throughput"]
            ),
        },
    }
