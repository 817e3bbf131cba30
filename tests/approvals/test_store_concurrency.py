"""Optimistic concurrency under load: many replicas clicking at once give one outcome."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from approvals.effects import JobKind
from approvals.model import RequestState, Verdict
from approvals.results import DecideResult
from tests.approvals.examples import T0, make_config, make_user
from tests.approvals.store_helpers import open_store, walk_to_pending

pytestmark = pytest.mark.redis
APPROVER_IDS = [f"U0APPR{n:02d}" for n in range(50)]
POLICY = make_config(approvers=frozenset(APPROVER_IDS))


async def test_fifty_concurrent_approve_and_deny_give_exactly_one_outcome(
    redis_url: str,
) -> None:
    async with (
        open_store(redis_url) as first,
        open_store(redis_url) as second,
        open_store(redis_url) as third,
    ):
        await walk_to_pending(first, "REQ-AAAA1")
        stores = [first, second, third]

        async def click(n: int) -> DecideResult:
            verdict = Verdict.APPROVE if n % 2 else Verdict.DENY
            return await stores[n % 3].decide(
                "REQ-AAAA1",
                make_user(APPROVER_IDS[n]),
                verdict,
                reason=None,
                now=T0 + timedelta(minutes=1),
                approver_ids=frozenset(),
                policy=POLICY,
            )

        results = await asyncio.gather(*(click(n) for n in range(50)))
        final = await first.require("REQ-AAAA1")
        jobs = Counter(entry.item.kind for entry in await first.work.read_jobs("w", count=200))

    changed = [result for result in results if result.outcome is not None]
    assert len(changed) == 1
    assert final.state in {RequestState.APPROVED, RequestState.DENIED}
    assert len(final.decisions) == 1
    assert {result.request.state for result in results} == {final.state}
    expected_applies = 1 if final.state is RequestState.APPROVED else 0
    assert jobs[JobKind.APPLY] == expected_applies
