"""The dependency container of a serving process, and how one is built and torn down.

``Deps`` (``handlers.deps``) holds everything a handler, the deliverer or the health check
needs: settings, the Redis client and store, the workflow service and drift desk, the cloud
lookups people's reads go through (on a cloud adapter with threads of their own), the worker's
job context (on the core's cloud), the clock, the Slack client, the approver directory and the
metrics. ``open_deps`` builds it at start-up, which is also where a bad setup stops the process
with one ``ConfigError`` line: unusable cloud credentials (never replaced by the emulator behind
the operator's back), a Slack token ``auth.test`` refuses.
An emulated cloud (``emulated_cloud``) is the emulator ``SGBOT_*_ENDPOINT`` name when they are
set, else the demo estate served on a free loopback port of this process; the adapter calls it
with ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``SECRET`` when both are set, else the emulator's documented
demo keys. Both defaults come from the local stand-ins, loaded only then. ``policy_config``
and ``worker_config`` turn settings into the core's config.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from approvals.outbox import Outbox
from approvals.policy import PolicyConfig
from bot.cloud.port import CloudPort
from bot.core import home_orgs, open_core
from bot.optional import standins_required
from bot.policy_setup import serving_policy
from bot.served_regions import serving_clouds
from bot.settings import Settings
from handlers.approvers import ApproverDirectory
from handlers.deps import Deps
from vocabulary.errors import ConfigError

if TYPE_CHECKING:
    from approvals.worker import WorkerConfig
    from bot.cloud.factory import CloudTuning

log = logging.getLogger(__name__)


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
    key_id = environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID")
    secret = environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    if key_id and secret:
        return key_id, secret
    with standins_required("an emulated cloud without ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET"):
        from standins.cloud.keys import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
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
    with standins_required("--emulated-cloud without SGBOT_*_ENDPOINT"):
        from standins.cloud.inprocess import demo_estate_served

    async with demo_estate_served(*emulator_keys()) as endpoint:
        log.info("emulated cloud: serving the demo estate on %s", endpoint)
        yield settings.model_copy(
            update={
                "cloud": "emulator",
                "mse_endpoint": endpoint,
                "ecs_endpoint": endpoint,
                "cs_endpoint": endpoint,
                "cloud_protocol": "http",
            }
        )


def emulator_cloud(settings: Settings, tuning: CloudTuning | None = None) -> CloudPort:
    """The cloud adapter pointed at an emulator (``settings`` from ``emulated_cloud``)."""
    from bot.cloud.factory import build_cloud, static_credential

    return build_cloud(settings, credential=static_credential(*emulator_keys()), tuning=tuning)


def cloud_for(settings: Settings, *, tuning: CloudTuning | None = None) -> CloudPort:
    """The cloud the settings name: with ``SGBOT_CLOUD=emulator`` the emulator
    ``SGBOT_*_ENDPOINT`` name (shared, so never started here), else Alibaba Cloud through the
    default credentials chain."""
    from bot.cloud.factory import build_cloud

    if settings.cloud != "emulator":
        return build_cloud(settings, tuning=tuning)
    emulator = external_emulator(settings)
    if emulator is None:
        raise ConfigError(
            "SGBOT_MSE_ENDPOINT: missing; with SGBOT_CLOUD=emulator this command needs "
            "SGBOT_MSE_ENDPOINT, SGBOT_ECS_ENDPOINT and SGBOT_CS_ENDPOINT set to the emulator's "
            "host:port"
        )
    return emulator_cloud(emulator, tuning)


@asynccontextmanager
async def open_deps(settings: Settings, *, emulated: bool) -> AsyncIterator[Deps]:
    """Everything a serving process needs, closed again on exit."""
    from approvals.drift_desk import DriftDesk
    from approvals.drift_store import DriftStore
    from approvals.lookups import CloudLookups
    from approvals.service import Service

    slack = AsyncWebClient(
        token=_secret(settings.slack_bot_token, "SLACK_BOT_TOKEN"),
        base_url=settings.slack_api_url,
    )
    bot_user_id, installation_orgs = await _identify(slack)
    policy = policy_config(settings, home_orgs(settings, installation_orgs))
    clouds, query_clouds = await serving_clouds(settings, emulated, emulator_cloud)
    cloud, query_cloud = clouds.get(clouds.default), query_clouds.get(clouds.default)
    async with open_core(settings, policy=policy, cloud=cloud, clouds=clouds) as core:
        store, clock = core.store, core.clock
        await store.setup()
        outbox = Outbox(core.redis, core.keys)
        await outbox.queue.ensure_group()
        approvers = ApproverDirectory(
            redis=core.redis,
            slack=slack,
            keys=core.keys,
            configured=settings.approvers,
            group_id=settings.approver_group,
        )
        rules = serving_policy(settings, slack, core.redis, core.keys)
        service = Service(store, clock, policy, settings, rules=rules, groups=approvers)
        yield Deps(
            settings=settings,
            redis=core.redis,
            keys=core.keys,
            store=store,
            outbox=outbox,
            service=service,
            drift=DriftDesk(
                drift=DriftStore(core.redis, core.keys),
                service=service,
                cloud=cloud,
                clouds=clouds,
                clock=clock,
                policy=policy,
                security_channel=settings.security_channel or "",
            ),
            lookups=CloudLookups(
                store, query_cloud, clock, policy, settings.query_rate_limit, clouds=query_clouds
            ),
            jobs=core.job_context(rules),
            clock=clock,
            slack=slack,
            approvers=approvers,
            metrics=core.metrics,
            bot_user_id=bot_user_id,
            emulated=emulated,
        )


def _secret(value: object, name: str) -> str:
    from pydantic import SecretStr

    if not isinstance(value, SecretStr):
        raise ConfigError(f"{name}: missing; set it in the environment or .env")
    return value.get_secret_value()
