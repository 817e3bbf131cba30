"""The workflow facade the Slack layer calls: submit, decide, cancel, retry, revoke, and reads.

Each method is one short step over the store: it checks who may act, commits one change with
its effects (jobs, outbox messages) and returns at once; cloud work happens in the worker.
Reads (``approvals.service_reads``) come from Redis only; those that ask the cloud are
``approvals.lookups``. Every
policy refusal (to ask, decide, cancel, retry, end or read) is recorded in the audit trail.
Who may do what beyond the approval policy:

* cancel: the requester, while pending; the requester or an approver, once failed. A grant
  that holds some rules (``partly_applied``) is not cancelled but ended, so nothing it made
  is left behind;
* retry: an approver, on a failed or partly applied request (it goes back to applying and
  completes the rest; a time-bound grant keeps the end its first rule fixed, and one past that
  end is not retried);
* revoke: the requester or an approver ends a grant that holds rules (applied or partly
  applied) now with the card's End access button (removing access needs no second approval);
  rules other grants still hold stay. A typed ``revoke REQ-…`` is a change like any other and is
  ``submit``-ted for approval.

Everyone acting or reading must be a full member of our organisation (``check_member``,
``check_reader``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from redis.exceptions import RedisError

from approvals.audit import refusal_fields
from approvals.clock import Clock
from approvals.effects import Effects, Job, JobKind
from approvals.ids import RandomSource, new_request_id
from approvals.job_context import told
from approvals.machine import HOLDING, transition
from approvals.model import ReplyTo, Request, RequestKind, RequestState, Verdict, kind_of
from approvals.outbox import NotificationKind, ThreadEvent
from approvals.policy import (
    Person,
    PolicyConfig,
    actor_from_user,
    check_member,
    check_reader,
    check_requester,
)
from approvals.policy_groups import GroupMembers, PolicySource, approvers_for, requester_groups
from approvals.results import CreateResult, DecideResult
from approvals.service_reads import ServiceReads
from approvals.store import RequestIdTaken, RequestStore
from bot.catalogue import say
from bot.grammar.values import check_duration
from bot.settings import Settings
from vocabulary.commands import Authorize, ChangeCommand, RevokeTarget
from vocabulary.errors import PolicyRefused, UsageError

_N = NotificationKind
log = logging.getLogger(__name__)
# A new id collides with a stored one about once in 3,000 requests at 10,000 live ones, so
# two collisions in a row are already rare; more than a few mean the id source is broken.
ID_ATTEMPTS = 5


@dataclass
class Service(ServiceReads):
    store: RequestStore
    clock: Clock
    policy: PolicyConfig
    settings: Settings
    random_source: RandomSource = field(default=secrets.token_bytes)
    rules: PolicySource | None = None  # the policy file, for the user groups its rules name
    groups: GroupMembers | None = None  # Slack user group members

    # -- changes ---------------------------------------------------------------------

    async def submit(
        self, command: ChangeCommand, requester: Person, reply_to: ReplyTo, intake_key: str
    ) -> CreateResult:
        """Store a change as ``received`` and queue its resolution; Slack retries dedupe."""
        async with self.audit_refusal(requester, f"ask for a {command.kind} change"):
            return await self._submit(command, requester, reply_to, intake_key)

    async def _submit(
        self, command: ChangeCommand, requester: Person, reply_to: ReplyTo, intake_key: str
    ) -> CreateResult:
        check_requester(requester, self.policy)
        if isinstance(command, Authorize):
            check_duration(command.duration, self.settings.max_duration)
        served = self.settings.served_regions
        region = getattr(command, "region", None)  # refused here, before anything is stored
        if region is not None and region not in served:
            raise UsageError(say("region.not_served", region=region, served=", ".join(served)))
        now = self.clock.now()
        limit = (self.policy.rate_limit, self.policy.rate_window.total_seconds())
        groups = await requester_groups(self.rules, self.groups, requester.user_id)
        draw = partial(self._new_request, command, requester, reply_to, intake_key, now)
        for _ in range(ID_ATTEMPTS - 1):
            request = draw(groups=groups)
            try:
                return await self.store.create(request, rate_limit=limit)
            except RequestIdTaken:
                log.info("request id %s is taken; drawing another", request.id)
        return await self.store.create(draw(groups=groups), rate_limit=limit)

    def _new_request(
        self,
        command: ChangeCommand,
        requester: Person,
        reply_to: ReplyTo,
        intake_key: str,
        now: datetime,
        *,
        groups: tuple[str, ...] = (),
    ) -> Request:
        authorize = command if isinstance(command, Authorize) else None
        return Request(
            id=new_request_id(self.random_source),
            kind=kind_of(command),
            command=command,
            requester=actor_from_user(requester),
            reply_to=reply_to,
            intake_key=intake_key,
            created_at=now,
            updated_at=now,
            ports=command.ports if isinstance(command, Authorize | RevokeTarget) else (),
            duration=authorize.duration if authorize else None,
            reason=authorize.reason if authorize else None,
            requester_full_member=True,  # ``check_requester`` let them ask
            requester_groups=groups,
        )

    async def decide(
        self,
        request_id: str,
        user: Person,
        verdict: Verdict,
        *,
        approver_ids: frozenset[str],
        reason: str | None = None,
    ) -> DecideResult:
        async with self.audit_refusal(user, f"{verdict.value} {request_id}", request_id):
            request = await self.store.require(request_id)
            ids, policy = await approvers_for(request, approver_ids, self.policy, self.groups)
            return await self.store.decide(
                request_id,
                user,
                verdict,
                reason=reason,
                now=self.clock.now(),
                approver_ids=ids,
                policy=policy,
            )

    async def cancel(
        self, request_id: str, user: Person, *, approver_ids: frozenset[str]
    ) -> Request:
        actor = actor_from_user(user)
        now = self.clock.now()

        def cancel_once(current: Request) -> tuple[Request, Effects] | None:
            is_requester = current.requester == actor
            if current.state is RequestState.PARTLY_APPLIED:
                raise PolicyRefused(say("refuse.cancel_holding", request_id=current.id))
            if current.state is RequestState.PENDING and not is_requester:
                raise PolicyRefused(say("refuse.withdraw_not_requester", request_id=current.id))
            if current.state is RequestState.FAILED and not (
                is_requester or self._is_approver(user, approver_ids)
            ):
                raise PolicyRefused(say("refuse.cancel_not_allowed", request_id=current.id))
            if current.state not in (RequestState.PENDING, RequestState.FAILED):
                raise PolicyRefused(
                    say("refuse.cancel_state", request_id=current.id, state=_state(current))
                )
            cancelled = transition(
                current, RequestState.CANCELLED, at=now, reason=say("why.cancelled")
            )
            return cancelled, told(current, _N.UPDATE_CARD, _N.TELL_REQUESTER)

        async with self.audit_refusal(user, f"cancel {request_id}", request_id):
            check_member(user, self.policy, f"cancel {request_id}")
            return await self.store.update(request_id, cancel_once, actor=actor)

    async def retry(
        self, request_id: str, user: Person, *, approver_ids: frozenset[str]
    ) -> Request:
        """An approver sends a failed request back to applying; rules in place are kept."""
        now = self.clock.now()

        def retry_once(current: Request) -> tuple[Request, Effects] | None:
            if current.state not in (RequestState.FAILED, RequestState.PARTLY_APPLIED):
                raise PolicyRefused(
                    say("refuse.retry_state", request_id=current.id, state=_state(current))
                )
            ends = current.grant_expires_at
            if ends is not None and now >= ends:
                raise PolicyRefused(
                    say("refuse.retry_ended", request_id=current.id, at=f"{ends:%Y-%m-%d %H:%M}")
                )
            applying = transition(current, RequestState.APPLYING, at=now, reason=say("why.retried"))
            job = Job(kind=JobKind.APPLY, request_id=current.id)
            said = told(current, _N.UPDATE_CARD, _N.THREAD_REPLY, step=ThreadEvent.RETRYING)
            return applying, said.plus(Effects(jobs=(job,)))

        async with self.audit_refusal(user, f"retry {request_id}", request_id):
            self._require_approver(user, approver_ids, f"retry {request_id}")
            return await self.store.update(request_id, retry_once, actor=actor_from_user(user))

    async def revoke(
        self, request_id: str, user: Person, *, approver_ids: frozenset[str]
    ) -> Request:
        """End a grant holding rules now; the worker removes the rules nobody else holds."""
        actor = actor_from_user(user)
        now = self.clock.now()

        def revoke_once(current: Request) -> tuple[Request, Effects] | None:
            if current.requester != actor and not self._is_approver(user, approver_ids):
                raise PolicyRefused(say("refuse.revoke_not_allowed", request_id=current.id))
            if current.kind is not RequestKind.AUTHORIZE or current.state not in HOLDING:
                raise PolicyRefused(
                    say("refuse.revoke_state", request_id=current.id, state=_state(current))
                )
            # A refused removal is retried by the grant's end timer, from now at the latest.
            ends = min(current.grant_expires_at or now, now)
            revoking = transition(
                current,
                RequestState.REVOKING,
                at=now,
                reason=say("why.revoked_by", who=actor.user_id),
            ).evolve(grant_expires_at=ends)
            job = Job(kind=JobKind.REVOKE, request_id=current.id)
            said = told(current, _N.UPDATE_CARD, _N.THREAD_REPLY, step=ThreadEvent.REVOKING)
            return revoking, said.plus(Effects(jobs=(job,)))

        async with self.audit_refusal(user, f"end {request_id}", request_id):
            check_member(user, self.policy, f"end {request_id}")
            return await self.store.update(request_id, revoke_once, actor=actor)

    # -- queries ---------------------------------------------------------------------

    async def check_reader(self, user: Person, doing: str) -> None:
        """Refuse (and audit) a read of requests or history by anyone but a full member."""
        async with self.audit_refusal(user, doing):
            check_reader(user, self.policy)

    # -- who may act -----------------------------------------------------------------

    @asynccontextmanager
    async def audit_refusal(
        self, user: Person, doing: str, request_id: str = ""
    ) -> AsyncIterator[None]:
        """Record in the audit trail any policy refusal the block raises, then re-raise it."""
        try:
            yield
        except PolicyRefused as exc:
            now = self.clock.now()
            fields = refusal_fields(
                actor_from_user(user), doing, str(exc), at=now, request_id=request_id
            )
            try:
                await self.store.audit.append(fields)
            except RedisError as lost:
                log.warning("refusal not audited (%s): %s", type(lost).__name__, fields)
            raise

    def _is_approver(self, user: Person, approver_ids: frozenset[str]) -> bool:
        return user.user_id in self.policy.approvers | approver_ids

    def _require_approver(self, user: Person, approver_ids: frozenset[str], what: str) -> None:
        check_member(user, self.policy, what)
        if not self._is_approver(user, approver_ids):
            raise PolicyRefused(say("refuse.approvers_only", doing=what))


def _state(request: Request) -> str:
    # The state by name, as the person sees it on the card.
    return say(f"state_name.{request.state.value}")
