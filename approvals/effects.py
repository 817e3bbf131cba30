"""What a commit does besides saving the request: jobs, notifications and timers.

``Effects`` travels with a new request version into ``RequestStore.commit``; the commit script
applies all of it atomically with the compare-and-set, so a request is never approved without
its ``apply`` job, nor expired while its expiry timer survives. ``Job`` is what the worker reads
from the ``{p}:jobs`` stream; ``Timer`` is a member of the ``{p}:timers`` zset
(``<kind>:<request id>``, scored by epoch seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from approvals.model import UtcDatetime
from approvals.outbox import Notification


class JobKind(StrEnum):
    RESOLVE = "resolve"  # look up gateway, backend groups and plan for a received request
    APPLY = "apply"  # carry out the plan of an approved (or retried failed) request
    REVOKE = "revoke"  # remove the rules of an applied grant on request
    EXPIRE_GRANT = "expire_grant"  # a time-bound grant reached its end: remove its rules


class Job(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: JobKind
    request_id: str = Field(min_length=1)
    attempt: int = Field(default=0, ge=0)


class TimerKind(StrEnum):
    EXPIRE = "expire"  # the pending deadline: pending -> expired
    REMIND = "remind"  # remind approvers before the pending deadline
    GRANT_END = "grant_end"  # a time-bound grant ends
    GRANT_WARN = "grant_warn"  # warn the requester that the grant ends soon


class Timer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: TimerKind
    request_id: str = Field(min_length=1)
    due: UtcDatetime

    @property
    def member(self) -> str:
        return timer_member(self.kind, self.request_id)


def timer_member(kind: TimerKind, request_id: str) -> str:
    return f"{kind.value}:{request_id}"


@dataclass(frozen=True)
class Effects:
    """Side effects of one commit; timers are (re)scheduled or cleared for the same request."""

    jobs: tuple[Job, ...] = ()
    notifications: tuple[Notification, ...] = ()
    set_timers: tuple[Timer, ...] = ()
    clear_timers: tuple[TimerKind, ...] = ()

    def plus(self, other: Effects) -> Effects:
        return Effects(
            jobs=self.jobs + other.jobs,
            notifications=self.notifications + other.notifications,
            set_timers=self.set_timers + other.set_timers,
            clear_timers=self.clear_timers + other.clear_timers,
        )


NO_EFFECTS = Effects()
