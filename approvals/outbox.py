"""The outbox: Slack messages the workflow owes, written in the same commit as the change.

A state change that must be told to someone (post or update the approval card, reply in the
requester's thread, remind approvers, warn that a grant ends, alert the security channel that
a grant's end is overdue) appends a ``Notification`` to the
``{p}:outbox`` stream inside the commit script, so a change is never saved without its message
or the other way round. The Slack layer reads the stream through the ``slack`` consumer group,
delivers, and acks. Entries stay (and are visible to ``claim_stale``) until acked: retrying a
failed delivery is the Slack layer's business, and ``dedupe_key`` lets it skip a message it
already delivered before a crash. The text of a message is rendered by the Slack layer from the
request; ``text`` carries only extra words, never a ``response_url``. A ``thread_reply`` names
its step (a ``ThreadEvent`` value) in ``text``: the request may have moved on by the time it is
delivered, and the reply must narrate the step that happened, not the state found then.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from approvals.connect import RedisClient
from approvals.keys import OUTBOX_GROUP, Keys
from approvals.streams import Entry, StreamQueue


class NotificationKind(StrEnum):
    POST_CARD = "post_card"  # post the approval card to the approvers' channel
    UPDATE_CARD = "update_card"  # re-render the card after a decision or state change
    THREAD_REPLY = "thread_reply"  # a reply in the card's thread (progress, results)
    TELL_REQUESTER = "tell_requester"  # answer the requester where they asked
    REMIND_APPROVERS = "remind_approvers"  # the pending deadline is near
    WARN_GRANT_EXPIRY = "warn_grant_expiry"  # a time-bound grant ends soon
    ALERT_END_OVERDUE = "alert_end_overdue"  # a grant's rules outlived its end: tell security
    DRIFT_ITEM = "drift_item"  # a new drift item for the security channel; request_id: its id


class ThreadEvent(StrEnum):
    """A step worth a reply under the approval card."""

    APPROVAL_RECORDED = "approval_recorded"  # an approve that did not reach quorum yet
    APPROVED = "approved"
    DENIED = "denied"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"
    PARTLY_APPLIED = "partly_applied"  # some rules were made, then the cloud refused the rest
    RETRYING = "retrying"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REMINDER = "reminder"  # the pending deadline is near
    REVOKING = "revoking"
    REVOKED = "revoked"
    REVOKE_FAILED = "revoke_failed"  # a grant's rules could not be removed; tried again later


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: NotificationKind
    request_id: str = Field(min_length=1)
    text: str | None = None
    dedupe_key: str = Field(min_length=1)


def notification(
    kind: NotificationKind, request_id: str, version: int, text: str | None = None
) -> Notification:
    """A notification deduplicated per request version, so one change gives one message."""
    return Notification(
        kind=kind, request_id=request_id, text=text, dedupe_key=f"{kind}:{request_id}:{version}"
    )


def notifications(
    request_id: str, version: int, *kinds: NotificationKind, step: ThreadEvent | None = None
) -> tuple[Notification, ...]:
    """The messages one commit owes, in order; a ``thread_reply`` among ``kinds`` narrates
    ``step``, which is given exactly when one is there."""
    reply = NotificationKind.THREAD_REPLY
    if (reply in kinds) != (step is not None):
        raise ValueError("a thread reply, and only a thread reply, names its step")
    return tuple(
        notification(kind, request_id, version, text=step.value if kind is reply and step else None)
        for kind in kinds
    )


class Outbox:
    """The Slack layer's side of the outbox stream."""

    def __init__(self, client: RedisClient, keys: Keys) -> None:
        self.queue: StreamQueue[Notification] = StreamQueue(
            client, keys.outbox, OUTBOX_GROUP, Notification
        )

    async def enqueue(self, item: Notification) -> str:
        """Append outside a commit, for messages that change no request."""
        return await self.queue.add(item)

    async def read(
        self, consumer: str, count: int = 10, block_ms: int | None = None
    ) -> list[Entry[Notification]]:
        return await self.queue.read(consumer, count, block_ms)

    async def ack(self, entry_id: str) -> bool:
        return await self.queue.ack(entry_id)

    async def claim_stale(
        self, consumer: str, min_idle_ms: int, count: int = 10
    ) -> list[Entry[Notification]]:
        return await self.queue.claim_stale(consumer, min_idle_ms, count)

    async def depth(self) -> int:
        return await self.queue.depth()
