"""The FAQ's *new node* cause, second half: a node that joined after the grant.

The first half (``doctor_causes.new_node``) catches nodes whose groups differ from their
pool's template. A node can also carry exactly its pool's groups and still be blocked: the pool
was added, or its template changed, after the authorization that covers the other endpoints.
The signal is time: a blocked node created after the newest authorization for the asked ports
on the target's groups joined after the grant, so the grant never knew its groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.catalogue import say
from bot.cloud.doctor_coverage import overlaps, served_groups
from bot.cloud.doctor_model import Cause, CauseKind, EndpointCheck, Facts
from bot.cloud.port import GatewayRule
from bot.cloud.resolve_k8s import listed

TIME_LAYOUT = "%Y-%m-%d %H:%M UTC"


def newest_grant(facts: Facts) -> GatewayRule | None:
    """The latest dated authorization on the asked ports for a group the target is in."""
    groups = set(served_groups(facts))
    dated = [
        rule
        for rule in facts.rules
        if rule.gmt_create is not None
        and rule.security_group_id in groups
        and any(overlaps(rule.ports, port) for port in facts.ports)
    ]
    return max(dated, key=_created, default=None)


def joined_after_grant(facts: Facts, checks: Sequence[EndpointCheck]) -> list[Cause]:
    grant = newest_grant(facts)
    if grant is None or grant.gmt_create is None:
        return []
    late = [
        c.endpoint
        for c in checks
        if c.blocked
        and c.endpoint.is_node
        and c.endpoint.joined_at is not None
        and c.endpoint.joined_at > grant.gmt_create
    ]
    if not late:
        return []
    nodes = [
        say(
            "doctor.cause.joined_node",
            node=e.via,
            joined=e.joined_at.strftime(TIME_LAYOUT) if e.joined_at else "",
            groups=", ".join(e.group_ids),
        )
        for e in late
    ]
    return [
        Cause(
            CauseKind.NEW_NODE,
            say(
                "doctor.cause.joined_after_grant",
                rule_id=grant.rule_id,
                granted=grant.gmt_create.strftime(TIME_LAYOUT),
                nodes=listed(nodes, "; "),
            ),
        )
    ]


def _created(rule: GatewayRule) -> datetime:
    assert rule.gmt_create is not None  # filtered above
    return rule.gmt_create
