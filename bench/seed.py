"""Large estates for the scale benchmark: many pending requests in Redis, many rules in the cloud.

``seed_pending`` walks ``count`` requests on one gateway to ``pending`` through the store's own
workflow steps (create, resolving, ``mark_pending``), as the worker would, each with ports of
its own so no two share a fingerprint. ``estate_with_rules`` writes the demo estate plus
``count`` MSE rules on that gateway to a file for ``sgbot emulator --estate``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from approvals.connect import connect
from approvals.machine import transition
from approvals.model import (
    Actor,
    BackendGroup,
    ReplyTo,
    Request,
    RequestKind,
    RequestState,
    Surface,
    fingerprint,
)
from approvals.results import StoreConfig
from approvals.store import RequestStore
from vocabulary.commands import Authorize, GatewayRef, PortRange, SecurityGroupTarget, Target

SEED_CONCURRENCY = 64
NO_RATE_LIMIT = (10_000_000, 3600.0)
BACKEND = BackendGroup(
    security_group_id="sg-ackpoola01", name="ack-pool-web", group_type="normal", vpc_id="vpc-demo01"
)


def authorize_request(
    index: int, *, gateway: str, target: Target, requester: Actor, at: datetime, first_port: int
) -> Request:
    """A stored-shape ``received`` request for 4 hours on port ``first_port + index``."""
    ports = (PortRange(start=first_port + index, end=first_port + index),)
    command = Authorize(
        gateway=GatewayRef(value=gateway), target=target, ports=ports, duration=timedelta(hours=4)
    )
    return Request(
        id=f"REQ-{index:05d}",  # digits only: valid Crockford ids, distinct per index
        kind=RequestKind.AUTHORIZE,
        command=command,
        requester=requester,
        reply_to=ReplyTo(surface=Surface.SLASH, channel_id="C0DEV0001"),
        intake_key=f"bench:{index}",
        created_at=at,
        updated_at=at,
        ports=ports,
        duration=command.duration,
        requester_full_member=True,
    )


async def _walk(store: RequestStore, request: Request, gateway_id: str) -> None:
    await store.create(request, rate_limit=NO_RATE_LIMIT)
    received = await store.require(request.id)
    resolving = await store.commit(
        received, transition(received, RequestState.RESOLVING, at=request.created_at)
    )
    resolved = resolving.evolve(
        gateway_id=gateway_id,
        groups=(BACKEND,),
        required_approvals=1,
        fingerprint=fingerprint(gateway_id, (BACKEND,), request.ports, request.kind),
        expires_at=request.created_at + timedelta(hours=24),
    )
    await store.mark_pending(resolving, resolved)


async def seed_pending(redis_url: str, prefix: str, gateway_id: str, count: int, user: str) -> None:
    """``count`` pending requests on ``gateway_id``, requested by ``user`` of the demo team."""
    client = connect(redis_url)
    store = RequestStore(client, StoreConfig(prefix=prefix))
    await store.setup()
    requester = Actor(org_id="T0SGBOT01", team_id="T0SGBOT01", user_id=user)
    now = datetime.now(UTC)
    slots = asyncio.Semaphore(SEED_CONCURRENCY)

    async def one(index: int) -> None:
        async with slots:
            request = authorize_request(
                index,
                gateway=gateway_id,
                target=SecurityGroupTarget(security_group_id=BACKEND.security_group_id),
                requester=requester,
                at=now + timedelta(milliseconds=index),
                first_port=1024,
            )
            await _walk(store, request, gateway_id)

    try:
        await asyncio.gather(*(one(index) for index in range(count)))
    finally:
        await client.aclose()


def estate_with_rules(path: Path, gateway_id: str, count: int) -> Path:
    """The demo estate plus ``count`` single-port rules from ``gateway_id`` to one backend."""
    demo = resources.files("standins.cloud").joinpath("demo_estate.json").read_text()
    estate = json.loads(demo)
    first_id = max(rule["id"] for rule in estate["mse_rules"]) + 1
    estate["mse_rules"] += [
        {
            "id": first_id + number,
            "gateway_unique_id": gateway_id,
            "security_group_id": BACKEND.security_group_id,
            "port_range": f"{40000 + number}/{40000 + number}",
            "description": f"bench rule {number}",
        }
        for number in range(count)
    ]
    path.write_text(json.dumps(estate))
    return path


async def seed_creators(
    redis_url: str, prefix: str, gateway_id: str, rules: list[dict[str, Any]]
) -> None:
    """Record every other bench rule of ``gateway_id`` among estate ``rules`` as sgbot's."""
    bench_rules = [
        rule["id"]
        for rule in rules
        if rule["gateway_unique_id"] == gateway_id and rule["description"].startswith("bench")
    ]
    client = connect(redis_url)
    work = RequestStore(client, StoreConfig(prefix=prefix)).work
    try:
        for index, rule_id in enumerate(bench_rules[::2]):
            await work.record_creator(gateway_id, rule_id, f"REQ-{index:05d}")
    finally:
        await client.aclose()
