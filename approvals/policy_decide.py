"""The policy's say on a resolved request, as the worker applies it before posting the card.

``policy_outcome`` builds the facts from the request and its resolution, evaluates the policy
in force and, for an auto-approval, takes a slot of the requester's rolling 24-hour limit in
Redis (a spent limit passes the rule over, so the next rule decides and the note says why).
In ``mode: audit`` the file's ruling is only recorded; the built-in default decides.
``auto_approved`` moves a pending request on to ``approved`` with its apply job; the card,
already posted, becomes the FYI card that offers End access once the grant holds rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from approvals.effects import Effects, Job, JobKind
from approvals.machine import transition
from approvals.model import PolicyNote, Request, RequestKind, RequestState, RuleAction
from approvals.outbox import NotificationKind, notifications
from approvals.policy_file import Policy, Verb
from approvals.policy_limits import AutoApprovalLimit
from approvals.policy_rules import Facts, Ruling, evaluate, target_names
from approvals.policy_source import PolicySource
from approvals.resolution import Resolved
from approvals.store import RequestStore
from bot.catalogue import say
from vocabulary.commands import Authorize, RevokeTarget


@dataclass(frozen=True)
class PolicyOutcome:
    note: PolicyNote
    required: int = 1
    approver_group: str | None = None
    deny: str | None = None  # the rule's message: the request is refused with it
    auto: bool = False


def verb_of(request: Request) -> Verb:
    if request.kind is RequestKind.REVOKE:
        return Verb.REVOKE
    return Verb.EXTEND if request.extends is not None else Verb.AUTHORIZE


def facts_of(request: Request, resolved: Resolved, region: str) -> Facts:
    command = request.command
    typed = target_names(command.target) if isinstance(command, Authorize | RevokeTarget) else ()
    groups = tuple(name for g in resolved.groups for name in (g.security_group_id, g.name) if name)
    return Facts(
        verb=verb_of(request),
        region=region,
        gateway_id=resolved.gateway.unique_id,
        gateway_name=resolved.gateway.name,
        typed_target=typed,
        groups=groups,
        ports=resolved.ports,
        duration=request.duration,
        requester_id=request.requester.user_id,
        requester_groups=frozenset(request.requester_groups),
        full_member=request.requester_full_member,
        preflight_refused=any(p.action is RuleAction.REFUSE for p in resolved.plan),
    )


def _note(policy: Policy, ruling: Ruling, note: str | None) -> PolicyNote:
    return PolicyNote(
        rule=ruling.rule_name,
        digest=policy.digest,
        decision=ruling.decide.label,
        mode=policy.document.mode,
        note=note,
        approvals=ruling.decide.approvals,
        approver_group=ruling.decide.approver_group,
    )


def _passed_note(ruling: Ruling, spent: dict[str, str]) -> str | None:
    limits = [
        say("policy.passed", rule=name, why=why)
        for name, why in ruling.passed_over
        if name in spent
    ]
    return "; ".join(limits) or None


async def policy_outcome(
    source: PolicySource,
    limits: AutoApprovalLimit,
    request: Request,
    resolved: Resolved,
    now: datetime,
) -> PolicyOutcome:
    policy = source.current()
    facts = facts_of(request, resolved, resolved.region or source.region)  # the gateway's
    if policy.audit_only:
        would = evaluate(policy, facts)
        note = _note(policy, would, None)
        deciding = evaluate(source.default, facts)
        return PolicyOutcome(note=note, required=deciding.decide.approvals or 1)
    spent: dict[str, str] = {}
    while True:
        ruling = evaluate(policy, facts, spent)
        decide = ruling.decide
        auto = decide.auto_approve
        if auto is None or ruling.rule is None:
            break
        if await limits.take(request.requester, request.id, auto.per_day, now):
            break
        spent[ruling.rule.name] = say("policy.limit_reached", per_day=auto.per_day)
    note = _note(policy, ruling, _passed_note(ruling, spent))
    if decide.deny is not None:
        return PolicyOutcome(note=note, deny=decide.deny)
    if decide.auto_approve is not None:
        return PolicyOutcome(note=note, auto=True)
    return PolicyOutcome(
        note=note, required=decide.approvals or 1, approver_group=decide.approver_group
    )


async def auto_approved(store: RequestStore, request_id: str, now: datetime) -> Request:
    """A pending request the policy auto-approved, moved on to ``approved`` with its apply job."""

    def approve(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.PENDING or current.policy is None:
            return None
        approved = transition(current, RequestState.APPROVED, at=now, reason=current.policy.text)
        told = notifications(
            current.id, current.version + 1, NotificationKind.UPDATE_CARD,
            NotificationKind.TELL_REQUESTER,
        )  # fmt: skip
        job = Job(kind=JobKind.APPLY, request_id=current.id)
        return approved, Effects(jobs=(job,), notifications=told)

    return await store.update(request_id, approve)
