"""The workflow facade: who may cancel, retry and revoke, and what submit refuses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest

from approvals.model import ReplyTo, RequestState, Surface
from approvals.store import RequestIdTaken
from tests.approvals.examples import make_user
from tests.approvals.workflow import APPROVER, APPROVER_IDS, Flow, to_group
from vocabulary.commands import GatewayRef
from vocabulary.errors import PolicyRefused, UsageError

pytestmark = pytest.mark.redis


async def test_submit_stores_a_received_request_and_queues_resolution(flow: Flow) -> None:
    request_id = await flow.submit(to_group("sg-legacyapp01"))

    request = await flow.service.status(request_id)
    assert request.state is RequestState.RECEIVED
    assert request.requester.user_id == "U0REQUESTER"
    assert await flow.store.work.jobs.depth() == 1


async def test_grant_longer_than_allowed_is_refused(flow: Flow) -> None:
    too_long = flow.service.settings.max_duration + timedelta(days=1)
    with pytest.raises(UsageError, match="longest grant allowed"):
        await flow.submit(to_group("sg-legacyapp01", duration=too_long))


async def test_guest_cannot_submit(flow: Flow) -> None:
    with pytest.raises(PolicyRefused):
        await flow.service.submit(
            to_group("sg-legacyapp01"),
            make_user("U0GUEST", is_restricted=True),
            ReplyTo(surface=Surface.DM, channel_id="D0GUEST"),
            intake_key="guest-1",
        )


async def test_only_the_requester_withdraws_a_pending_request(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01"))

    with pytest.raises(PolicyRefused, match="Only the requester"):
        await flow.service.cancel(request.id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    cancelled = await flow.service.cancel(request.id, make_user(), approver_ids=APPROVER_IDS)

    assert cancelled.state is RequestState.CANCELLED
    assert (await flow.told_kinds(request.id))[-2:] == ["update_card", "tell_requester"]
    assert await flow.service.list_pending() == []


async def test_only_requester_or_approver_revokes_and_only_applied_grants(flow: Flow) -> None:
    pending = await flow.submit_and_resolve(to_group("sg-legacyapp01"))
    with pytest.raises(PolicyRefused, match="not a grant holding rules"):
        await flow.service.revoke(pending.id, make_user(), approver_ids=APPROVER_IDS)
    await flow.grant_pending(pending.id)
    with pytest.raises(PolicyRefused, match="Only the requester or an approver"):
        await flow.service.revoke(pending.id, make_user("U0STRANGER"), approver_ids=APPROVER_IDS)

    revoking = await flow.service.revoke(pending.id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    assert revoking.state is RequestState.REVOKING


async def test_queries(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01"))

    assert [r.id for r in await flow.service.list_pending()] == [request.id]
    assert [r.id for r in await flow.service.list_mine(make_user())] == [request.id]
    assert [r.id for r in await flow.service.history(request.gateway_id)] == [request.id]
    listing = await flow.lookups.rules_listing(make_user(), GatewayRef(value="prod-gw"))
    assert [(r.rule_id, r.security_group_name) for r in listing.rules] == [(1, "ack-pool-web")]


def replaying(*draws: bytes) -> Callable[[int], bytes]:
    """An id source that hands out ``draws`` in order, the last one forever after."""
    queue = list(draws)

    def token_bytes(count: int) -> bytes:
        return (queue.pop(0) if len(queue) > 1 else queue[0])[:count]

    return token_bytes


async def test_a_new_id_that_is_taken_is_drawn_again(flow: Flow) -> None:
    same, other = b"\x00\x00\x00\x00", b"\xff\xff\xff\xff"
    service = dataclasses.replace(flow.service, random_source=replaying(same, same, other))
    first = await service.submit(
        to_group("sg-legacyapp01"), make_user(), ReplyTo(surface=Surface.DM, channel_id="D0"), "a"
    )
    second = await service.submit(
        to_group("sg-legacyapp01"), make_user(), ReplyTo(surface=Surface.DM, channel_id="D0"), "b"
    )

    assert (first.request_id, second.request_id) == ("REQ-00000", "REQ-ZZZZZ")
    assert first.created
    assert second.created
    assert (await flow.store.require("REQ-00000")).intake_key == "a"
    assert (await flow.store.require("REQ-ZZZZZ")).intake_key == "b"
    assert await flow.store.work.jobs.depth() == 2


async def test_an_id_source_that_only_repeats_gives_up_and_writes_nothing(flow: Flow) -> None:
    service = dataclasses.replace(flow.service, random_source=replaying(b"\x00\x00\x00\x00"))
    reply_to = ReplyTo(surface=Surface.DM, channel_id="D0")
    await service.submit(to_group("sg-legacyapp01"), make_user(), reply_to, "first")

    with pytest.raises(RequestIdTaken):
        await service.submit(to_group("sg-legacyapp01"), make_user(), reply_to, "second")
    assert (await flow.store.require("REQ-00000")).intake_key == "first"
    assert await flow.store.work.jobs.depth() == 1
