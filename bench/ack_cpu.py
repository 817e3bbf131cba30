"""CPU per ack, in process: the bolt apps dispatch signed slash commands with no HTTP around them.

``bench.ack`` times whole servers over HTTP, where the load generator shares the machine and
its speed moves the figures. This one measures what a server's own process spends on one
slash command from the signed body to the ack, by process CPU time over ``--requests``
dispatched ``--concurrency`` at a time: sgbot's app as ``sgbot serve --no-worker`` builds it
(its deliverer idle beside it), the durable baseline and the bare one, each in turn,
``--rounds`` times, all against the same private Redis, emulator and local Slack, on one event
loop (``--loop``: asyncio's, as bolt ships, or uvloop, as sgbot runs).
``--profile FILE`` writes a cProfile of sgbot's timed dispatches. The worst of the rounds is
dropped for each app and the best kept (the machine's other work only ever adds time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import uvloop
from redis._parsers import _AsyncRESP2Parser
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bench import processes
from bench.ack import add_load_arguments, slash_commands
from bench.bare_bolt import build_bare_app, build_durable_app
from bench.stats import emit

Dispatch = Callable[[AsyncBoltRequest], Awaitable[Any]]


async def signed_requests(slack_origin: str, users: int, total: int) -> list[AsyncBoltRequest]:
    make_request = await slash_commands(slack_origin, users, total)
    signed = [make_request(index) for index in range(total)]
    return [AsyncBoltRequest(body=one.body.decode(), headers=dict(one.headers)) for one in signed]


async def dispatch_all(app: AsyncApp, requests: list[AsyncBoltRequest], concurrency: int) -> None:
    for start in range(0, len(requests), concurrency):
        answers = await asyncio.gather(
            *(app.async_dispatch(one) for one in requests[start : start + concurrency])
        )
        assert all(a.status == 200 and "received" in str(a.body) for a in answers), answers[0]


async def timed(
    app: AsyncApp, requests: list[AsyncBoltRequest], concurrency: int, profiler: Any = None
) -> float:
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    await dispatch_all(app, requests, concurrency)
    if profiler is not None:
        profiler.disable()
    return 1000 * (time.process_time() - started) / len(requests)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app
    from bot.cli.serve import running
    from bot.settings import load_settings

    best: dict[str, list[float]] = {"sgbot": [], "durable": [], "bare": []}
    profiler = cProfile.Profile() if args.profile else None
    with (
        processes.redis_server() as redis_url,
        processes.emulator() as cloud,
        processes.local_slack(args.users) as slack,
    ):
        os.environ.update(processes.sgbot_env(redis_url, slack, cloud))
        settings = load_settings()
        client = AsyncWebClient(token=processes.BOT_TOKEN, base_url=f"{slack}/api/")
        baseline_redis = aioredis.Redis.from_url(redis_url, parser_class=_AsyncRESP2Parser)
        apps = {
            "durable": build_durable_app(processes.SIGNING_SECRET, client, "/sg", baseline_redis),
            "bare": build_bare_app(processes.SIGNING_SECRET, client, "/sg"),
        }
        serve_args = argparse.Namespace(emulated_cloud=False, no_worker=True)
        async with AsyncExitStack() as stack:
            deps, _ = await stack.enter_async_context(running(settings, serve_args))
            apps["sgbot"] = build_app(settings, deps)
            for _ in range(args.rounds):
                for name, app in apps.items():
                    warm = await signed_requests(slack, args.users, args.warmup)
                    await timed(app, warm, args.concurrency)
                    load = await signed_requests(slack, args.users, args.requests)
                    chosen = profiler if name == "sgbot" else None
                    best[name].append(await timed(app, load, args.concurrency, chosen))
        await baseline_redis.aclose()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    figures = {name: round(min(runs), 3) for name, runs in best.items()}
    return {
        "benchmark": "ack_cpu",
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "cpu_ms_per_ack": figures,
        "all_rounds": best,
        "sgbot_to_durable": round(figures["sgbot"] / figures["durable"], 2),
        "sgbot_to_bare": round(figures["sgbot"] / figures["bare"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_load_arguments(parser, rounds=3)
    parser.add_argument("--profile", type=Path, help="cProfile file of sgbot's timed dispatches")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    args = parser.parse_args()
    factory = uvloop.new_event_loop if args.loop == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        result = runner.run(run(args))
    figures = result["cpu_ms_per_ack"]
    emit(
        result,
        f"ack_cpu: ms of CPU per ack: sgbot {figures['sgbot']}, durable {figures['durable']}, "
        f"bare {figures['bare']}; sgbot/durable {result['sgbot_to_durable']}x",
    )


if __name__ == "__main__":
    main()
