"""The one alert a grant whose end is overdue sends: a message in the security channel."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from approvals.effects import NO_EFFECTS, Effects
from approvals.model import EndProgress, Request
from approvals.outbox import NotificationKind, notification
from bot.delivery import Deliverer
from handlers.deps import Deps
from standins.slack import LocalSlack
from standins.slack.directory import SECURITY_CHANNEL_ID
from tests.slack.in_process import worked_request
from tests.slack.scenario import text_of
from tests.slack.test_delivery_lock import QUICK


async def test_an_end_overdue_alert_is_posted_in_the_security_channel(
    deps: Deps,
    local_slack: LocalSlack,
) -> None:
    request_id = await worked_request(deps, "test:alert")
    now = deps.clock.now()
    progress = EndProgress(
        why="time limit reached",
        failures=5,
        next_attempt_at=now + timedelta(minutes=16),
        last_error="IncorrectStatus.Gateway: the gateway is being upgraded",
        overdue_since=now,
    )

    ended = now - timedelta(minutes=15)

    def overdue(current: Request) -> tuple[Request, Effects]:
        return current.evolve(end=progress, grant_expires_at=ended), NO_EFFECTS

    saved = await deps.store.update(request_id, overdue)
    kind = NotificationKind.ALERT_END_OVERDUE
    await deps.outbox.enqueue(notification(kind, saved.id, saved.version))
    [entry] = [e for e in await deps.outbox.read("replica", count=10) if e.item.kind is kind]
    assert await Deliverer(deps, "replica", backoff=QUICK).deliver(entry, asyncio.Event())

    said = [text_of(m) for m in local_slack.messages(SECURITY_CHANNEL_ID)]
    alerts = [text for text in said if "End overdue" in text]
    assert len(alerts) == 1
    assert saved.id in alerts[0]
    assert "being upgraded" in alerts[0]
