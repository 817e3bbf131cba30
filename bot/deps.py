"""The dependency container of a serving process, and how one is built and torn down.

``Deps`` holds everything a handler, the deliverer or the health check needs: settings, the
Redis client and store, the workflow service, the cloud lookups people's reads go through (on
a cloud adapter with threads of their own), the worker's cloud, the clock, the Slack client,
the approver directory and the metrics. ``open_deps`` builds it at start-up, which is also where a
bad setup stops the process with one ``ConfigError`` line: unusable cloud credentials (never
replaced by the emulator behind the operator's back), a Slack token ``auth.test`` refuses.
An emulated cloud (``emulated_cloud``) is the emulator ``SGBOT_*_ENDPOINT`` name when they are
set, else the demo estate served on a free loopback port of this process; the adapter calls it
with ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``SECRET`` when both are set, else the emulator's documented
demo keys. ``policy_config`` and ``worker_config`` turn settings into the core's config.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from approvals.clock import Clock, SystemClock
from approvals.connect import RedisClient, connect
from approvals.keys import Keys
from approvals.outbox import Outbox
from approvals.policy import PolicyConfig
from approvals.results import StoreConfig
from approvals.store import RequestStore
from bot.approvers import ApproverDirectory
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds
from bot.errors import ConfigError
from bot.metrics import Metrics
from bot.policy_setup import serving_policy
from bot.served_regions import serving_clouds
from bot.settings import Settings

if TYPE_CHECKING:
    from approvals.lookups import CloudLookups
    from approvals.service import Service
    from approvals.worker import WorkerConfig
    from bot.cloud.factory import CloudTuning

log = logging.getLogger(__name__)


@dataclass
class Deps:
    settings: Settings
    redis: RedisClient
    keys: Keys
    store: RequestStore
    outbox: Outbox
    service: Service
    lookups: CloudLookups
    cloud: CloudPort  # the default region's; ``clouds`` holds every served region's
    clouds: RegionalClouds
    clock: Clock
    slack: AsyncWebClient
    approvers: ApproverDirectory
    metrics: Metrics
    policy: PolicyConfig
    bot_user_id: str
    emulated: bool

    @property
    def cloud_label(self) -> str:
        return "emulator" if self.emulated else "aliyun"

    async def outbox_depth(self) -> int:
        return await self.outbox.depth()


def policy_config(settings: Settings, home_org_ids: frozenset[str]) -> PolicyConfig:
    """The policy the settings describe, for people of ``home_org_ids``."""
    return PolicyConfig(
        home_org_ids=home_org_ids,
        approvers=frozenset(settings.approvers),
        broad_ports=settings.broad_ports,
        sensitive_ports=frozenset(settings.sensitive_ports),
        rate_limit=settings.rate_limit,
        rate_window=settings.rate_window,
        pending_ttl=settings.pending_ttl,
        remind_before=settings.remind_before,
        grant_warn_before=settings.grant_warn_before,
        end_overdue_after=settings.end_overdue_after,
    )


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


def worker_config(settings: Settings, consumer: str) -> WorkerConfig:
    """How a worker named ``consumer`` claims, batches and gives up on jobs."""
    from approvals.worker import WorkerConfig

    return WorkerConfig(
        consumer=consumer,
        claim_idle=settings.job_claim_idle,
        concurrency=settings.worker_concurrency,
        max_deliveries=settings.job_max_deliveries,
        sweep_every=settings.sweep_every,
    )


async def _identify(slack: AsyncWebClient) -> tuple[str, frozenset[str]]:
    """The bot's user id and the installation's team and enterprise ids (``auth.test``)."""
    try:
        identity = await slack.auth_test()
    except SlackApiError as exc:
        raise ConfigError(
            f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})"
        ) from None
    orgs = {str(identity["team_id"])}
    if identity.get("enterprise_id"):
        orgs.add(str(identity["enterprise_id"]))
    return str(identity["user_id"]), frozenset(orgs)


def emulator_keys(environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """The key pair an emulated cloud is called with (and an in-process one accepts)."""
    from bot.cli.emulator import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET

    key_id = environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID")
    secret = environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    if key_id and secret:
        return key_id, secret
    return DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET


def external_emulator(settings: Settings) -> Settings | None:
    """Settings for the running emulator ``SGBOT_*_ENDPOINT`` name; None if they name none.

    Some endpoints but not all would send the rest to Alibaba Cloud, so that is refused. The
    emulator speaks plain HTTP, which is used unless ``SGBOT_CLOUD_PROTOCOL`` says otherwise.
    """
    endpoints = {
        "SGBOT_MSE_ENDPOINT": settings.mse_endpoint,
        "SGBOT_ECS_ENDPOINT": settings.ecs_endpoint,
        "SGBOT_CS_ENDPOINT": settings.cs_endpoint,
    }
    missing = [name for name, endpoint in endpoints.items() if endpoint is None]
    if len(missing) == len(endpoints):
        return None
    if missing:
        raise ConfigError(
            f"{missing[0]}: missing; for an emulated cloud set all of "
            f"{', '.join(endpoints)} to the emulator's host:port, or none to start one here"
        )
    explicit = "cloud_protocol" in settings.model_fields_set
    protocol = settings.cloud_protocol if explicit else "http"
    return settings.model_copy(update={"cloud": "emulator", "cloud_protocol": protocol})


@asynccontextmanager
async def emulated_cloud(settings: Settings) -> AsyncIterator[Settings]:
    """Settings for the emulated cloud: the external emulator, else one served here for the
    block's duration (the demo estate on a free loopback port)."""
    external = external_emulator(settings)
    if external is not None:
        log.info("emulated cloud: the emulator at %s", external.mse_endpoint)
        yield external
        return
    from bot.cloud.emulator.backend import Backend
    from bot.cloud.emulator.server import Emulator, build_app
    from bot.cloud.emulator.state import load_estate

    key_id, secret = emulator_keys()
    emulator = Emulator(
        backend=Backend(load_estate()), access_key_id=key_id, access_key_secret=secret
    )
    runner = web.AppRunner(build_app(emulator), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    endpoint = f"127.0.0.1:{runner.addresses[0][1]}"
    log.info("emulated cloud: serving the demo estate on %s", endpoint)
    try:
        yield settings.model_copy(
            update={
                "cloud": "emulator",
                "mse_endpoint": endpoint,
                "ecs_endpoint": endpoint,
                "cs_endpoint": endpoint,
                "cloud_protocol": "http",
            }
        )
    finally:
        await runner.cleanup()


def emulator_cloud(settings: Settings, tuning: CloudTuning | None = None) -> CloudPort:
    """The cloud adapter pointed at an emulator (``settings`` from ``emulated_cloud``)."""
    from bot.cloud.factory import build_cloud, static_credential

    return build_cloud(settings, credential=static_credential(*emulator_keys()), tuning=tuning)


@asynccontextmanager
async def open_deps(settings: Settings, *, emulated: bool) -> AsyncIterator[Deps]:
    """Everything a serving process needs, closed again on exit."""
    from approvals.lookups import CloudLookups
    from approvals.service import Service

    slack = AsyncWebClient(
        token=_secret(settings.slack_bot_token, "SLACK_BOT_TOKEN"),
        base_url=settings.slack_api_url,
    )
    bot_user_id, installation_orgs = await _identify(slack)
    home_orgs = frozenset(settings.home_orgs) or installation_orgs
    redis = connect(settings.redis_url)
    keys = Keys(settings.key_prefix)
    clock: Clock = SystemClock()
    policy = policy_config(settings, home_orgs)
    store = request_store(settings, redis)
    try:
        await store.setup()
        clouds, query_clouds = await serving_clouds(settings, emulated)
        cloud, query_cloud = clouds.get(clouds.default), query_clouds.get(clouds.default)
        outbox = Outbox(redis, keys)
        await outbox.queue.ensure_group()
        approvers = ApproverDirectory(
            redis=redis,
            slack=slack,
            keys=keys,
            configured=settings.approvers,
            group_id=settings.approver_group,
        )
        rules = serving_policy(settings, slack, redis, keys)
        yield Deps(
            settings=settings,
            redis=redis,
            keys=keys,
            store=store,
            outbox=outbox,
            service=Service(store, clock, policy, settings, rules=rules, groups=approvers),
            lookups=CloudLookups(
                store, query_cloud, clock, policy, settings.query_rate_limit, clouds=query_clouds
            ),
            cloud=cloud,
            clouds=clouds,
            clock=clock,
            slack=slack,
            approvers=approvers,
            metrics=Metrics(),
            policy=policy,
            bot_user_id=bot_user_id,
            emulated=emulated,
        )
    finally:
        await redis.aclose()


def _secret(value: object, name: str) -> str:
    from pydantic import SecretStr

    if not isinstance(value, SecretStr):
        raise ConfigError(f"{name}: missing; set it in the environment or .env")
    return value.get_secret_value()
