"""The outbox: notifications written with the change, read and acked by the Slack layer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.model import Verdict
from approvals.outbox import Notification, NotificationKind, notification
from tests.approvals.examples import T0
from tests.approvals.store_helpers import decide, open_store, walk_to_pending

pytestmark = pytest.mark.redis


async def test_deny_writes_card_update_and_word_to_requester(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        result = await decide(
            store, "REQ-AAAA1", Verdict.DENY, reason="not now", now=T0 + timedelta(minutes=1)
        )
        entries = await store.outbox.read("slack-1", count=10)
    kinds = [entry.item.kind for entry in entries]
    assert kinds == [NotificationKind.UPDATE_CARD, NotificationKind.TELL_REQUESTER]
    assert {entry.item.dedupe_key for entry in entries} == {
        f"update_card:REQ-AAAA1:{result.request.version}",
        f"tell_requester:REQ-AAAA1:{result.request.version}",
    }


async def test_entry_stays_until_acked_and_a_stale_one_can_be_claimed(redis_url: str) -> None:
    note = notification(NotificationKind.REMIND_APPROVERS, "REQ-AAAA1", 3, text="2 hours left")
    async with open_store(redis_url) as store:
        await store.outbox.enqueue(note)
        [delivered] = await store.outbox.read("slack-1")
        assert await store.outbox.depth() == 1
        await store.client.xclaim(
            store.keys.outbox, "slack", "slack-1", 0, [delivered.entry_id], idle=10_000
        )
        [retaken] = await store.outbox.claim_stale("slack-2", min_idle_ms=5_000)
        assert await store.outbox.ack(retaken.entry_id)
        assert await store.outbox.depth() == 0
    assert retaken.item == note == Notification.model_validate_json(note.model_dump_json())
