"""A grant whose rules the cloud refuses to remove: it keeps them, backs off, alerts once.

Ending a grant used to give up its ownership before the delete and then, on failure, retry
every five minutes forever with a thread reply each time. Now the grant keeps its ownership
until the delete succeeds, tries again after 1, 2, 4… minutes up to an hour, says so once in
the card's thread, and alerts the security channel once when it is ``end_overdue_after`` past
its end.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.model import RequestState, RuleAction
from handlers.blocks import card_for
from tests.approvals.workflow import Flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from tests.handlers.blockkit import message_texts
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis
LEGACY = "sg-legacyapp01"
RULE = RuleKey(PROD_GW, LEGACY, PortRange(start=8080, end=8080))
HOUR = timedelta(hours=1)
REFUSED = {
    "action": "DeleteSecurityGroupRule",
    "code": "IncorrectStatus.Gateway",
    "http_status": 400,
    "message": "The gateway is being upgraded.",
    "count": None,
}


async def test_refused_end_backs_off_keeps_ownership_and_alerts_once(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await flow.grant(to_group(LEGACY, duration=HOUR))
    emulator.set_faults(fail=[REFUSED])
    end = flow.clock.now() + HOUR
    await flow.advance(HOUR)

    kept = await flow.store.require(grant.id)
    assert kept.state is RequestState.APPLIED
    assert kept.end is not None
    assert (kept.end.failures, kept.end.next_attempt_at) == (1, end + timedelta(minutes=1))
    assert "being upgraded" in (kept.state_reason or "")
    assert await flow.store.work.owners(RULE) == {grant.id}  # still its rule
    assert len(flow.rules_for(LEGACY)) == 1
    # A new identical request co-owns the rule instead of finding it "already in place".
    again = await flow.submit_and_resolve(to_group(LEGACY))
    assert [p.action for p in again.plan] == [RuleAction.ADD]

    attempts = [end]
    for _ in range(30):  # a day and a half of retries, the clock moved to each one
        current = await flow.store.require(grant.id)
        assert current.end is not None
        attempts.append(current.end.next_attempt_at)
        await flow.advance(current.end.next_attempt_at - flow.clock.now())
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    minutes = [int(gap.total_seconds() // 60) for gap in gaps]
    # Doubling from a minute, capped at an hour; the fifth attempt falls on the alert's time.
    assert minutes[:7] == [1, 2, 4, 8, 16, 32, 60]
    assert set(minutes[7:]) == {60}

    overdue = await flow.store.require(grant.id)
    assert overdue.state is RequestState.APPLIED
    assert overdue.end is not None
    assert overdue.end.overdue_since == end + timedelta(minutes=15)
    told = await flow.told_kinds(grant.id)
    assert told.count("thread_reply") == 2  # applied, then the first refusal; no more
    assert told.count("alert_end_overdue") == 1
    assert "End overdue" in "\n".join(
        message_texts(card_for(overdue, now=flow.clock.now(), emulated=True))
    )

    emulator.clear_faults()
    await flow.advance(overdue.end.next_attempt_at - flow.clock.now())
    ended = await flow.store.require(grant.id)
    assert ended.state is RequestState.REVOKED
    assert ended.state_reason is not None
    assert ended.state_reason.startswith("time limit reached")
    assert flow.rules_for(LEGACY) == []
