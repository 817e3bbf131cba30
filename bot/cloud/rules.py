"""Gateway rules: list them with group names, add one exactly once, delete by id or by match.

MSE's AddSecurityGroupRule has no idempotency token, a call that timed out may still commit
seconds later (MSE writes the ECS rule through its service-linked role), and its ``Data`` is
not documented to be the new record's id. So ``ensure_rule`` lists before it adds; after a
timed-out or ambiguous write it re-lists patiently (1, 2, 4 and 8 s) and, if the write did not
land, raises rather than sending it again: a cloud call is re-sent at two levels only, the
transport for reads and the job for whole steps (``approvals.job_context.with_retries``),
whose next pass lists before it adds. It
reads the id of what it created from a listing: among the ``sgbot REQ-…`` records for that
(group, range) the oldest is kept and younger duplicates (from a worker that lost its lease)
are deleted without cascade, because they share the one ECS rule with the kept record.
Deletes cascade to the backend group's inbound rule unless the caller keeps it. How a write is
confirmed lives in ``bot.cloud.rule_writes``; this module is the public face.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence

from bot.catalogue import say
from bot.cloud.port import CloudPort, GatewayRule, IngressRule
from bot.cloud.retry import RetryPolicy
from bot.cloud.rule_writes import (
    EPOCH,
    PATIENCE,
    SGBOT_DESCRIPTION,
    BeforeWrite,
    EnsuredRule,
    Writes,
    candidates,
    is_sgbot_description,
    may_have_landed,
)
from vocabulary.commands import PortRange
from vocabulary.errors import CloudError, NotFound

logger = logging.getLogger(__name__)


async def list_rules(cloud: CloudPort, gateway_id: str) -> list[GatewayRule]:
    """The gateway's TCP rules, ordered by id, each with its group's name (one extra call)."""
    rules = await cloud.list_rules(gateway_id)
    group_ids = list(dict.fromkeys(r.security_group_id for r in rules))
    groups = await cloud.describe_security_groups(group_ids) if group_ids else []
    names = {g.security_group_id: g.name for g in groups}
    return sorted(
        (dataclasses.replace(r, security_group_name=names.get(r.security_group_id)) for r in rules),
        key=lambda r: r.rule_id,
    )


def find_rule(rules: Iterable[GatewayRule], group_id: str, ports: PortRange) -> GatewayRule | None:
    """The rule for exactly this group and port range, if any."""
    return next((r for r in rules if r.security_group_id == group_id and r.ports == ports), None)


def identical_ingress_rules(
    rules: Iterable[IngressRule],
    source_group_id: str | None,
    ports: PortRange,
    *,
    source_cidrs: Sequence[str] = (),
    any_cidr: bool = False,
) -> list[IngressRule]:
    """The inbound rules ECS would treat as identical to the one MSE would create, oldest first.

    That is ingress, Accept, TCP, exactly ``ports``, from the gateway's group (basic groups) or
    from one of the CIDRs MSE authorizes (``source_cidrs``, enterprise groups). ``any_cidr``
    counts every CIDR source: for an enterprise group whose authorized CIDRs are not known,
    a rule that might be the one MSE links to is treated as if it were.
    """
    cidrs = {c for c in source_cidrs if c}
    matches = [
        rule
        for rule in rules
        if rule.policy.casefold() == "accept"
        and rule.ip_protocol.upper() == "TCP"
        and rule.port_range == ports.mse
        and (
            (source_group_id is not None and rule.source_group_id == source_group_id)
            or (rule.source_cidr_ip is not None and (any_cidr or rule.source_cidr_ip in cidrs))
        )
    ]
    return sorted(matches, key=lambda r: (r.created_at or EPOCH, r.rule_id))


def find_identical_ingress(
    rules: Iterable[IngressRule],
    source_group_id: str | None,
    ports: PortRange,
    *,
    source_cidrs: Sequence[str] = (),
    any_cidr: bool = False,
) -> IngressRule | None:
    """The oldest of ``identical_ingress_rules``, if any."""
    found = identical_ingress_rules(
        rules, source_group_id, ports, source_cidrs=source_cidrs, any_cidr=any_cidr
    )
    return found[0] if found else None


async def ensure_rule(
    cloud: CloudPort,
    gateway_id: str,
    group_id: str,
    ports: PortRange,
    description: str,
    *,
    retry: RetryPolicy | None = None,
    before_write: BeforeWrite | None = None,
    patience: Sequence[float] = PATIENCE,
) -> EnsuredRule:
    """Make sure a rule for (group, ports) exists, adding it at most once per confirmed absence.

    ``before_write`` is awaited immediately before every add and delete; it raises to stop.
    """
    retry = retry or RetryPolicy()
    writes = Writes(cloud, gateway_id, retry, before_write, patience)
    listed = await cloud.list_rules(gateway_id)
    existing = find_rule(listed, group_id, ports)
    if existing is not None:
        ours = candidates(listed, group_id, ports, description)
        if len(ours) > 1:  # an earlier add committed after its worker had moved on
            return await writes.settle(group_id, ports, description, None, ours, existing=True)
        kept = (ours or [existing])[0]
        return EnsuredRule(
            kept.rule_id, created=False, request_id=None, description=kept.description
        )
    await writes.before()
    try:
        added = await cloud.add_rule(gateway_id, group_id, ports, description)
    except CloudError as exc:
        if not may_have_landed(exc):
            raise
        logger.warning(
            "add rule %s %s on %s failed (%s); checking whether it landed",
            group_id, ports.mse, gateway_id, exc.code,
        )  # fmt: skip
        landed = await writes.wait_for(
            lambda listing: candidates(listing.tcp, group_id, ports, description) or None
        )
        if landed is None:
            raise
        return await writes.settle(group_id, ports, description, None, landed)
    return await writes.settle(group_id, ports, description, added)


async def delete_rule(
    cloud: CloudPort,
    gateway_id: str,
    rule_id: int,
    *,
    keep_backend_rule: bool = False,
    before_write: BeforeWrite | None = None,
    retry: RetryPolicy | None = None,
    patience: Sequence[float] = PATIENCE,
) -> str:
    """Delete one rule by id; by default MSE also removes the backend group's inbound rule.

    A delete that timed out is checked patiently; if the rule is gone by then this raises
    ``NotFound`` (the rule is already deleted), else the error is raised for the job to retry.
    """
    writes = Writes(cloud, gateway_id, retry or RetryPolicy(), before_write, patience)
    request_id = await writes.delete(rule_id, cascade=not keep_backend_rule)
    if request_id is None:
        raise NotFound(say("rules.gone", rule=rule_id, gateway=gateway_id))
    return request_id


async def delete_matching(
    cloud: CloudPort,
    gateway_id: str,
    group_id: str,
    ports: PortRange,
    *,
    keep_backend_rule: bool = False,
) -> tuple[int, str]:
    """Find the rule for exactly (group, ports) and delete it; returns (rule id, request id)."""
    rule = find_rule(await cloud.list_rules(gateway_id), group_id, ports)
    if rule is None:
        raise NotFound(say("rules.none_for", gateway=gateway_id, group=group_id, ports=ports))
    request_id = await delete_rule(
        cloud, gateway_id, rule.rule_id, keep_backend_rule=keep_backend_rule
    )
    return rule.rule_id, request_id


__all__ = [
    "PATIENCE",
    "SGBOT_DESCRIPTION",
    "BeforeWrite",
    "EnsuredRule",
    "delete_matching",
    "delete_rule",
    "ensure_rule",
    "find_identical_ingress",
    "find_rule",
    "identical_ingress_rules",
    "is_sgbot_description",
    "list_rules",
]
