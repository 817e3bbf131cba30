"""The core every sgbot process opens the same way: Redis, the request store, the clock, the
metrics, the policy and the cloud, and the job context a worker runs on.

``serve`` and ``socket`` (through ``bot.deps.open_deps``), ``worker``, ``reconcile`` and
``audit`` all open it here, so they agree on the key prefix, the store's limits and the home
organisations. The caller chooses the cloud (``bot.deps.cloud_for``) and the policy, because
those depend on how the process reaches Slack and Alibaba Cloud; a process that changes
nothing in the cloud (``audit``) passes neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from approvals.clock import Clock, SystemClock
from approvals.connect import RedisClient, connect
from approvals.job_context import JobContext
from approvals.keys import Keys
from approvals.policy import PolicyConfig
from approvals.policy_source import PolicySource
from approvals.results import StoreConfig
from approvals.store import RequestStore
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds
from bot.cloud.resolve_cache import ResolveCache
from bot.metrics import Metrics
from bot.settings import Settings

NO_SLACK_ORGS = frozenset({"worker"})
"""Stands in for the home organisations in a process with no Slack connection: only the Slack
side checks people against them."""


def home_orgs(settings: Settings, installation: frozenset[str] = frozenset()) -> frozenset[str]:
    """``SGBOT_HOME_ORGS``; else the Slack installation's team and enterprise (``auth.test``);
    else, for a process that has no Slack connection, ``NO_SLACK_ORGS``."""
    return frozenset(settings.home_orgs) or installation or NO_SLACK_ORGS


def request_store(settings: Settings, redis: RedisClient) -> RequestStore:
    """The request store the settings describe, on ``redis``."""
    return RequestStore(
        redis,
        StoreConfig(
            prefix=settings.key_prefix,
            retention=settings.retention,
            audit_maxlen=settings.audit_maxlen,
            default_region=settings.served_regions[0],
        ),
    )


@dataclass
class Core:
    settings: Settings
    redis: RedisClient
    keys: Keys
    store: RequestStore
    clock: Clock
    metrics: Metrics
    policy: PolicyConfig | None
    cloud: CloudPort | None
    clouds: RegionalClouds | None = None  # every served region's; None: ``cloud``'s alone
    resolve_cache: ResolveCache | None = None  # the process's; the resolve job's alone

    @property
    def cloud_label(self) -> str:
        return "emulator" if self.settings.cloud == "emulator" else "aliyun"

    def job_context(self, rules: PolicySource | None = None) -> JobContext:
        """What the worker's job handlers are given, under the policy file ``rules`` (None: the
        built-in rules); needs the core opened with a policy and a cloud."""
        if self.policy is None or self.cloud is None:
            raise ValueError("a job context needs the core opened with a policy and a cloud")
        return JobContext(
            store=self.store,
            cloud=self.cloud,
            clouds=self.clouds,
            clock=self.clock,
            policy=self.policy,
            observer=self.metrics,
            rules=rules,
            max_duration=self.settings.max_duration,
            max_extensions=self.settings.max_extensions,
            resolve_cache=self.resolve_cache,
        )


@asynccontextmanager
async def open_core(
    settings: Settings,
    *,
    policy: PolicyConfig | None = None,
    cloud: CloudPort | None = None,
    clouds: RegionalClouds | None = None,
) -> AsyncIterator[Core]:
    """The core on the Redis at ``REDIS_URL``, whose connections are closed on exit."""
    redis = connect(settings.redis_url)
    try:
        yield Core(
            settings=settings,
            redis=redis,
            keys=Keys(settings.key_prefix),
            store=request_store(settings, redis),
            clock=SystemClock(),
            metrics=Metrics(),
            policy=policy,
            cloud=cloud,
            clouds=clouds,
            resolve_cache=ResolveCache(ttl=settings.resolve_cache_seconds),
        )
    finally:
        await redis.aclose()
