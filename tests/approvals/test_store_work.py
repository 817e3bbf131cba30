"""Jobs, timers and rule owners shared by replicas, on a real Redis."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.effects import NO_EFFECTS, Job, JobKind, Timer, TimerKind
from approvals.machine import transition
from approvals.model import RequestState
from tests.approvals.examples import T0
from tests.approvals.store_helpers import GATEWAY, open_store, walk_to_pending
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis
LEASE = timedelta(seconds=30)


async def test_read_then_ack_removes_the_job(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await store.work.enqueue_job(Job(kind=JobKind.APPLY, request_id="REQ-AAAA1"))
        [entry] = await store.work.read_jobs("w1")
        assert await store.work.read_jobs("w2") == []
        assert await store.work.ack_job(entry.entry_id)
        assert not await store.work.ack_job(entry.entry_id)
        assert await store.work.jobs.depth() == 0
    assert entry.item == Job(kind=JobKind.APPLY, request_id="REQ-AAAA1")


async def test_job_of_a_dead_consumer_is_claimed_by_another(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await store.work.enqueue_job(Job(kind=JobKind.RESOLVE, request_id="REQ-AAAA1"))
        [taken] = await store.work.read_jobs("dead-worker")
        assert await store.work.claim_stale_jobs("w2", min_idle_ms=60_000) == []
        # Age the delivery instead of waiting: XCLAIM with IDLE sets its idle time.
        await store.client.xclaim(
            store.keys.jobs, "workers", "dead-worker", 0, [taken.entry_id], idle=120_000
        )
        [claimed] = await store.work.claim_stale_jobs("w2", min_idle_ms=60_000)
        pending = await store.client.xpending_range(store.keys.jobs, "workers", "-", "+", 10)
    assert claimed == taken
    assert [(row["message_id"], row["consumer"]) for row in pending] == [(taken.entry_id, "w2")]


async def test_due_timers_are_claimed_once_across_concurrent_claimers(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        for n in range(40):
            request_id = f"REQ-AAA{n:02d}"
            await store.work.set_timer(
                Timer(kind=TimerKind.EXPIRE, request_id=request_id, due=T0 + timedelta(seconds=n))
            )
        future = Timer(kind=TimerKind.REMIND, request_id="REQ-BBBB1", due=T0 + timedelta(hours=1))
        await store.work.set_timer(future)
        now = T0 + timedelta(minutes=1)
        claims = await asyncio.gather(
            *(store.work.claim_due_timers(now, LEASE, limit=7) for _ in range(5)),
        )
        rest = await store.work.claim_due_timers(now, LEASE, limit=100)
        again = await store.work.claim_due_timers(now, LEASE, limit=100)
    claimed = [item.timer.request_id for batch in [*claims, rest] for item in batch]
    assert sorted(claimed) == [f"REQ-AAA{n:02d}" for n in range(40)]
    assert again == []  # leased: nobody else gets them while the lease runs
    # The claimers may reach Redis in any order; each takes the earliest timers still due, so the
    # batches are consecutive runs from T0 on, each in due order.
    dues = [[item.timer.due for item in batch] for batch in claims]
    assert sorted(due[0] for due in dues) == [T0 + timedelta(seconds=7 * k) for k in range(5)]
    assert all(due == sorted(due) for due in dues)


async def test_a_claimed_timer_not_acked_is_due_again_when_its_lease_ends(
    redis_url: str,
) -> None:
    async with open_store(redis_url) as store:
        for request_id in ("REQ-AAAA1", "REQ-AAAA2"):
            await store.work.set_timer(
                Timer(kind=TimerKind.GRANT_END, request_id=request_id, due=T0)
            )
        first = await store.work.claim_due_timers(T0, LEASE)
        assert await store.work.ack_timer(first[0])  # handled; the other one's owner died
        assert await store.work.claim_due_timers(T0 + LEASE - timedelta(seconds=1), LEASE) == []
        [again] = await store.work.claim_due_timers(T0 + LEASE, LEASE)
        remaining = await store.client.zrange(store.keys.timers, 0, -1)
    assert (again.timer.kind, again.timer.request_id) == (TimerKind.GRANT_END, "REQ-AAAA2")
    assert first[1].timer.request_id == "REQ-AAAA2"
    assert remaining == [first[1].timer.member]


async def test_a_timer_set_again_after_its_claim_survives_the_ack(redis_url: str) -> None:
    later = Timer(kind=TimerKind.GRANT_END, request_id="REQ-AAAA1", due=T0 + timedelta(hours=1))
    async with open_store(redis_url) as store:
        await store.work.set_timer(later.model_copy(update={"due": T0}))
        [claimed] = await store.work.claim_due_timers(T0, LEASE)
        await store.work.set_timer(later)  # e.g. a failed end retried an hour on
        assert not await store.work.ack_timer(claimed)
        assert await store.work.schedule_missing([later.model_copy(update={"due": T0})]) == 0
        score = await store.client.zscore(store.keys.timers, later.member)
    assert score == later.due.timestamp()


async def test_rule_is_kept_while_another_live_grant_owns_it(redis_url: str) -> None:
    rule = RuleKey(GATEWAY, "sg-backend1", PortRange(start=8080, end=8080))
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        await walk_to_pending(store, "REQ-AAAA2", ports=(PortRange(start=80, end=9000),))
        await store.work.add_owner(rule, "REQ-AAAA1")
        await store.work.add_owner(rule, "REQ-AAAA2")
        await store.work.add_owner(rule, "REQ-GONE1")  # never stored: not live, pruned
        assert await store.work.owners_besides(rule, "REQ-AAAA1") == ["REQ-AAAA2"]
        assert await store.work.owners(rule) == {"REQ-AAAA1", "REQ-AAAA2"}  # asking removes none
        await store.work.remove_owner(rule, "REQ-AAAA1")
        # REQ-AAAA2 ends (cancelled), so nobody needs the rule any more.
        await store.update(
            "REQ-AAAA2",
            lambda r: (transition(r, RequestState.CANCELLED, at=T0), NO_EFFECTS),
        )
        assert await store.work.owners_besides(rule, "REQ-AAAA1") == []
        assert await store.work.owners(rule) == set()
