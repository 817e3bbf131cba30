"""The Redis store of approval requests: every write one atomic compare-and-set.

A request is a hash ``{p}:req:<id>`` (``v``: version, ``json``: the model). ``commit`` writes a
new version only if the stored one is still the version the caller read, and in the same Lua
script moves the indexes, appends jobs, outbox notifications and the audit entry, and sets or
clears timers (``approvals.writes`` plans it). A lost race raises ``StaleRequest``; ``update``
is the reload-decide-commit loop everyone uses; ``create``, ``mark_pending`` and ``decide`` are
the workflow steps that need more than a version check. Lists read an index zset and fetch the
hashes in one pipeline (``approvals.store_reads``, the reading half this class extends). Jobs,
timers and rule owners are ``store.work`` (``approvals.coordination``), Slack messages
``store.outbox``, the trail ``store.audit``. The client must decode responses to ``str``
(``approvals.connect.connect`` does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from approvals.audit import AuditLog, log_entry
from approvals.connect import RedisClient
from approvals.coordination import Coordination
from approvals.effects import NO_EFFECTS, Effects, Job, JobKind, Timer, TimerKind
from approvals.keys import FINGERPRINT_GRACE, Keys
from approvals.machine import transition
from approvals.model import Actor, Decision, Request, RequestState, Verdict
from approvals.outbox import NotificationKind, Outbox, notification
from approvals.policy import (
    DecisionOutcome,
    PolicyConfig,
    SlackUser,
    actor_from_user,
    apply_decision,
    check_approver,
)
from approvals.replicas import ReplicaGuard
from approvals.results import (
    CreateResult,
    DecideResult,
    RateLimited,
    StaleRequest,
    StoreConfig,
    decided_message,
    decision_effects,
    settled_message,
)
from approvals.scripts import COMMIT
from approvals.store_reads import RequestReader
from approvals.writes import CommitPlan, Limits, epoch_ms, plan_commit
from bot.catalogue import say
from vocabulary.errors import SgbotError

logger = logging.getLogger(__name__)

Change = tuple[Request, Effects]
"""A new request version and the effects to commit with it."""


class RequestIdTaken(SgbotError):
    """A new request drew the id of a stored one; nothing was written."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(f"request id {request_id} is already taken")


def _ms(seconds: float) -> str:
    return str(int(seconds * 1000))


class RequestStore(RequestReader):
    def __init__(self, client: RedisClient, config: StoreConfig | None = None) -> None:
        self.config = config or StoreConfig()
        super().__init__(client, Keys(self.config.prefix), self.config.default_region)
        self.outbox = Outbox(client, self.keys)
        self.audit = AuditLog(client, self.keys.audit, self.config.audit_maxlen)
        self.work = Coordination(client, self.keys)
        self.replicas = ReplicaGuard(client, self.config.wait_for_replicas)
        self._commit_script = client.register_script(COMMIT)
        self._limits = Limits(
            history_length=self.config.history_length,
            audit_maxlen=self.config.audit_maxlen,
            retention_ms=int(self.config.retention.total_seconds() * 1000),
        )

    async def setup(self) -> None:
        """Create the consumer groups (idempotent); call at start-up on every replica."""
        await self.work.jobs.ensure_group()
        await self.outbox.queue.ensure_group()

    # -- writing -------------------------------------------------------------------------

    async def _execute(
        self, plan: CommitPlan, before_version: int, after: Request, *, wait: bool = False
    ) -> tuple[str, str, Request]:
        """Run a planned commit; a stale version raises, other guard replies are returned."""
        # Only the version changes and ``after`` is already valid: a copy without validation
        # spares re-checking the whole model on every write.
        saved = after.model_copy(update={"version": before_version + 1})
        args = plan.script.argv(before_version, saved.model_dump_json(), plan.ttl_ms)
        reply = await self.replicas.run(
            self._commit_script, plan.script.keys, args, self.config.replica_timeout_ms, wait
        )
        status, detail = str(reply[0]), str(reply[1])
        if status == "stale":
            raise StaleRequest(after.id, before_version, detail)
        if status == "ok":
            for fields in plan.audits:
                log_entry(fields)
        return status, detail, saved

    async def commit(
        self,
        before: Request,
        after: Request,
        effects: Effects = NO_EFFECTS,
        *,
        actor: Actor | None = None,
        wait_for_replicas: bool = False,
    ) -> Request:
        """Write ``after`` if the stored version is still ``before.version``; return it saved.

        ``before`` must be the request as loaded (the indexes move by comparing the two);
        ``actor`` is who caused the change (None: the bot), for the audit trail. Raises
        ``StaleRequest`` and changes nothing when someone else wrote first.
        """
        if before.id != after.id:
            raise ValueError(f"cannot write {after.id} over {before.id}")
        plan = plan_commit(self.keys, self._limits, before, after, effects, actor=actor)
        _, _, saved = await self._execute(plan, before.version, after, wait=wait_for_replicas)
        return saved

    async def update(
        self,
        request_id: str,
        change: Callable[[Request], Change | None],
        *,
        actor: Actor | None = None,
        wait_for_replicas: bool = False,
    ) -> Request:
        """Load, apply the pure ``change``, commit; on ``StaleRequest`` reload and redo.

        ``change`` returning None means "nothing to do": the current request is returned.
        Exceptions from ``change`` propagate. ``UnknownRequest`` for a missing id;
        ``StaleRequest`` after ``config.cas_attempts`` lost races.
        """
        for _ in range(self.config.cas_attempts):
            current = await self.require(request_id)
            decided = change(current)
            if decided is None:
                return current
            try:
                return await self.commit(
                    current, *decided, actor=actor, wait_for_replicas=wait_for_replicas
                )
            except StaleRequest:
                logger.debug("request %s changed while deciding; retrying", request_id)
        raise StaleRequest(request_id, -1, "")

    async def create(self, request: Request, *, rate_limit: tuple[int, float]) -> CreateResult:
        """Store a new ``received`` request and enqueue its ``resolve`` job, atomically.

        A second request with the same ``intake_key`` within ``config.intake_ttl`` stores
        nothing and returns the first id (``created`` False). ``rate_limit`` is (requests,
        window seconds) per requester, counted over a sliding window; over it raises
        ``RateLimited``. ``RequestIdTaken`` when ``request.id`` is already stored: nothing is
        written, and the caller tries again with a fresh id.
        """
        if request.state is not RequestState.RECEIVED or request.version != 0:
            raise ValueError(f"{request.id}: only a new request in state received can be created")
        limit, window_s = rate_limit
        effects = Effects(jobs=(Job(kind=JobKind.RESOLVE, request_id=request.id),))
        plan = plan_commit(self.keys, self._limits, None, request, effects, actor=request.requester)
        intake_key = self.keys.intake(request.intake_key)
        rate_key = self.keys.rate(request.requester.org_id, request.requester.user_id)
        created_ms = epoch_ms(request.created_at)
        plan.script.guard("absent", intake_key)
        plan.script.guard("rate", rate_key, str(created_ms - int(window_s * 1000)), str(limit))
        plan.script.op("set", intake_key, request.id, _ms(self.config.intake_ttl.total_seconds()))
        plan.script.op("zadd", rate_key, str(created_ms), request.id)
        plan.script.op("pexpire", rate_key, _ms(window_s))
        try:
            status, detail, _ = await self._execute(plan, 0, request)
        except StaleRequest:
            # Expected version 0 is stale only when a request with this id is stored.
            raise RequestIdTaken(request.id) from None
        if status == "exists":
            return CreateResult(request_id=detail, created=False)
        if status == "limited":
            retry_at = datetime.fromtimestamp((float(detail) / 1000) + window_s, UTC)
            raise RateLimited(
                say(
                    "refuse.request_rate",
                    count=limit,
                    minutes=f"{window_s / 60:g}",
                    at=f"{retry_at:%H:%M}",
                )
            )
        return CreateResult(request_id=request.id, created=True)

    async def restore(self, request: Request, effects: Effects = NO_EFFECTS) -> bool:
        """Store a request rebuilt from outside Redis (``sgbot reconcile --recover``) as it is,
        indexed as new, with ``effects``; False, writing nothing, when its id is stored."""
        plan = plan_commit(self.keys, self._limits, None, request, effects, actor=None)
        try:
            await self._execute(plan, 0, request)
        except StaleRequest:
            return False
        return True

    async def mark_pending(
        self,
        before: Request,
        resolved: Request,
        *,
        remind_at: datetime | None = None,
        effects: Effects = NO_EFFECTS,
    ) -> Request:
        """Move a resolved request (state ``resolving``, details filled) to ``pending``.

        ``before`` is the request as loaded. Claims the fingerprint; when another pending
        request holds it, the request is rejected instead with a reason naming that one, and
        the requester is told (``effects`` are then not applied). Sets the expiry timer at
        ``expires_at`` and the reminder at ``remind_at``. Raises ``StaleRequest`` on a race.
        """
        if resolved.fingerprint is None or resolved.expires_at is None:
            raise ValueError(f"{resolved.id}: a pending request needs fingerprint and expires_at")
        at = resolved.updated_at
        pending = transition(resolved, RequestState.PENDING, at=at)
        timers = [Timer(kind=TimerKind.EXPIRE, request_id=pending.id, due=resolved.expires_at)]
        if remind_at is not None:
            timers.append(Timer(kind=TimerKind.REMIND, request_id=pending.id, due=remind_at))
        plan = plan_commit(
            self.keys,
            self._limits,
            before,
            pending,
            effects.plus(Effects(set_timers=tuple(timers))),
            actor=None,
        )
        fp_key = self.keys.fingerprint(resolved.fingerprint)
        plan.script.guard("claim", fp_key, plan.script.index(self.keys.pending), pending.id)
        hold_s = (resolved.expires_at - at + FINGERPRINT_GRACE).total_seconds()
        plan.script.op("set", fp_key, pending.id, _ms(max(hold_s, 1)))
        status, holder, saved = await self._execute(plan, before.version, pending)
        if status == "ok":
            return saved
        reason = say("why.duplicate_pending", holder=holder)
        rejected = transition(resolved, RequestState.REJECTED, at=at, reason=reason)
        told = notification(NotificationKind.TELL_REQUESTER, rejected.id, before.version + 1)
        return await self.commit(before, rejected, Effects(notifications=(told,)))

    async def decide(
        self,
        request_id: str,
        user: SlackUser,
        verdict: Verdict,
        *,
        reason: str | None,
        now: datetime,
        approver_ids: frozenset[str],
        policy: PolicyConfig,
    ) -> DecideResult:
        """Record an approve or deny click by ``user`` (an approver per ``approver_ids``).

        Quorum reached: ``approved`` with an ``apply`` job; deny: ``denied`` and the requester
        is told; either way the card is updated. A request no longer pending is returned
        unchanged with a message saying why. ``PolicyRefused`` when the person may not decide.
        """
        actor = actor_from_user(user)
        outcomes: list[DecisionOutcome] = []

        def decide_once(current: Request) -> Change | None:
            outcomes.clear()
            if current.state is not RequestState.PENDING:
                return None
            check_approver(current, user, approver_ids, policy)
            decision = Decision(actor=actor, verdict=verdict, at=now, reason=reason)
            outcome = apply_decision(current, decision)
            outcomes.append(outcome)
            return outcome.request, decision_effects(outcome, current.version + 1)

        wait = await self.replicas.needed()
        saved = await self.update(request_id, decide_once, actor=actor, wait_for_replicas=wait)
        if not outcomes:
            return DecideResult(request=saved, outcome=None, message=settled_message(saved))
        outcome = DecisionOutcome(saved, outcomes[0].approvals, outcomes[0].required)
        return DecideResult(request=saved, outcome=outcome, message=decided_message(outcome))
