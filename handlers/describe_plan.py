"""Safe ``mrkdwn`` lines about a request's rule changes: the plan before, the results after.

Split from ``handlers.describe`` so each stays small; ``describe`` re-exports both.
"""

from __future__ import annotations

from approvals.model import Request, RuleAction, RuleOutcome
from bot.catalogue import say
from handlers.mrkdwn import code, escape


def plan_lines(request: Request) -> list[str]:
    lines: list[str] = []
    for planned in request.plan:
        where = {"group": code(planned.security_group_id), "ports": str(planned.port_range)}
        if planned.action is RuleAction.ADD:
            if planned.backend_rule is not None:
                backend = code(planned.backend_rule.rule_id)
                lines.append(say("plan.add_linked", backend=backend, **where))
            else:
                lines.append(say("plan.add", **where))
        elif planned.action is RuleAction.SKIP:
            if planned.existing_rule_id is not None:
                rule = code(str(planned.existing_rule_id))
                lines.append(say("plan.skip_rule", rule=rule, **where))
            else:
                lines.append(say("plan.skip", **where))
        elif planned.action is RuleAction.DELETE:
            rule = (
                code(str(planned.existing_rule_id))
                if planned.existing_rule_id
                else say("plan.the_rule")
            )
            if planned.reason:
                why = escape(planned.reason, 400)
                lines.append(say("plan.delete_because", rule=rule, why=why, **where))
            else:
                lines.append(say("plan.delete", rule=rule, **where))
        else:
            why = escape(planned.reason, 300) if planned.reason else say("plan.preflight")
            lines.append(say("plan.refuse", why=why, **where))
    return lines


def result_lines(request: Request) -> list[str]:
    lines: list[str] = []
    for result in request.results:
        rule = (
            say("result.rule", rule=code(str(result.rule_id)))
            if result.rule_id is not None
            else say("result.a_rule")
        )
        where = {
            "group": code(result.security_group_id),
            "ports": str(result.port_range),
            "rule": rule,
        }
        backend = code(result.backend_rule.rule_id) if result.backend_rule is not None else None
        if result.outcome is RuleOutcome.CREATED:
            if backend:
                lines.append(say("result.created_linked", backend=backend, **where))
            else:
                lines.append(say("result.created", **where))
        elif result.outcome is RuleOutcome.EXISTED:
            lines.append(say("result.existed", **where))
        elif result.outcome is RuleOutcome.FOUND:
            lines.append(say("result.found", **where))
        elif result.outcome is RuleOutcome.DELETED:
            if backend:
                lines.append(say("result.deleted_remains", backend=backend, **where))
            else:
                lines.append(say("result.deleted", **where))
        else:
            error = escape(result.error, 300) if result.error else say("result.cloud_refused")
            lines.append(say("result.failed", error=error, **where))
    return lines
