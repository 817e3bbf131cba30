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
    RuleAction,
    RuleOutcome,
    Verdict,
    merge_port_ranges,
)
from handlers.mrkdwn import code, date, escape, fit_lines, mention
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
_RISK_LABELS = {
    RiskFlag.ALL_PORTS: ":rotating_light: all ports",
    RiskFlag.BROAD: ":warning: broad port range",
    RiskFlag.SENSITIVE_PORT: ":warning: sensitive port",
}
_STATE_LABELS = {
    RequestState.RECEIVED: ":inbox_tray: received",
    RequestState.RESOLVING: ":mag: resolving",
    RequestState.PENDING: ":hourglass_flowing_sand: pending approval",
    RequestState.REJECTED: ":no_entry: rejected",
    RequestState.APPROVED: ":white_check_mark: approved",
    RequestState.APPLYING: ":gear: applying",
    RequestState.APPLIED: ":white_check_mark: applied",
    RequestState.PARTLY_APPLIED: ":warning: partly applied",
    RequestState.FAILED: ":x: failed",
    RequestState.DENIED: ":no_entry_sign: denied",
    RequestState.EXPIRED: ":hourglass: expired",
    RequestState.CANCELLED: ":heavy_minus_sign: cancelled",
    RequestState.REVOKING: ":gear: revoking",
    RequestState.REVOKED: ":wastebasket: revoked",
}


def state_label(state: RequestState) -> str:
    return _STATE_LABELS[state]


def human_duration(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    for unit, size in _UNITS:
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def time_left(until: datetime, now: datetime) -> str:
    """``in 3 hours`` rounded down to the largest unit, or ``past due``."""
    left = until - now
    if left <= timedelta(0):
        return "past due"
    for unit, size in _UNITS[1:]:
        count = int(left.total_seconds()) // size
        if count >= 1:
            return f"in {count} {unit}{'' if count == 1 else 's'}"
    return "in under a second"


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
        return "the rule's ports" if isinstance(request.command, RevokeRule) else "—"
    shown: list[str] = []
    for index, port in enumerate(ports):
        more = f" and {len(ports) - index} more ranges"
        if len(", ".join([*shown, str(port)])) + len(more) > limit:
            return ", ".join(shown) + more
        shown.append(str(port))
    return ", ".join(shown)


def gateway_text(request: Request) -> str:
    if request.gateway_id is not None:
        name = code(request.gateway_name, NAME_LIMIT) if request.gateway_name else ""
        return f"{name} ({code(request.gateway_id)})" if name else code(request.gateway_id)
    command = request.command
    if isinstance(command, RevokeRequest):
        return f"the gateway of {code(command.request_id)}"
    return code(command.gateway.value, NAME_LIMIT)


def _target(target: Target) -> str:
    match target:
        case ServiceTarget():
            name = f"{target.name}.{target.namespace}" if target.namespace else target.name
            return f"service {code(name, NAME_LIMIT)}"
        case SecurityGroupTarget():
            return f"security group {code(target.security_group_id)}"
        case SecurityGroupsTarget():
            return "security groups " + ", ".join(code(g) for g in target.security_group_ids)
        case InstanceTarget():
            return f"instance {code(target.instance_id)}"
        case ClusterTarget():
            return f"cluster {code(target.cluster_id)}"
        case NodePoolTarget():
            return f"node pool {code(target.nodepool_id)} of cluster {code(target.cluster_id)}"


def target_text(request: Request) -> str:
    """What the requester named, then how it led to the security groups."""
    command = request.command
    if isinstance(command, Authorize | RevokeTarget):
        named = _target(command.target)
    elif isinstance(command, RevokeRule):
        keep = " (keeping the backend rule)" if command.keep_backend_rule else ""
        named = f"rule {code(str(command.rule_id))}{keep}"
    else:
        named = f"the grant of {code(command.request_id)}"
    if request.resolution_path:
        return f"{named}\n_via_ {escape(request.resolution_path, 600)}"
    return named


def groups_text(request: Request, limit: int) -> str:
    if not request.groups:
        return "not resolved yet" if request.state is RequestState.RESOLVING else "—"
    lines = [
        f"{code(group.security_group_id)} {code(group.name, NAME_LIMIT)}"
        if group.name
        else code(group.security_group_id)
        for group in request.groups
    ]
    return fit_lines(lines, limit, noun="more groups")


def duration_text(request: Request) -> str:
    command = request.command
    duration = request.duration
    if duration is None and isinstance(command, Authorize):
        duration = command.duration
    if not isinstance(command, Authorize):
        return "—"
    if duration is None:
        return "permanent"
    if request.grant_expires_at is not None:
        return f"{human_duration(duration)}, ends {date(request.grant_expires_at)}"
    return f"{human_duration(duration)}, ending {human_duration(duration)} after it is applied"


def reason_text(request: Request) -> str:
    command = request.command
    reason = request.reason
    if reason is None and isinstance(command, Authorize):
        reason = command.reason
    return escape(reason, REASON_LIMIT) if reason else "_none given_"


def risk_text(request: Request) -> str:
    return ", ".join(_RISK_LABELS[flag] for flag in request.risk_flags) or "none"


def quorum_text(request: Request) -> str:
    approvers = request.approvers
    text = f"{len(approvers)} of {request.required_approvals} approvals"
    if approvers:
        text += ": " + ", ".join(mention(actor.user_id) for actor in approvers)
    return text


def plan_lines(request: Request) -> list[str]:
    lines: list[str] = []
    for planned in request.plan:
        where = f"{code(planned.security_group_id)} port {planned.port_range}"
        if planned.action is RuleAction.ADD:
            linked = (
                f" — links to the existing {code(planned.backend_rule.rule_id)}, which sgbot did"
                " not create and keeps when this access ends"
                if planned.backend_rule is not None
                else ""
            )
            lines.append(f":heavy_plus_sign: add {where}{linked}")
        elif planned.action is RuleAction.SKIP:
            covered = (
                f"rule {code(str(planned.existing_rule_id))}"
                if planned.existing_rule_id is not None
                else "an existing rule"
            )
            lines.append(f":fast_forward: skip {where} — already covered by {covered}")
        elif planned.action is RuleAction.DELETE:
            rule = code(str(planned.existing_rule_id)) if planned.existing_rule_id else "the rule"
            why = f" — {escape(planned.reason, 400)}" if planned.reason else ""
            lines.append(f":heavy_minus_sign: delete {rule} ({where}){why}")
        else:
            why = escape(planned.reason, 300) if planned.reason else "refused by pre-flight"
            lines.append(f":no_entry: refuse {where} — {why}")
    return lines


def result_lines(request: Request) -> list[str]:
    lines: list[str] = []
    for result in request.results:
        where = f"{code(result.security_group_id)} port {result.port_range}"
        rule = f"rule {code(str(result.rule_id))}" if result.rule_id is not None else "a rule"
        backend = code(result.backend_rule.rule_id) if result.backend_rule is not None else None
        if result.outcome is RuleOutcome.CREATED:
            linked = f", linked to the existing {backend}" if backend else ""
            lines.append(f":white_check_mark: created {rule} for {where}{linked}")
        elif result.outcome is RuleOutcome.EXISTED:
            lines.append(f":fast_forward: {rule} already allowed {where}")
        elif result.outcome is RuleOutcome.FOUND:
            lines.append(
                f":fast_forward: {rule} already allowed {where}; sgbot did not create it, "
                "so it stays when this grant ends"
            )
        elif result.outcome is RuleOutcome.DELETED:
            remains = (
                f"; access remains through {backend}, which sgbot did not create" if backend else ""
            )
            lines.append(f":wastebasket: deleted {rule} for {where}{remains}")
        else:
            error = escape(result.error, 300) if result.error else "the cloud refused"
            lines.append(f":x: {where} failed: {error}")
    return lines


def decision_text(request: Request) -> str | None:
    """Who decided and when: the deny, or the approvals that reached quorum."""
    denials = [d for d in request.decisions if d.verdict is Verdict.DENY]
    if denials:
        denial = denials[-1]
        why = f": {escape(denial.reason, REASON_LIMIT)}" if denial.reason else ""
        return f"Denied by {mention(denial.actor.user_id)} {date(denial.at)}{why}"
    approvals = [d for d in request.decisions if d.verdict is Verdict.APPROVE]
    if not approvals or request.state in {RequestState.PENDING, RequestState.EXPIRED}:
        return None
    who = ", ".join(mention(actor.user_id) for actor in request.approvers)
    return f"Approved by {who} {date(approvals[-1].at)}"


def state_reason_text(request: Request, limit: int = 1000) -> str:
    return escape(request.state_reason, limit) if request.state_reason else ""


def summary_line(request: Request) -> str:
    """One list line: id, state, who, gateway, target, ports; bounded to about 500 chars."""
    return (
        f"{code(request.id)} {state_label(request.state)} · {mention(request.requester.user_id)}"
        f" · {gateway_text(request)} → {target_text(request).splitlines()[0]}"
        f" · ports {ports_text(request, 120)}"
    )
