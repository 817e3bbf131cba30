"""``sgbot serve``: the Slack app over HTTP, with the outbox deliverer and (by default) a worker.

It validates the settings (one ``ConfigError`` line when something is missing), builds the
dependencies, listens on ``--host``/``--port`` (0 picks a free port) and prints
``sgbot listening on http://HOST:PORT`` once Slack can reach it. ``--emulated-cloud`` (or
``SGBOT_CLOUD=emulator``) runs against the cloud emulator that ``SGBOT_*_ENDPOINT`` name, or a
built-in one with the demo estate when they name none; every message then says the cloud is
emulated. ``--no-worker`` leaves the cloud work to separate ``sgbot worker`` processes. SIGTERM
and SIGINT stop it gracefully: it stops listening, finishes the jobs its worker holds and exits.
``run_front`` is the part ``sgbot socket`` shares: the same start-up, logging
(``SGBOT_LOG_FORMAT``), dependencies, background loops and health listener
(``SGBOT_HEALTH_PORT``, ``bot.health``), with another way of reaching Slack in front.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from functools import partial
from typing import TYPE_CHECKING

from bot import catalogue, event_loop
from bot.cli.subcommand import add_listen_address
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.health import Probe
    from handlers.deps import Deps

log = logging.getLogger(__name__)
# The longest an embedded worker round waits for the Slack requests in flight to be answered.
FRONT_FIRST_SECONDS = 0.5

Front = Callable[[Settings, "Deps", "Probe"], AbstractAsyncContextManager[str]]
"""Connects the app to Slack while entered; yields the line that tells Slack can reach it."""


SUMMARY = "serve the Slack app over HTTP"
DESCRIPTION = "Serve Slack's request URL (/slack/events), /healthz, /readyz and /metrics."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_listen_address(parser, port=3000)
    add_common_flags(parser)


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


def load_and_log(level: int = logging.INFO) -> Settings:
    """The settings, with logging set up as they say (``SGBOT_LOG_FORMAT``)."""
    from bot.logs import configure_logging

    settings = load_settings()
    catalogue.use(settings.language)
    configure_logging(settings.log_format, region=settings.region_id, level=level)
    return settings


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


def run_front(args: argparse.Namespace, front: Front, *, socket_mode: bool) -> int:
    """Check the settings, then serve through ``front`` until SIGTERM or SIGINT."""
    settings = load_and_log()
    settings.require_serving(socket_mode=socket_mode)
    event_loop.run(_until_stopped(settings, args, front))
    return 0


async def _until_stopped(settings: Settings, args: argparse.Namespace, front: Front) -> None:
    from bot.health import health_listener

    stop = stop_on_signals()
    async with (
        running(settings, args) as (deps, probe),
        front(settings, deps, probe) as ready,
        health_listener(settings.health_host, settings.health_port, probe) as health,
    ):
        # Everything loaded so far (SDKs, models, the app) lives as long as the process; moving
        # it out of the collector's reach keeps full collections from pausing requests for
        # tens of milliseconds.
        gc.freeze()
        print(ready, flush=True)
        if health is not None:
            print(health, flush=True)
        await stop.wait()


@asynccontextmanager
async def running(
    settings: Settings, args: argparse.Namespace
) -> AsyncIterator[tuple[Deps, Probe]]:
    """Dependencies plus the background loops (deliverer, worker) and what the health
    endpoints look at; the loops are stopped on exit."""
    from approvals.drift_watch import build_watch
    from approvals.worker import Worker, default_consumer_name
    from bot import backlog
    from bot.delivery import Deliverer
    from bot.deps import emulated_cloud, open_deps, worker_config
    from bot.health import Probe

    emulated = args.emulated_cloud or settings.cloud == "emulator"
    cloud_settings = emulated_cloud(settings) if emulated else nullcontext(settings)
    async with cloud_settings as effective, open_deps(effective, emulated=emulated) as deps:
        stop = asyncio.Event()
        consumer = default_consumer_name()
        # A dead replica's messages are taken over as soon as its jobs would be.
        loops = [Deliverer(deps, consumer, stale_after=settings.job_claim_idle).run(stop)]
        probe = Probe(deps.store, deps.metrics, deps.clock, deps.cloud_label)
        if not args.no_worker:
            # Acks first: under a burst of commands each round waits for a lull, at most
            # FRONT_FIRST_SECONDS, so resolutions queue up rather than slow the acks.
            probe.worker = Worker(
                deps.jobs,
                worker_config(settings, consumer),
                before_round=partial(probe.front.lull, FRONT_FIRST_SECONDS),
            )
            loops += [probe.worker.run(stop), backlog.beat(probe, consumer, stop)]
            watch = build_watch(settings, deps.jobs, counted=deps.metrics.drift_found)
            loops += [watch.run(stop)] if watch is not None else []
        # Commands and the worker read the same policy: one reload serves both.
        if deps.service.rules is not None:
            loops.append(deps.service.rules.watch(stop, settings.policy_check_every))
            deps.service.rules.install_sighup(asyncio.get_running_loop())
        tasks = [asyncio.create_task(loop) for loop in loops]
        try:
            yield deps, probe
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)


def run(args: argparse.Namespace) -> int:
    return run_front(args, _listening_on(args.host, args.port), socket_mode=False)


def _listening_on(host: str, port: int) -> Front:
    @asynccontextmanager
    async def serving(settings: Settings, deps: Deps, probe: Probe) -> AsyncIterator[str]:
        from bot.app import build_app
        from bot.health import listening
        from bot.server import build_web_app

        app = build_web_app(build_app(settings, deps), probe)
        async with listening(app, host, port) as url:
            yield f"sgbot listening on {url}"

    return serving
