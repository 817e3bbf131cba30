"""``sgbot worker``: a standalone worker process taking jobs from the shared Redis queue.

It reads the settings, connects to Redis and the cloud (``SGBOT_*_ENDPOINT`` and the default
Alibaba Cloud credentials chain; with ``SGBOT_CLOUD=emulator``, the emulator those endpoints
name, which must be the one the serving processes use), then takes jobs and timers until
SIGTERM or SIGINT, finishing the jobs it holds before it exits. Run as many as needed, on any
machines: the consumer group hands each job to one of them, and jobs a dead worker held are
claimed by another after ``SGBOT_JOB_CLAIM_IDLE``. With ``SGBOT_HEALTH_PORT`` set it serves
``/healthz``, ``/readyz`` (Redis answers and its loop ran within its interval) and ``/metrics``
there (``bot.health``) and prints ``sgbot health on http://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.cloud.port import CloudPort
    from bot.cloud.regions import RegionalClouds

WORKER_ORGS = frozenset({"worker"})
"""Stands in for the home organisations, which only the Slack side checks people against."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="apply approved changes and run timers (no Slack connection)",
        description="Take resolve/apply/revoke jobs and timers from Redis until SIGTERM.",
    )
    parser.add_argument("--consumer", help="consumer name (default: host name and process id)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli.serve import load_and_log

    settings = load_and_log()
    asyncio.run(_work(settings, args.consumer))
    return 0


def worker_clouds(settings: Settings) -> RegionalClouds:
    """The clouds a worker changes, one per served region (the default one built now)."""
    from bot.cloud.factory import build_cloud
    from bot.deps import emulator_cloud, external_emulator
    from bot.served_regions import check_emulated_regions, served_clouds

    settings = settings.model_copy(update={"region_id": settings.served_regions[0]})
    if settings.cloud != "emulator":
        return served_clouds(settings, worker_cloud(settings), build_cloud)
    check_emulated_regions(settings)
    default = worker_cloud(settings)
    # The emulator's protocol (plain HTTP unless set) applies to every region's endpoints.
    return served_clouds(external_emulator(settings) or settings, default, emulator_cloud)


def worker_cloud(settings: Settings) -> CloudPort:
    """The cloud a worker changes; an emulated one must be shared, so it is never started here."""
    from bot.cloud.factory import build_cloud
    from bot.deps import emulator_cloud, external_emulator

    if settings.cloud != "emulator":
        return build_cloud(settings)
    emulator = external_emulator(settings)
    if emulator is None:
        raise ConfigError(
            "SGBOT_MSE_ENDPOINT: missing; with SGBOT_CLOUD=emulator a worker needs "
            "SGBOT_MSE_ENDPOINT, SGBOT_ECS_ENDPOINT and SGBOT_CS_ENDPOINT set to the emulator's "
            "host:port"
        )
    return emulator_cloud(emulator)


async def _work(settings: Settings, consumer: str | None) -> None:
    from approvals.clock import SystemClock
    from approvals.connect import connect
    from approvals.drift_watch import build_watch
    from approvals.jobs import JobContext
    from approvals.worker import Worker, default_consumer_name
    from bot.backlog import beat
    from bot.cli.serve import stop_on_signals
    from bot.deps import policy_config, request_store, worker_config
    from bot.health import Probe, health_listener
    from bot.metrics import Metrics
    from bot.policy_setup import policy_source

    rules = policy_source(settings)
    clouds = worker_clouds(settings)
    cloud = clouds.get(clouds.default)
    stop = stop_on_signals()
    redis = connect(settings.redis_url)
    store = request_store(settings, redis)
    clock, metrics = SystemClock(), Metrics()
    context = JobContext(
        store=store,
        cloud=cloud,
        clouds=clouds,
        clock=clock,
        policy=policy_config(settings, frozenset(settings.home_orgs) or WORKER_ORGS),
        observer=metrics,
        rules=rules,
        max_duration=settings.max_duration,
        max_extensions=settings.max_extensions,
    )
    rules.install_sighup(asyncio.get_running_loop())
    name = consumer or default_consumer_name()
    worker = Worker(context, worker_config(settings, name))
    label = "emulator" if settings.cloud == "emulator" else "aliyun"
    probe = Probe(store, metrics, clock, label, worker=worker)
    try:
        async with health_listener(settings.health_host, settings.health_port, probe) as health:
            if health is not None:
                print(health, flush=True)
            watch = build_watch(
                settings,
                store,
                cloud,
                clock,
                counted=metrics.drift_found,
                policy=rules,
                clouds=clouds,
            )
            loops = [
                worker.run(stop),
                beat(probe, name, stop),
                rules.watch(stop, settings.policy_check_every),
            ]
            await asyncio.gather(*loops, *([watch.run(stop)] if watch else []))
    finally:
        await redis.aclose()
