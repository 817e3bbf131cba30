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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from approvals.keys import Keys
from bench import processes
from bench.ack_figures import Timed, compared, pooled
from bench.loadgen import LoadResult, response_urls, run_load
from bench.probes import cpu_seconds, drain_seconds, redis_calls, users_info_calls
from bench.profiling import sampled
from bench.slack_process import bench_signer, bench_user_ids
from bench.stats import emit
from standins.slack import SignedRequest
from standins.slack.directory import DEV_CHANNEL_ID

COMMAND_TEXT = "authorize gateway prod-gw to service orders on 8080"


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


def classify_ack(status: int, body: str) -> str:
    if status == 200 and "received" in body:
        return "received"
    return f"http {status}: {body[:80]}"


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

    def figures(name: str) -> dict[str, Any]:
        return pooled(timed[name], args.warmup, args.requests)

    durable, bare = figures("durable"), figures("bare")
    return {
        "benchmark": "ack",
        "command": COMMAND_TEXT,
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "durable_baseline": durable,
        "bare_baseline": bare,
        "sgbot": {
            v.name: compared(
                v.has_worker, pooled(timed[v.name], args.warmup, args.requests), durable, bare
            )
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
