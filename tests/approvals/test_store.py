"""The request store on a real Redis: create, compare-and-set, decisions, duplicates, lists."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from approvals.clock import FixedClock
from approvals.effects import JobKind
from approvals.machine import transition
from approvals.model import CardRef, ReplyTo, RequestState, Surface, Verdict
from approvals.outbox import NotificationKind
from approvals.results import RateLimited, StaleRequest, UnknownRequest
from handlers.settled import settled_message
from tests.approvals.examples import T0
from tests.approvals.store_helpers import (
    GATEWAY,
    NO_LIMIT,
    decide,
    new_request,
    open_store,
    walk_to_pending,
)
from vocabulary.commands import PortRange
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis
APPROVERS = frozenset({"U0ALICE", "U0BOB"})


async def test_create_then_get_returns_the_same_request(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        request = new_request("REQ-AAAA1")
        result = await store.create(request, rate_limit=NO_LIMIT)
        loaded = await store.require("REQ-AAAA1")
        jobs = await store.work.read_jobs("w1")
    assert result.created
    assert loaded == request.evolve(version=1)
    assert [(entry.item.kind, entry.item.request_id) for entry in jobs] == [
        (JobKind.RESOLVE, "REQ-AAAA1")
    ]


async def test_same_intake_key_twice_stores_one_request(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        first = await store.create(new_request("REQ-AAAA1", intake_key="ev:1"), rate_limit=NO_LIMIT)
        again = await store.create(new_request("REQ-AAAA2", intake_key="ev:1"), rate_limit=NO_LIMIT)
        assert await store.get("REQ-AAAA2") is None
        assert await store.work.jobs.depth() == 1
    assert (first.created, again.created) == (True, False)
    assert again.request_id == "REQ-AAAA1"


async def test_rate_limit_refuses_the_request_over_the_limit(redis_url: str) -> None:
    clock = FixedClock(T0)
    async with open_store(redis_url) as store:
        for n in range(3):
            request = new_request(f"REQ-AAAA{n}", at=clock.advance(timedelta(minutes=1)))
            await store.create(request, rate_limit=(3, 3600))
        late = new_request("REQ-AAAA9", at=clock.advance(timedelta(minutes=1)))
        with pytest.raises(RateLimited, match="3 requests"):
            await store.create(late, rate_limit=(3, 3600))
        assert await store.get("REQ-AAAA9") is None
        # An hour after the first one, the window has room again.
        later = new_request("REQ-AAAA8", at=T0 + timedelta(hours=1, minutes=1, seconds=30))
        assert (await store.create(later, rate_limit=(3, 3600))).created


async def test_stale_version_raises_and_changes_nothing(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await store.create(new_request("REQ-AAAA1"), rate_limit=NO_LIMIT)
        loaded = await store.require("REQ-AAAA1")
        resolving = transition(loaded, RequestState.RESOLVING, at=T0)
        await store.commit(loaded, resolving)
        rejected = transition(loaded, RequestState.REJECTED, at=T0, reason="late writer")
        with pytest.raises(StaleRequest):
            await store.commit(loaded, rejected)
        stored = await store.require("REQ-AAAA1")
    assert (stored.state, stored.version, stored.state_reason) == (RequestState.RESOLVING, 2, None)


async def test_unknown_request_is_a_user_error(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        with pytest.raises(UnknownRequest, match="REQ-ZZZZZ"):
            await store.update("REQ-ZZZZZ", lambda request: None)


async def test_approval_reaches_quorum_and_enqueues_apply(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        result = await decide(
            store, "REQ-AAAA1", now=T0 + timedelta(minutes=5), approver_ids=APPROVERS
        )
        again = await decide(
            store,
            "REQ-AAAA1",
            Verdict.DENY,
            user_id="U0BOB",
            reason="late",
            now=T0 + timedelta(minutes=6),
            approver_ids=APPROVERS,
        )
        jobs = [entry.item.kind for entry in await store.work.read_jobs("w1", count=100)]
        notes = [entry.item.kind for entry in await store.outbox.read("s1", count=100)]
        assert await store.count_pending() == 0
    assert result.request.state is RequestState.APPROVED
    assert again.outcome is None
    assert again.request.state is RequestState.APPROVED
    assert again.message is None  # the chat layer words it, naming who settled it
    assert "already approved by <@U0ALICE>" in settled_message(again.request)
    assert jobs == [JobKind.RESOLVE, JobKind.APPLY]
    assert NotificationKind.UPDATE_CARD in notes


async def test_broad_request_needs_two_distinct_approvers(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        wide = (PortRange(start=1000, end=2000),)
        await walk_to_pending(store, "REQ-AAAA1", ports=wide, required_approvals=2)

        async def approve(user_id: str) -> RequestState:
            result = await decide(
                store,
                "REQ-AAAA1",
                user_id=user_id,
                now=T0 + timedelta(minutes=1),
                approver_ids=APPROVERS,
            )
            return result.request.state

        assert await approve("U0ALICE") is RequestState.PENDING
        with pytest.raises(PolicyRefused, match="already approved"):
            await approve("U0ALICE")
        assert await approve("U0BOB") is RequestState.APPROVED


async def test_pending_duplicate_is_rejected_pointing_at_the_first(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        first = await walk_to_pending(store, "REQ-AAAA1")
        second = await walk_to_pending(store, "REQ-AAAA2")
        assert await store.list_pending() == [first]
        # Once the first is decided its fingerprint is free for a new request.
        await decide(store, "REQ-AAAA1", Verdict.DENY, reason="no", approver_ids=APPROVERS)
        third = await walk_to_pending(store, "REQ-AAAA3")
    assert second.state is RequestState.REJECTED
    assert second.state_reason == "same as REQ-AAAA1, which is pending"
    assert third.state is RequestState.PENDING


async def test_terminal_request_leaves_live_indexes_and_gets_a_ttl(redis_url: str) -> None:
    async with open_store(redis_url, retention=timedelta(days=2)) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        later = T0 + timedelta(minutes=1)
        await walk_to_pending(store, "REQ-AAAA2", ports=(PortRange(start=443, end=443),), at=later)
        await decide(store, "REQ-AAAA1", Verdict.DENY, reason="no", approver_ids=APPROVERS)
        live = [request.id for request in await store.list_live()]
        ttl = await store.client.ttl(store.keys.request("REQ-AAAA1"))
        timers = await store.client.zrange(store.keys.timers, 0, -1)
        mine = await store.list_for_user(new_request("REQ-AAAA1").requester)
        on_gateway = await store.history(GATEWAY)
    assert live == ["REQ-AAAA2"]
    assert timedelta(days=1) < timedelta(seconds=ttl) <= timedelta(days=2)
    assert sorted(timers) == ["expire:REQ-AAAA2", "remind:REQ-AAAA2"]
    assert [request.id for request in mine] == ["REQ-AAAA2", "REQ-AAAA1"]
    assert {request.id for request in on_gateway} == {"REQ-AAAA1", "REQ-AAAA2"}


async def test_seen_once_is_true_only_the_first_time(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        first = await store.work.seen_once("event", "Ev1", timedelta(minutes=5))
        second = await store.work.seen_once("event", "Ev1", timedelta(minutes=5))
        other = await store.work.seen_once("event", "Ev2", timedelta(minutes=5))
    assert (first, second, other) == (True, False, True)


async def test_a_request_stored_with_the_old_chat_field_names_still_loads(redis_url: str) -> None:
    reply_to = ReplyTo(
        surface=Surface.MENTION,
        channel_id="C0DEV",
        thread_id="1700000000.000050",
        reply_url="https://hooks.example/r",
        message_id="1700000000.000060",
    )
    card = CardRef(channel_id="C0SEC", message_id="1700000000.000100")
    async with open_store(redis_url) as store:
        request = new_request("REQ-AAAA7", reply_to=reply_to, card=card)
        await store.create(request, rate_limit=NO_LIMIT)
        key = store.keys.request("REQ-AAAA7")
        stored = json.loads(str(await store.client.hget(key, "json")))
        # As a release before the chat-neutral names wrote it.
        stored["reply_to"] = {
            "surface": "mention",
            "channel_id": "C0DEV",
            "thread_ts": "1700000000.000050",
            "response_url": "https://hooks.example/r",
            "message_ts": "1700000000.000060",
        }
        stored["card"] = {"channel_id": "C0SEC", "message_ts": "1700000000.000100"}
        await store.client.hset(key, "json", json.dumps(stored))
        loaded = await store.require("REQ-AAAA7")
    assert loaded.reply_to == reply_to
    assert loaded.card == card
    assert "thread_ts" not in loaded.model_dump_json()  # written back with the new names
