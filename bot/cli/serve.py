"""``sgbot serve``: the Slack app over HTTP, with the outbox deliverer and (by default) a worker.

It validates the settings (one ``ConfigError`` line when something is missing), builds the
dependencies, listens on ``--host``/``--port`` (0 picks a free port) and prints
``sgbot listening on http://HOST:PORT`` once Slack can reach it. ``--emulated-cloud`` (or
``SGBOT_CLOUD=emulator``) runs against the cloud emulator that ``SGBOT_*_ENDPOINT`` name, or a
built-in one with the demo estate when they name none; every message then says the cloud is
emulated. ``--no-worker`` leaves the cloud work to separate ``sgbot worker`` processes. SIGTERM
and SIGINT stop it gracefully. ``run_front`` is the part ``sgbot socket`` shares: the same
start-up, dependencies and background loops, with another way of reaching Slack in front.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

Front = Callable[[Settings, "Deps"], AbstractAsyncContextManager[str]]
"""Connects the app to Slack while entered; yields the line that tells Slack can reach it."""


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
        help="use the cloud emulator at SGBOT_*_ENDPOINT (or a built-in one with the demo "
        "estate) instead of Alibaba Cloud",
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


def run_front(args: argparse.Namespace, front: Front, *, socket_mode: bool) -> int:
    """Check the settings, then serve through ``front`` until SIGTERM or SIGINT."""
    configure_logging()
    settings = load_settings()
    settings.require_serving(socket_mode=socket_mode)
    asyncio.run(_until_stopped(settings, args, front))
    return 0


async def _until_stopped(settings: Settings, args: argparse.Namespace, front: Front) -> None:
    stop = stop_on_signals()
    async with running(settings, args) as deps, front(settings, deps) as ready:
        # Everything loaded so far (SDKs, models, the app) lives as long as the process; moving
        # it out of the collector's reach keeps full collections from pausing requests for
        # tens of milliseconds.
        gc.freeze()
        print(ready, flush=True)
        await stop.wait()


@asynccontextmanager
async def running(settings: Settings, args: argparse.Namespace) -> AsyncIterator[Deps]:
    """Dependencies plus the background loops (deliverer, worker); stopped on exit."""
    from approvals.jobs import JobContext
    from approvals.worker import Worker, default_consumer_name
    from bot.delivery import Deliverer
    from bot.deps import emulated_cloud, open_deps, worker_config

    emulated = args.emulated_cloud or settings.cloud == "emulator"
    cloud_settings = emulated_cloud(settings) if emulated else nullcontext(settings)
    async with cloud_settings as effective, open_deps(effective, emulated=emulated) as deps:
        stop = asyncio.Event()
        consumer = default_consumer_name()
        # A dead replica's messages are taken over as soon as its jobs would be.
        loops = [Deliverer(deps, consumer, stale_after=settings.job_claim_idle).run(stop)]
        if not args.no_worker:
            context = JobContext(
                store=deps.store,
                cloud=deps.cloud,
                clock=deps.clock,
                policy=deps.policy,
                observer=deps.metrics,
            )
            loops.append(Worker(context, worker_config(settings, consumer)).run(stop))
        tasks = [asyncio.create_task(loop) for loop in loops]
        try:
            yield deps
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)


def run(args: argparse.Namespace) -> int:
    return run_front(args, _listening_on(args.host, args.port), socket_mode=False)


def _listening_on(host: str, port: int) -> Front:
    @asynccontextmanager
    async def listening(settings: Settings, deps: Deps) -> AsyncIterator[str]:
        from aiohttp import web

        from bot.app import build_app
        from bot.server import build_web_app

        runner = web.AppRunner(build_web_app(build_app(settings, deps), deps), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            bound_host, bound_port = runner.addresses[0][:2]
            yield f"sgbot listening on http://{bound_host}:{bound_port}"
        finally:
            await runner.cleanup()

    return listening
