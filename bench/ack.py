"""Ack latency, throughput and CPU of the slash command: ``sgbot serve`` against two baselines.

One run starts a private Redis, the emulator and the local Slack (each its own process), then
in each of ``--rounds`` rounds serves the same load from every server in turn: each sgbot
variant (``--variant``; by default ``sgbot serve --no-worker``, the ack path alone, and
``sgbot serve`` as deployed, with its worker and deliverer inside), then the durable baseline
(a bare bolt app that ``XADD``s the command to Redis, then acks: the floor for "nothing
acknowledged is lost") and the bare one (only acks), both from ``bench.bare_bolt``. Each server
gets ``--warmup`` unmeasured requests, then ``--requests`` at ``--concurrency``, each freshly
signed, from many users with fresh trigger ids so intake dedupe and the rate limit (set very
high) never short-circuit. Redis is flushed between servers so no backlog carries over.

Besides latency and throughput, each timed run records the server's own CPU time per request
(``/proc/<pid>/stat``), which does not depend on how fast the load generator is; and for an
sgbot with its worker inside, how long the backlog the load left takes to drain (the jobs and
outbox streams empty; an entry is deleted when it is acked). Ratios are against the durable
baseline (the targets) and the bare one.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from approvals.keys import Keys
from bench import processes
from bench.loadgen import LoadResult, response_urls, run_load
from bench.profiling import sampled
from bench.slack_process import bench_signer, bench_user_ids
from bench.stats import emit, summarise
from standins.slack import SignedRequest
from standins.slack.directory import DEV_CHANNEL_ID

COMMAND_TEXT = "authorize gateway prod-gw to service orders on 8080"
NO_WORKER_TARGETS = {"p99": 1.2, "throughput": 0.8}
WORKER_TARGETS = {"p99": 1.5, "throughput": 0.6}
DRAIN_LIMIT_SECONDS = 600.0
CLOCK_TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux
SCRIPT_COMMANDS = ("cmdstat_evalsha", "cmdstat_eval", "cmdstat_fcall")


@dataclass(frozen=True)
class Variant:
    """One way of running ``sgbot serve``: its flags and extra environment, named as given."""

    name: str
    flags: tuple[str, ...]
    env: dict[str, str]
    without: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Variant:
        """Comma-separated: ``--flag``, ``NAME=value`` environment, ``-module`` left out.

        ``--no-worker``, ``worker``, ``--no-worker,SGBOT_LOG_FORMAT=json``,
        ``--no-worker,-uvloop,-hiredis``.
        """
        tokens = [token for token in text.split(",") if token]
        flags = tuple(token for token in tokens if token.startswith("--"))
        env = dict(token.split("=", 1) for token in tokens if "=" in token)
        left_out = tuple(t[1:] for t in tokens if t.startswith("-") and not t.startswith("--"))
        return cls(name=text, flags=flags, env=env, without=left_out)

    @property
    def has_worker(self) -> bool:
        return "--no-worker" not in self.flags


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


def classify_ack(status: int, body: str) -> str:
    if status == 200 and "received" in body:
        return "received"
    return f"http {status}: {body[:80]}"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (fields 14 and 15 of its stat line)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def slash_commands(
    slack_origin: str, users: int, total: int
) -> Callable[[int], SignedRequest]:
    """Signs the ``index``-th of ``total`` ``COMMAND_TEXT`` commands from ``users`` people when
    called (so its timestamp is fresh), each with its own response URL and trigger id."""
    user_ids = bench_user_ids(users)
    senders = [user_ids[index % users] for index in range(total)]
    urls = await response_urls(slack_origin, senders, DEV_CHANNEL_ID)
    signer = bench_signer(users, processes.SIGNING_SECRET)

    def make_request(index: int) -> SignedRequest:
        return signer.slash_command(
            senders[index], DEV_CHANNEL_ID, COMMAND_TEXT, response_url=urls[index]
        )

    return make_request


def add_load_arguments(parser: argparse.ArgumentParser, *, rounds: int) -> None:
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=rounds)


async def measure(
    url: str, slack_origin: str, users: int, *, total: int, concurrency: int, time_limit: float
) -> LoadResult:
    return await run_load(
        f"{url}/slack/events",
        await slash_commands(slack_origin, users, total),
        total=total,
        concurrency=concurrency,
        time_limit=time_limit,
        classify=classify_ack,
    )


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
    variant: Variant, stats: dict[str, Any], durable: dict[str, Any], bare: dict[str, Any]
) -> dict[str, Any]:
    """One variant's figures and its ratios to both baselines, with the targets it is held to."""
    to_durable = ratios(stats, durable)
    targets = WORKER_TARGETS if variant.has_worker else NO_WORKER_TARGETS
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


def run(args: argparse.Namespace) -> dict[str, Any]:
    variants = [Variant.parse(text) for text in args.variant or ["--no-worker", "worker"]]
    timed: dict[str, list[Timed]] = {
        name: [] for name in [v.name for v in variants] + ["durable", "bare"]
    }
    keys = Keys("bench")
    drained = {v.name for v in variants if v.has_worker}

    def load(url: str, slack: str, total: int) -> LoadResult:
        return asyncio.run(
            measure(
                url,
                slack,
                args.users,
                total=total,
                concurrency=args.concurrency,
                time_limit=args.time_limit,
            )
        )

    def timed_run(server: processes.Child, slack: str, name: str) -> Timed:
        redis_pid = int(client.info("server")["process_id"])
        at_start = cpu_seconds(server.pid), cpu_seconds(redis_pid)
        load(server.url, slack, args.warmup)
        before = cpu_seconds(server.pid), cpu_seconds(redis_pid), redis_calls(client)
        looked_up = users_info_calls(slack)
        # (The INFO reads themselves add two commands to a run of thousands.)
        with sampled(server.pid, args.profile, f"{name}-{len(timed[name])}"):
            result = load(server.url, slack, args.requests)
        after_calls = redis_calls(client)
        one = Timed(
            result,
            cpu_seconds(server.pid) - before[0],
            cpu_seconds(redis_pid) - before[1],
            (after_calls[0] - before[2][0], after_calls[1] - before[2][1]),
            users_info_calls(slack) - looked_up,
        )
        if name in drained:
            one.drain_seconds = drain_seconds(client, keys)
            one.until_idle = (
                cpu_seconds(server.pid) - at_start[0],
                cpu_seconds(redis_pid) - at_start[1],
            )
        return one

    pinned = processes.pin_servers() if args.pin else None
    server_cpus = pinned[1] if pinned else None
    with (
        processes.redis_server() as redis_url,
        processes.emulator() as cloud,
        processes.local_slack(args.users) as slack,
    ):
        env = processes.sgbot_env(redis_url, slack, cloud)
        client = redis.Redis.from_url(redis_url)
        for _ in range(args.rounds):
            for variant in variants:
                client.flushall()
                with (
                    processes.without(variant.without) as shadowed,
                    processes.sgbot(
                        env | variant.env | shadowed, *variant.flags, cpus=server_cpus
                    ) as bot,
                ):
                    one = timed_run(bot, slack, variant.name)
                    timed[variant.name].append(one)
            for name, redis_for_baseline in (("durable", redis_url), ("bare", None)):
                client.flushall()
                with processes.bare_bolt(slack, server_cpus, redis_url=redis_for_baseline) as app:
                    timed[name].append(timed_run(app, slack, name))
        client.close()
    durable, bare = (
        pooled(timed["durable"], args.warmup, args.requests),
        pooled(timed["bare"], args.warmup, args.requests),
    )
    return {
        "benchmark": "ack",
        "command": COMMAND_TEXT,
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "durable_baseline": durable,
        "bare_baseline": bare,
        "sgbot": {
            v.name: compared(v, pooled(timed[v.name], args.warmup, args.requests), durable, bare)
            for v in variants
        },
    }


def summary_line(result: dict[str, Any]) -> str:
    durable = result["durable_baseline"]
    parts = [
        f"durable p99 {durable['latency']['p99_ms']} ms {durable['mean_throughput_rps']} req/s "
        f"{durable['cpu_ms_per_request']} ms CPU/req"
    ]
    for name, one in result["sgbot"].items():
        to = one["ratios_to_durable"]
        parts.append(
            f"{name}: p99 {one['latency']['p99_ms']} ms {one['mean_throughput_rps']} req/s "
            f"{one['cpu_ms_per_request']} ms CPU/req; to durable p99 {to['p99']}x "
            f"throughput {to['throughput']}x"
        )
    return "ack: " + "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_load_arguments(parser, rounds=2)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per timed run")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server under test alone on CPU 1, everything else on CPU 0",
    )
    parser.add_argument(
        "--variant",
        action="append",
        help="an sgbot serve to time: comma-separated flags and NAME=value environment, e.g. "
        "'--no-worker', 'worker', '--no-worker,SGBOT_LOG_FORMAT=json', and -module to leave an "
        "optional module out, e.g. '--no-worker,-uvloop' (repeatable; default: "
        "'--no-worker' and 'worker')",
    )
    parser.add_argument(
        "--profile", type=Path, help="directory for py-spy samples of each timed run"
    )
    result = run(parser.parse_args())
    emit(result, summary_line(result))


if __name__ == "__main__":
    main()
