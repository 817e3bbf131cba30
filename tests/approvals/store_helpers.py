"""Builders for store tests: a store on the test Redis and requests walked to a given state."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from approvals.connect import connect
from approvals.machine import transition
from approvals.model import BackendGroup, Request, RequestState, Verdict, fingerprint
from approvals.policy import PolicyConfig
from approvals.results import DecideResult, StoreConfig
from approvals.store import RequestStore
from tests.approvals.examples import T0, make_config, make_request, make_user
from vocabulary.commands import PortRange

GATEWAY = "gw-" + "a" * 32
GROUP = BackendGroup(security_group_id="sg-backend1", name="web", group_type="normal", vpc_id="v")
NO_LIMIT = (1_000_000, 3600.0)
ids = random.Random(7)


@asynccontextmanager
async def open_store(url: str, **config: Any) -> AsyncIterator[RequestStore]:
    client = connect(url)
    store = RequestStore(client, StoreConfig(**config))
    await store.setup()
    try:
        yield store
    finally:
        await client.aclose()


def new_request(request_id: str, *, at: datetime = T0, **overrides: Any) -> Request:
    fields: dict[str, Any] = {
        "id": request_id,
        "state": RequestState.RECEIVED,
        "expires_at": None,
        "intake_key": f"slash:{request_id}",
        "created_at": at,
        "updated_at": at,
    }
    return make_request(**(fields | overrides))


async def walk_to_pending(
    store: RequestStore,
    request_id: str,
    *,
    ports: tuple[PortRange, ...] = (PortRange(start=8080, end=8080),),
    required_approvals: int = 1,
    at: datetime = T0,
    intake_key: str | None = None,
) -> Request:
    """Create a request and resolve it to pending, as the worker would; returns the result."""
    overrides = {"intake_key": intake_key} if intake_key else {}
    await store.create(new_request(request_id, at=at, **overrides), rate_limit=NO_LIMIT)
    received = await store.require(request_id)
    resolving = await store.commit(received, transition(received, RequestState.RESOLVING, at=at))
    resolved = resolving.evolve(
        gateway_id=GATEWAY,
        groups=(GROUP,),
        ports=ports,
        required_approvals=required_approvals,
        fingerprint=fingerprint(GATEWAY, (GROUP,), ports, resolving.kind),
        expires_at=at + timedelta(hours=24),
    )
    return await store.mark_pending(resolving, resolved, remind_at=at + timedelta(hours=22))


async def decide(
    store: RequestStore,
    request_id: str,
    verdict: Verdict = Verdict.APPROVE,
    *,
    user_id: str = "U0ALICE",
    reason: str | None = None,
    now: datetime = T0,
    approver_ids: frozenset[str] = frozenset(),
    policy: PolicyConfig | None = None,
) -> DecideResult:
    """One click on the store; by default Alice approves under the default policy."""
    return await store.decide(
        request_id,
        make_user(user_id),
        verdict,
        reason=reason,
        now=now,
        approver_ids=approver_ids,
        policy=policy or make_config(),
    )
