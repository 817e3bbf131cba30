"""Ack latency and throughput of the slash command: ``sgbot serve`` against a bare bolt app.

One run starts a private Redis, the emulator and the local Slack (each its own process), then
alternates the two servers for ``--rounds`` rounds: ``sgbot serve`` as deployed by default
(embedded worker and deliverer, so the cloud work competes with the acks), then the bare bolt
app (``bench.bare_bolt``). Each gets ``--warmup`` unmeasured requests, then ``--requests`` at
``--concurrency``, each freshly signed, from many users with fresh trigger ids so intake dedupe
and the rate limit (set very high) never short-circuit. Redis is flushed between rounds so no
backlog carries over. Prints latency, throughput and the sgbot/bare ratios against the targets.
``--log-format text --log-format json`` runs ``sgbot serve`` once per ``SGBOT_LOG_FORMAT`` in each
round and reports each against the same bare app (``by_log_format``), so the cost of JSON logs
is measured in one run; ``sgbot`` is then the first format given.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from pathlib import Path
from typing import Any

import redis

from bench import processes
from bench.loadgen import LoadResult, response_urls, run_load
from bench.profiling import sampled
from bench.slack_process import bench_signer, bench_user_ids
from bench.stats import emit, summarise
from standins.slack import SignedRequest
from standins.slack.directory import DEV_CHANNEL_ID

COMMAND_TEXT = "authorize gateway prod-gw to service orders on 8080"
P99_TARGET_RATIO = 1.2
THROUGHPUT_TARGET_RATIO = 0.8


def classify_ack(status: int, body: str) -> str:
    if status == 200 and "received" in body:
        return "received"
    return f"http {status}: {body[:80]}"


async def measure(
    url: str, slack_origin: str, users: int, *, total: int, concurrency: int, time_limit: float
) -> LoadResult:
    user_ids = bench_user_ids(users)
    senders = [user_ids[index % users] for index in range(total)]
    urls = await response_urls(slack_origin, senders, DEV_CHANNEL_ID)
    signer = bench_signer(users, processes.SIGNING_SECRET)

    def make_request(index: int) -> SignedRequest:
        return signer.slash_command(
            senders[index], DEV_CHANNEL_ID, COMMAND_TEXT, response_url=urls[index]
        )

    return await run_load(
        f"{url}/slack/events",
        make_request,
        total=total,
        concurrency=concurrency,
        time_limit=time_limit,
        classify=classify_ack,
    )


def pooled(results: list[LoadResult]) -> dict[str, Any]:
    latencies = list(itertools.chain.from_iterable(r.latencies for r in results))
    outcomes: dict[str, int] = {}
    for result in results:
        for outcome, count in result.outcomes.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    return {
        "latency": summarise(latencies),
        "throughput_rps": [round(r.throughput, 1) for r in results],
        "mean_throughput_rps": round(sum(r.throughput for r in results) / len(results), 1),
        "outcomes": outcomes,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    formats: list[str] = args.log_format or ["text"]
    sgbot_by_format: dict[str, list[LoadResult]] = {fmt: [] for fmt in formats}
    bare_runs: list[LoadResult] = []

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

    pinned = processes.pin_servers() if args.pin else None
    server_cpus = pinned[1] if pinned else None
    with (
        processes.redis_server() as redis_url,
        processes.emulator() as cloud,
        processes.local_slack(args.users) as slack,
    ):
        env = processes.sgbot_env(redis_url, slack, cloud)
        flush = redis.Redis.from_url(redis_url)
        for _ in range(args.rounds):
            for fmt, sgbot_runs in sgbot_by_format.items():
                flush.flushall()
                fmt_env = env | {"SGBOT_LOG_FORMAT": fmt}
                with processes.sgbot(fmt_env, *args.sgbot_flag, cpus=server_cpus) as bot:
                    load(bot.url, slack, args.warmup)
                    with sampled(bot.pid, args.profile, f"sgbot-{fmt}-{len(sgbot_runs)}"):
                        sgbot_runs.append(load(bot.url, slack, args.requests))
            flush.flushall()
            with processes.bare_bolt(slack, server_cpus) as bare:
                load(bare.url, slack, args.warmup)
                with sampled(bare.pid, args.profile, f"bare-{len(bare_runs)}"):
                    bare_runs.append(load(bare.url, slack, args.requests))
        flush.close()
    bare_stats = pooled(bare_runs)
    by_format = {fmt: compared(pooled(runs), bare_stats) for fmt, runs in sgbot_by_format.items()}
    first = by_format[formats[0]]
    return {
        "benchmark": "ack",
        "command": COMMAND_TEXT,
        "parameters": vars(args),
        "sgbot": first["sgbot"],
        "bare_bolt": bare_stats,
        "ratios": first["ratios"],
        "targets_met": first["targets_met"],
        "by_log_format": by_format if len(formats) > 1 else None,
    }


def compared(sgbot_stats: dict[str, Any], bare_stats: dict[str, Any]) -> dict[str, Any]:
    """One sgbot configuration's figures, and its ratios to the bare app against the targets."""
    p99_ratio = sgbot_stats["latency"]["p99_ms"] / bare_stats["latency"]["p99_ms"]
    p50_ratio = sgbot_stats["latency"]["p50_ms"] / bare_stats["latency"]["p50_ms"]
    throughput_ratio = sgbot_stats["mean_throughput_rps"] / bare_stats["mean_throughput_rps"]
    return {
        "sgbot": sgbot_stats,
        "ratios": {
            "p50": round(p50_ratio, 2),
            "p99": round(p99_ratio, 2),
            "throughput": round(throughput_ratio, 2),
        },
        "targets_met": {
            "p99_within_1.2x": p99_ratio <= P99_TARGET_RATIO,
            "throughput_at_least_0.8x": throughput_ratio >= THROUGHPUT_TARGET_RATIO,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per timed run")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server under test alone on CPU 1, everything else on CPU 0",
    )
    parser.add_argument(
        "--sgbot-flag",
        action="append",
        default=[],
        help="extra flag for sgbot serve, e.g. --no-worker to time the ack path alone",
    )
    parser.add_argument(
        "--profile", type=Path, help="directory for py-spy samples of each timed run"
    )
    parser.add_argument(
        "--log-format",
        action="append",
        choices=["text", "json"],
        help="SGBOT_LOG_FORMAT of sgbot serve; give it twice to compare both in one run",
    )
    result = run(parser.parse_args())
    sgbot_latency, bare_latency = result["sgbot"]["latency"], result["bare_bolt"]["latency"]
    emit(
        result,
        f"ack: sgbot p50 {sgbot_latency['p50_ms']} ms p99 {sgbot_latency['p99_ms']} ms "
        f"{result['sgbot']['mean_throughput_rps']} req/s; bare bolt p50 {bare_latency['p50_ms']} "
        f"ms p99 {bare_latency['p99_ms']} ms {result['bare_bolt']['mean_throughput_rps']} req/s; "
        f"ratios p99 {result['ratios']['p99']}x throughput {result['ratios']['throughput']}x"
        + "".join(
            f"; {fmt}: p99 {one['sgbot']['latency']['p99_ms']} ms "
            f"{one['sgbot']['mean_throughput_rps']} req/s ratios p99 {one['ratios']['p99']}x "
            f"throughput {one['ratios']['throughput']}x"
            for fmt, one in (result["by_log_format"] or {}).items()
        ),
    )


if __name__ == "__main__":
    main()
