"""``sgbot worker``: a standalone worker process taking jobs from the shared Redis queue.

It reads the settings, connects to Redis and the cloud (``SGBOT_*_ENDPOINT`` and the default
Alibaba Cloud credentials chain), then takes jobs and timers until SIGTERM or SIGINT, finishing
the jobs it holds before it exits. Run as many as needed, on any machines: the consumer group
hands each job to one of them, and jobs a dead worker held are claimed by another after
``SGBOT_JOB_CLAIM_IDLE``.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from approvals.policy import PolicyConfig
from bot.settings import Settings, load_settings

WORKER_ORG = "worker"
"""Stands in for the home organisations, which only the Slack side checks people against."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="apply approved changes and run timers (no Slack connection)",
        description="Take resolve/apply/revoke jobs and timers from Redis until SIGTERM.",
    )
    parser.add_argument("--consumer", help="consumer name (default: host name and process id)")
    parser.set_defaults(func=run)


def worker_policy(settings: Settings) -> PolicyConfig:
    """The policy values a worker uses: risk flags, deadlines, reminders, grant warnings."""
    return PolicyConfig(
        home_org_ids=frozenset(settings.home_orgs) or frozenset({WORKER_ORG}),
        approvers=frozenset(settings.approvers),
        broad_ports=settings.broad_ports,
        sensitive_ports=frozenset(settings.sensitive_ports),
        rate_limit=settings.rate_limit,
        rate_window=settings.rate_window,
        pending_ttl=settings.pending_ttl,
        remind_before=settings.remind_before,
        grant_warn_before=settings.grant_warn_before,
    )


def run(args: argparse.Namespace) -> int:
    from bot.cli.serve import configure_logging

    configure_logging()
    settings = load_settings()
    asyncio.run(_work(settings, args.consumer))
    return 0


async def _work(settings: Settings, consumer: str | None) -> None:
    from approvals.clock import SystemClock
    from approvals.connect import connect
    from approvals.jobs import JobContext
    from approvals.results import StoreConfig
    from approvals.store import RequestStore
    from approvals.worker import Worker, WorkerConfig, default_consumer_name
    from bot.cli.serve import stop_on_signals
    from bot.cloud.factory import build_cloud

    stop = stop_on_signals()
    redis = connect(settings.redis_url)
    store = RequestStore(
        redis,
        StoreConfig(
            prefix=settings.key_prefix,
            retention=settings.retention,
            audit_maxlen=settings.audit_maxlen,
        ),
    )
    context = JobContext(
        store=store,
        cloud=build_cloud(settings),
        clock=SystemClock(),
        policy=worker_policy(settings),
    )
    config = WorkerConfig(
        consumer=consumer or default_consumer_name(),
        claim_idle=settings.job_claim_idle,
        concurrency=settings.worker_concurrency,
    )
    try:
        await Worker(context, config).run(stop)
    finally:
        await redis.aclose()
