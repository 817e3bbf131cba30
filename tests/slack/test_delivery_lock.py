"""Two replicas holding the same outbox entry (a long Slack outage lets the second claim it while
the first still retries): Slack gets the message once."""

from __future__ import annotations

import asyncio

import pytest

from approvals.outbox import NotificationKind
from bot.delivery import Backoff, Deliverer
from handlers.deps import Deps
from standins.slack import LocalSlack
from standins.slack.directory import DEVELOPER_ID, dm_channel_id
from tests.slack.in_process import worked_request
from tests.slack.scenario import cards

pytestmark = pytest.mark.redis
QUICK = Backoff(first=0.01, cap=0.05, give_up_after=30.0)


async def test_two_deliverers_on_one_entry_post_the_card_once(
    deps: Deps, local_slack: LocalSlack
) -> None:
    await worked_request(deps, "test:lock")

    first = await deps.outbox.read("replica-a")
    second = await deps.outbox.claim_stale("replica-b", min_idle_ms=0)
    assert [e.item.kind for e in first] == [
        NotificationKind.POST_CARD,
        NotificationKind.TELL_REQUESTER,
    ]
    assert [e.entry_id for e in second] == [e.entry_id for e in first]

    stop = asyncio.Event()
    replica_a = Deliverer(deps, "replica-a", backoff=QUICK)
    replica_b = Deliverer(deps, "replica-b", backoff=QUICK)
    for held_by_a, held_by_b in zip(first, second, strict=True):
        done = await asyncio.gather(
            replica_a.deliver(held_by_a, stop), replica_b.deliver(held_by_b, stop)
        )
        assert list(done) == [True, True]

    assert len(cards(local_slack)) == 1
    assert len(local_slack.messages(dm_channel_id(DEVELOPER_ID))) == 1
    assert await deps.outbox.depth() == 0
    assert await deps.redis.keys(deps.keys.delivering("*")) == []  # every lock released
