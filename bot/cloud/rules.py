"""Gateway rules: list them with group names, add one exactly once, delete by id or by match.

MSE's AddSecurityGroupRule has no idempotency token, and a call that timed out may still have
created the rule. So ``ensure_rule`` never repeats an add blindly: it lists first, and after a
transient failure it lists again and treats a rule that appeared as its own. Deletes cascade to
the backend group's inbound rule unless the caller keeps it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from bot.cloud.port import CloudPort, GatewayRule
from bot.cloud.retry import RetryPolicy
from bot.commands import PortRange
from bot.errors import CloudError, NotFound

logger = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class EnsuredRule:
    """``created`` False: the rule was already there. ``request_id`` None: no add answered."""

    rule_id: int
    created: bool
    request_id: str | None


async def list_rules(cloud: CloudPort, gateway_id: str) -> list[GatewayRule]:
    """The gateway's rules, ordered by id, each with its group's name (one extra call)."""
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


async def ensure_rule(
    cloud: CloudPort,
    gateway_id: str,
    group_id: str,
    ports: PortRange,
    description: str,
    *,
    retry: RetryPolicy | None = None,
    attempts: int = WRITE_ATTEMPTS,
) -> EnsuredRule:
    """Make sure a rule for (group, ports) exists, adding it at most once per confirmed absence."""
    retry = retry or RetryPolicy()
    existing = find_rule(await cloud.list_rules(gateway_id), group_id, ports)
    if existing is not None:
        return EnsuredRule(existing.rule_id, created=False, request_id=None)
    failures = 0
    while True:
        try:
            added = await cloud.add_rule(gateway_id, group_id, ports, description)
        except CloudError as exc:
            failures += 1
            if not exc.transient or failures >= attempts:
                raise
            logger.warning(
                "add rule %s %s on %s failed (%s); checking before retrying",
                group_id, ports.mse, gateway_id, exc.code,
            )  # fmt: skip
            await retry.pause(failures - 1)
            # The failed add may have landed: only a fresh listing can tell.
            landed = find_rule(await cloud.list_rules(gateway_id), group_id, ports)
            if landed is not None:
                return EnsuredRule(landed.rule_id, created=True, request_id=None)
            continue
        return EnsuredRule(added.rule_id, created=True, request_id=added.request_id)


async def delete_rule(
    cloud: CloudPort, gateway_id: str, rule_id: int, *, keep_backend_rule: bool = False
) -> str:
    """Delete one rule by id; by default MSE also removes the backend group's inbound rule."""
    return await cloud.delete_rule(gateway_id, rule_id, cascade=not keep_backend_rule)


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
        raise NotFound(f"gateway {gateway_id} has no rule for {group_id} ports {ports}")
    request_id = await delete_rule(
        cloud, gateway_id, rule.rule_id, keep_backend_rule=keep_backend_rule
    )
    return rule.rule_id, request_id
