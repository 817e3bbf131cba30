"""Resident memory of one ``sgbot serve`` process: idle, and after 10,000 requests.

It starts a private Redis, the emulator and the local Slack (each its own process) and
``sgbot serve`` with its worker, reads ``VmRSS`` from ``/proc/<pid>/status`` once the server
has settled, sends ``--requests`` slash commands at ``--concurrency`` (each freshly signed,
many users), reads it again right after the last ack, then lets the worker work through the
backlog for up to ``--drain-seconds`` and reads it a last time, with what was left undone.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from typing import Any

import redis

from bench import processes
from bench.ack import measure
from bench.stats import emit, summarise

RSS_TARGET_MIB = 150
SETTLE_SECONDS = 2.0
POLL_SECONDS = 0.5
KEY_PREFIX = "{bench}"


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


def incident_lines(log: str) -> list[str]:
    """Each logged incident with the last line of its traceback (the exception)."""
    lines = log.splitlines()
    found = []
    for number, line in enumerate(lines):
        if "incident INC-" in line:
            following = itertools.takewhile(
                lambda text: not text[:2].isdigit(), lines[number + 1 :]
            )
            found.append(f"{line} -> {([*following] or ['?'])[-1]}")
    return found


def backlog(client: redis.Redis) -> dict[str, int]:
    return {
        "jobs": int(client.xlen(f"{KEY_PREFIX}:jobs")),
        "outbox": int(client.xlen(f"{KEY_PREFIX}:outbox")),
        "pending_requests": int(client.zcard(f"{KEY_PREFIX}:pending")),
        "live_requests": int(client.zcard(f"{KEY_PREFIX}:live")),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        processes.redis_server() as redis_url,
        processes.emulator() as cloud,
        processes.local_slack(args.users) as slack,
        processes.sgbot(processes.sgbot_env(redis_url, slack, cloud)) as bot,
    ):
        client = redis.Redis.from_url(redis_url)
        time.sleep(SETTLE_SECONDS)
        idle = bot.rss_kib()
        load = asyncio.run(
            measure(
                bot.url,
                slack,
                args.users,
                total=args.requests,
                concurrency=args.concurrency,
                time_limit=args.time_limit,
            )
        )
        after_load = bot.rss_kib()
        deadline = time.monotonic() + args.drain_seconds
        peak = after_load
        while time.monotonic() < deadline and any(
            backlog(client)[stream] for stream in ("jobs", "outbox")
        ):
            time.sleep(POLL_SECONDS)
            peak = max(peak, bot.rss_kib())
        drained = bot.rss_kib()
        left = backlog(client)
        incidents = incident_lines(bot.log_tail(100_000))
        client.close()
    return {
        "benchmark": "memory",
        "parameters": vars(args),
        "rss_mib": {
            "idle": mib(idle),
            "after_requests": mib(after_load),
            "after_drain": mib(drained),
            "peak_seen": mib(max(peak, drained)),
        },
        "requests": {"outcomes": dict(load.outcomes), "ack_latency": summarise(load.latencies)},
        "left_after_drain": left,
        "incident_log_lines": incidents[:5],
        "target_met": {"rss_under_150_mib": max(peak, drained) / 1024 < RSS_TARGET_MIB},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=90.0, help="seconds for the load")
    parser.add_argument("--drain-seconds", type=float, default=60.0)
    result = run(parser.parse_args())
    rss = result["rss_mib"]
    emit(
        result,
        f"memory: sgbot serve RSS idle {rss['idle']} MiB, after {args_count(result)} requests "
        f"{rss['after_requests']} MiB, after draining {rss['after_drain']} MiB "
        f"(peak {rss['peak_seen']} MiB; target < {RSS_TARGET_MIB} MiB)",
    )


def args_count(result: dict[str, Any]) -> int:
    return sum(result["requests"]["outcomes"].values())


if __name__ == "__main__":
    main()
