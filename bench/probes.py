"""What a benchmark reads from the processes it runs: CPU time, Redis's counters, the local
Slack's record of calls, and whether the work streams have drained."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path

import redis

from approvals.keys import Keys

DRAIN_LIMIT_SECONDS = 600.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SCRIPT_COMMANDS = ("cmdstat_evalsha", "cmdstat_eval", "cmdstat_fcall")


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU time of a process so far, in seconds (fields 14 and 15 of its
    ``/proc/<pid>/stat`` line)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    return sum(cpu_times(pid))


def int_list(text: str) -> list[int]:
    """An argument such as ``--latencies 0,50``."""
    return [int(part) for part in text.split(",")]


def redis_calls(client: redis.Redis) -> tuple[int, int]:
    """Commands Redis has run (those a script runs count too) and scripts it has run."""
    stats = client.info("commandstats")
    commands = sum(int(v["calls"]) for v in stats.values())
    return commands, sum(int(stats[k]["calls"]) for k in SCRIPT_COMMANDS if k in stats)


def users_info_calls(slack_origin: str) -> int:
    with urllib.request.urlopen(f"{slack_origin}/_local/calls?method=users.info") as answer:  # noqa: S310 - loopback
        return len(json.load(answer))


def drain_seconds(client: redis.Redis, keys: Keys) -> float:
    """Seconds until the jobs and outbox streams are empty (polled every 50 ms)."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_LIMIT_SECONDS:
        if client.xlen(keys.jobs) == 0 and client.xlen(keys.outbox) == 0:
            return round(time.monotonic() - started, 2)
        time.sleep(0.05)
    return float("inf")
