"""Safe ``mrkdwn`` phrases about a request, shared by the card, the lists, replies and Home.

Each function reads a ``Request`` (and nothing else) and returns text that is already escaped
and bounded, so the builders only arrange it. Values the resolver has not filled in yet fall
back to what the command asked for: the card of a request still resolving shows the gateway
as typed, the same one later shows its name and id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from approvals.model import (
    Request,
    RequestState,
    RiskFlag,
    Verdict,
    merge_port_ranges,
)
from bot.catalogue import say
from handlers.mrkdwn import code, date, escape, fit_lines, mention, mention_people
from vocabulary.commands import (
    Authorize,
    ClusterTarget,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)

NAME_LIMIT = 60  # a name beyond this is cut; the id beside it stays exact
REASON_LIMIT = 600  # the reason is at most 500 characters; escaping may lengthen it

_UNITS = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
# Catalogue keys, one per unit and number, so a language without plurals needs no rule.
_COUNTS = {
    ("week", True): "unit.week.one",
    ("week", False): "unit.week.many",
    ("day", True): "unit.day.one",
    ("day", False): "unit.day.many",
    ("hour", True): "unit.hour.one",
    ("hour", False): "unit.hour.many",
    ("minute", True): "unit.minute.one",
    ("minute", False): "unit.minute.many",
    ("second", True): "unit.second.one",
    ("second", False): "unit.second.many",
}
_RISK_LABELS = {
    RiskFlag.ALL_PORTS: "risk.all_ports",
    RiskFlag.BROAD: "risk.broad",
    RiskFlag.SENSITIVE_PORT: "risk.sensitive_port",
}
_STATE_LABELS = {
    RequestState.RECEIVED: "state.received",
    RequestState.RESOLVING: "state.resolving",
    RequestState.PENDING: "state.pending",
    RequestState.REJECTED: "state.rejected",
    RequestState.APPROVED: "state.approved",
    RequestState.APPLYING: "state.applying",
    RequestState.APPLIED: "state.applied",
    RequestState.PARTLY_APPLIED: "state.partly_applied",
    RequestState.FAILED: "state.failed",
    RequestState.DENIED: "state.denied",
    RequestState.EXPIRED: "state.expired",
    RequestState.CANCELLED: "state.cancelled",
    RequestState.REVOKING: "state.revoking",
    RequestState.REVOKED: "state.revoked",
}


def state_label(state: RequestState) -> str:
    return say(_STATE_LABELS[state])


def _count(count: int, unit: str) -> str:
    return say(_COUNTS[(unit, count == 1)], count=count)


def human_duration(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    for unit, size in _UNITS:
        if seconds % size == 0 and seconds >= size:
            return _count(seconds // size, unit)
    return _count(seconds, "second")


def time_left(until: datetime, now: datetime) -> str:
    """``in 3 hours`` rounded down to the largest unit, or ``past due``."""
    left = until - now
    if left <= timedelta(0):
        return say("time.past_due")
    for unit, size in _UNITS[1:]:
        count = int(left.total_seconds()) // size
        if count >= 1:
            return say("time.in", amount=_count(count, unit))
    return say("time.under_a_second")


def ports_of(request: Request) -> tuple[PortRange, ...]:
    if request.ports:
        return merge_port_ranges(request.ports)
    command = request.command
    if isinstance(command, Authorize | RevokeTarget):
        return merge_port_ranges(command.ports)
    return ()


def ports_text(request: Request, limit: int = 400) -> str:
    ports = ports_of(request)
    if not ports:
        return say("ports.of_the_rule") if isinstance(request.command, RevokeRule) else "—"
    shown: list[str] = []
    for index, port in enumerate(ports):
        left = len(ports) - index
        if (
            len(", ".join([*shown, str(port)])) + len(say("ports.and_more", ports="", count=left))
            > limit
        ):
            return say("ports.and_more", ports=", ".join(shown), count=left)
        shown.append(str(port))
    return ", ".join(shown)


def gateway_text(request: Request) -> str:
    """The gateway, with its region once the request knows it."""
    text = _gateway_only(request)
    if request.region is None:
        return text
    return say("region.gateway_in", gateway=text, region=code(request.region))


def _gateway_only(request: Request) -> str:
    if request.gateway_id is not None:
        name = code(request.gateway_name, NAME_LIMIT) if request.gateway_name else ""
        return f"{name} ({code(request.gateway_id)})" if name else code(request.gateway_id)
    command = request.command
    if isinstance(command, RevokeRequest):
        return say("gateway.of_request", request_id=code(command.request_id))
    return code(command.gateway.value, NAME_LIMIT)


def _target(target: Target) -> str:
    match target:
        case ServiceTarget():
            name = f"{target.name}.{target.namespace}" if target.namespace else target.name
            return say("target.service", name=code(name, NAME_LIMIT))
        case SecurityGroupTarget():
            return say("target.security_group", group=code(target.security_group_id))
        case SecurityGroupsTarget():
            groups = ", ".join(code(g) for g in target.security_group_ids)
            return say("target.security_groups", groups=groups)
        case InstanceTarget():
            return say("target.instance", instance=code(target.instance_id))
        case ClusterTarget():
            return say("target.cluster", cluster=code(target.cluster_id))
        case NodePoolTarget():
            return say(
                "target.nodepool",
                nodepool=code(target.nodepool_id),
                cluster=code(target.cluster_id),
            )


def target_text(request: Request) -> str:
    """What the requester named, then how it led to the security groups."""
    command = request.command
    if isinstance(command, Authorize | RevokeTarget):
        named = _target(command.target)
    elif isinstance(command, RevokeRule):
        key = "target.rule_keeping_backend" if command.keep_backend_rule else "target.rule"
        named = say(key, rule=code(str(command.rule_id)))
    else:
        named = say("target.grant_of", request_id=code(command.request_id))
    if request.resolution_path:
        via = say("target.via", path=escape(request.resolution_path, 600))
        return f"{named}\n{via}"
    return named


def groups_text(request: Request, limit: int) -> str:
    if not request.groups:
        return say("groups.unresolved") if request.state is RequestState.RESOLVING else "—"
    lines = [
        f"{code(group.security_group_id)} {code(group.name, NAME_LIMIT)}"
        if group.name
        else code(group.security_group_id)
        for group in request.groups
    ]
    return fit_lines(lines, limit, more="more.groups")


def duration_text(request: Request) -> str:
    command = request.command
    duration = request.duration
    if duration is None and isinstance(command, Authorize):
        duration = command.duration
    if not isinstance(command, Authorize):
        return "—"
    if duration is None:
        return say("duration.permanent")
    if request.grant_expires_at is not None:
        return say(
            "duration.ends", duration=human_duration(duration), at=date(request.grant_expires_at)
        )
    return say("duration.after_applied", duration=human_duration(duration))


def reason_text(request: Request) -> str:
    command = request.command
    reason = request.reason
    if reason is None and isinstance(command, Authorize):
        reason = command.reason
    return escape(reason, REASON_LIMIT) if reason else say("reason.none")


def risk_text(request: Request) -> str:
    return ", ".join(say(_RISK_LABELS[flag]) for flag in request.risk_flags) or say("risk.none")


def quorum_text(request: Request) -> str:
    approvers = request.approvers
    if not approvers:
        return say("quorum.count", given=0, needed=request.required_approvals)
    return say(
        "quorum.count_by",
        given=len(approvers),
        needed=request.required_approvals,
        approvers=", ".join(mention(actor.user_id) for actor in approvers),
    )


def decision_text(request: Request) -> str | None:
    """Who decided and when: the deny, or the approvals that reached quorum."""
    denials = [d for d in request.decisions if d.verdict is Verdict.DENY]
    if denials:
        denial = denials[-1]
        who, at = mention(denial.actor.user_id), date(denial.at)
        if denial.reason:
            why = escape(denial.reason, REASON_LIMIT)
            return say("decision.denied_because", who=who, at=at, why=why)
        return say("decision.denied", who=who, at=at)
    approvals = [d for d in request.decisions if d.verdict is Verdict.APPROVE]
    if not approvals or request.state in {RequestState.PENDING, RequestState.EXPIRED}:
        return None
    who = ", ".join(mention(actor.user_id) for actor in request.approvers)
    return say("decision.approved", who=who, at=date(approvals[-1].at))


def state_reason_text(request: Request, limit: int = 1000) -> str:
    return mention_people(escape(request.state_reason, limit)) if request.state_reason else ""


def summary_line(request: Request) -> str:
    """One list line: id, state, who, gateway, target, ports; bounded to about 500 chars."""
    return say(
        "summary.line",
        request_id=code(request.id),
        state=state_label(request.state),
        requester=mention(request.requester.user_id),
        gateway=gateway_text(request),
        target=target_text(request).splitlines()[0],
        ports=ports_text(request, 120),
    )
