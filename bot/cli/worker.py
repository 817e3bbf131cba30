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

from bot import event_loop
from bot.settings import Settings

SUMMARY = "apply approved changes and run timers (no Slack connection)"
DESCRIPTION = "Take resolve/apply/revoke jobs and timers from Redis until SIGTERM."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--consumer", help="consumer name (default: host name and process id)")


def run(args: argparse.Namespace) -> int:
    from bot.cli.serve import load_and_log

    settings = load_and_log()
    event_loop.run(_work(settings, args.consumer))
    return 0


async def _work(settings: Settings, consumer: str | None) -> None:
    from approvals.drift_watch import build_watch
    from approvals.worker import Worker, default_consumer_name
    from bot.backlog import beat
    from bot.cli.serve import stop_on_signals
    from bot.core import home_orgs, open_core
    from bot.deps import cloud_for, policy_config, worker_config
    from bot.health import Probe, health_listener
    from bot.policy_setup import policy_source
    from bot.served_regions import command_clouds

    rules = policy_source(settings)
    policy = policy_config(settings, home_orgs(settings))
    clouds = command_clouds(settings, cloud_for)
    cloud = clouds.get(clouds.default)
    stop = stop_on_signals()
    async with open_core(settings, policy=policy, cloud=cloud, clouds=clouds) as core:
        rules.install_sighup(asyncio.get_running_loop())
        name = consumer or default_consumer_name()
        context = core.job_context(rules)
        worker = Worker(context, worker_config(settings, name))
        probe = Probe(core.store, core.metrics, core.clock, core.cloud_label, worker=worker)
        async with health_listener(settings.health_host, settings.health_port, probe) as health:
            if health is not None:
                print(health, flush=True)
            watch = build_watch(settings, context, counted=core.metrics.drift_found)
            loops = [
                worker.run(stop),
                beat(probe, name, stop),
                rules.watch(stop, settings.policy_check_every),
            ]
            await asyncio.gather(*loops, *([watch.run(stop)] if watch else []))
