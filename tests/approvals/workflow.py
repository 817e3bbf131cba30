"""A workflow under test: real Redis store, the cloud emulator, a fixed clock, run step by step.

``Flow`` wires the service and an in-process worker the way the serve process does, with the
clock and every backoff sleep injected, so tests drive time and never wait. Helpers submit,
decide and read what the workflow told people (the outbox) and what the cloud now holds.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from approvals.clock import FixedClock
from approvals.connect import RedisClient, connect
from approvals.jobs import JobContext
from approvals.lookups import CloudLookups
from approvals.model import ReplyTo, Request, Surface, Verdict
from approvals.outbox import Notification
from approvals.results import DecideResult, StoreConfig
from approvals.service import Service
from approvals.store import RequestStore
from approvals.streams import FIELD
from approvals.worker import Worker, WorkerConfig
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds
from bot.cloud.retry import RetryPolicy
from bot.settings import load_settings
from tests.approvals.examples import T0, make_config, make_user
from tests.cloud.adapter_support import PROD_GW, RecordingSleep, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import (
    Authorize,
    ChangeCommand,
    GatewayRef,
    PortRange,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)

APPROVER = "U0ALICE"
SECOND_APPROVER = "U0BOB"
APPROVER_IDS = frozenset({APPROVER, SECOND_APPROVER})
GATEWAY_SG = "sg-gwprod0001"
ORDERS_GROUPS = ("sg-ackpoola01", "sg-ackpoolb01", "sg-ackpoolb02")


def authorize(
    target: Target | None = None, ports: tuple[int, ...] = (8080,), **extra: Any
) -> Authorize:
    return Authorize(
        gateway=GatewayRef(value="prod-gw"),
        target=target or ServiceTarget(name="orders"),
        ports=tuple(PortRange(start=p, end=p) for p in ports),
        **extra,
    )


def to_group(group_id: str, ports: tuple[int, ...] = (8080,), **extra: Any) -> Authorize:
    return authorize(SecurityGroupTarget(security_group_id=group_id), ports, **extra)


@dataclass
class Flow:
    store: RequestStore
    service: Service
    worker: Worker
    clock: FixedClock
    cloud: CloudPort
    emulator: EmulatorHandle
    context: JobContext
    lookups: CloudLookups

    async def submit(self, command: ChangeCommand, user_id: str = "U0REQUESTER") -> str:
        created = await self.service.submit(
            command,
            make_user(user_id),
            ReplyTo(surface=Surface.SLASH, channel_id="C0DEV"),
            intake_key=f"test:{uuid.uuid4().hex}",
        )
        return created.request_id

    async def submit_and_resolve(self, command: ChangeCommand) -> Request:
        request_id = await self.submit(command)
        await self.worker.run_until_idle()
        return await self.store.require(request_id)

    async def decide(
        self, request_id: str, verdict: Verdict, user_id: str = APPROVER
    ) -> DecideResult:
        return await self.service.decide(
            request_id, make_user(user_id), verdict, approver_ids=APPROVER_IDS
        )

    async def approve(self, command: ChangeCommand) -> str:
        """Submit, resolve and approve, leaving the apply job queued; the request id."""
        request = await self.submit_and_resolve(command)
        await self.decide(request.id, Verdict.APPROVE)
        return request.id

    async def grant(self, command: ChangeCommand) -> Request:
        """Submit, resolve, approve and apply; the request as it ends."""
        request = await self.submit_and_resolve(command)
        return await self.grant_pending(request.id)

    async def grant_pending(self, request_id: str) -> Request:
        await self.decide(request_id, Verdict.APPROVE)
        await self.worker.run_until_idle()
        return await self.store.require(request_id)

    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        await self.worker.run_until_idle()

    async def outbox(self, request_id: str | None = None) -> list[Notification]:
        entries: Any = await self.store.client.xrange(self.store.keys.outbox)
        told = [Notification.model_validate_json(fields[FIELD]) for _, fields in entries]
        return [n for n in told if request_id is None or n.request_id == request_id]

    async def told_kinds(self, request_id: str) -> list[str]:
        return [n.kind.value for n in await self.outbox(request_id)]

    async def add_by_hand(self, group_id: str, port: int, description: str) -> int:
        """Add a gateway rule outside sgbot, as in the console; its record id, read back from a
        listing (AddSecurityGroupRule's Data need not be the record's id)."""
        await self.cloud.add_rule(PROD_GW, group_id, PortRange(start=port, end=port), description)
        listed = await self.cloud.list_rules(PROD_GW)
        return next(rule.rule_id for rule in listed if rule.description == description)

    def mse_rules(self, gateway_id: str = PROD_GW) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self.emulator.state()["mse_rules"][gateway_id]
        return rules

    def rules_for(self, group_id: str, ports: str = "8080/8080") -> list[dict[str, Any]]:
        return [
            r
            for r in self.mse_rules()
            if r["security_group_id"] == group_id and r["port_range"] == ports
        ]

    def backend_permissions(self, group_id: str, ports: str = "8080/8080") -> list[dict[str, Any]]:
        permissions: list[dict[str, Any]] = self.emulator.state()["security_groups"][group_id]
        return [
            p
            for p in permissions
            if p["port_range"] == ports and p.get("source_group_id") == GATEWAY_SG
        ]


def fast_retry() -> RetryPolicy:
    return RetryPolicy(sleep=RecordingSleep(), rng=random.Random(3))


@asynccontextmanager
async def open_flow(
    redis_url: str,
    emulator: EmulatorHandle,
    *,
    prefix: str = "sgbot",
    read_timeout_ms: int = 10_000,
    lookup_limit: int = 30,
    second_region: tuple[str, EmulatorHandle] | None = None,
) -> AsyncIterator[Flow]:
    """The workflow as a serving process wires it; with ``second_region``, a bot serving the
    emulator's region (the default, first) and that one, as ``SGBOT_REGIONS`` would."""
    client: RedisClient = connect(redis_url)
    settings = load_settings()
    built = {settings.region_id: emulator}
    if second_region is not None:
        built[second_region[0]] = second_region[1]
        settings = load_settings(SGBOT_REGIONS=",".join(built))
    served = settings.region_id if second_region is not None else None
    config = StoreConfig(prefix=prefix, wait_for_replicas=False, default_region=served)
    store = RequestStore(client, config)
    await store.setup()
    clock = FixedClock(T0)
    policy = make_config()
    regional = RegionalClouds(
        tuple(built),
        lambda region: make_cloud(
            built[region], sleep=RecordingSleep(), read_timeout_ms=read_timeout_ms
        ),
    )
    cloud = regional.get(settings.region_id)
    clouds = regional if second_region is not None else None
    service = Service(
        store=store,
        clock=clock,
        policy=policy,
        settings=settings,
        random_source=random.Random(11),
    )
    context = JobContext(
        store=store, cloud=cloud, clouds=clouds, clock=clock, policy=policy, retry=fast_retry()
    )
    worker = Worker(context, WorkerConfig(consumer="test-worker"))
    lookups = CloudLookups(store, cloud, clock, policy, rate_limit=lookup_limit, clouds=clouds)
    try:
        yield Flow(store, service, worker, clock, cloud, emulator, context, lookups)
    finally:
        await client.aclose()
