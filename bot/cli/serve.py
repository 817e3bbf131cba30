"""``sgbot serve``: the Slack app over HTTP, with the outbox deliverer and (by default) a worker.

It validates the settings (one ``ConfigError`` line when something is missing), builds the
dependencies, listens on ``--host``/``--port`` (0 picks a free port) and prints
``sgbot listening on http://HOST:PORT`` once Slack can reach it. ``--emulated-cloud`` (or
``SGBOT_CLOUD=emulator``) runs against the built-in emulator; ``--no-worker`` leaves the cloud
work to separate ``sgbot worker`` processes. SIGTERM and SIGINT stop it gracefully.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the Slack app over HTTP",
        description="Serve Slack's request URL (/slack/events), /healthz and /metrics.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on; 0 picks one")
    add_common_flags(parser)
    parser.set_defaults(func=run)


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--emulated-cloud",
        action="store_true",
        help="use the built-in cloud emulator and its demo estate instead of Alibaba Cloud",
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="do not run a worker in this process"
    )


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


@asynccontextmanager
async def running(settings: Settings, args: argparse.Namespace) -> AsyncIterator[Any]:
    """Dependencies plus the background loops (deliverer, worker); stopped on exit."""
    from approvals.jobs import JobContext
    from approvals.worker import Worker, WorkerConfig, default_consumer_name
    from bot.delivery import Deliverer
    from bot.deps import emulated_cloud, open_deps

    emulated = args.emulated_cloud or settings.cloud == "emulator"
    async with (
        _maybe_emulated(settings, emulated, emulated_cloud) as effective,
        open_deps(effective, emulated=emulated) as deps,
    ):
        stop = asyncio.Event()
        consumer = default_consumer_name()
        loops = [Deliverer(deps, consumer).run(stop)]
        if not args.no_worker:
            context = JobContext(
                store=deps.store,
                cloud=deps.cloud,
                clock=deps.clock,
                policy=deps.policy,
                observer=deps.metrics,
            )
            config = WorkerConfig(
                consumer=consumer,
                claim_idle=settings.job_claim_idle,
                concurrency=settings.worker_concurrency,
            )
            loops.append(Worker(context, config).run(stop))
        tasks = [asyncio.create_task(loop) for loop in loops]
        try:
            yield deps
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)


@asynccontextmanager
async def _maybe_emulated(
    settings: Settings, emulated: bool, start: Any
) -> AsyncIterator[Settings]:
    if not emulated:
        yield settings
        return
    async with start(settings) as effective:
        yield effective


def run(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    settings.require_serving(socket_mode=False)
    asyncio.run(_serve(settings, args))
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from aiohttp import web

    from bot.app import build_app
    from bot.server import build_web_app

    stop = stop_on_signals()
    async with running(settings, args) as deps:
        runner = web.AppRunner(build_web_app(build_app(settings, deps), deps), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, args.host, args.port).start()
        host, port = runner.addresses[0][:2]
        print(f"sgbot listening on http://{host}:{port}", flush=True)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
