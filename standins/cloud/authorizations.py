"""MSE gateway rules and the ECS rules MSE makes for them, as MSE's service-linked role does.

Adding a record authorizes the backend group in ECS: an inbound TCP Accept whose source is the
gateway's managed group, or — enterprise groups cannot reference groups — one per gateway
vSwitch CIDR. ECS treats an identical inbound rule as already there, so an add whose rule
exists is *linked* to that rule; a cascading delete removes the linked rules (all of them, or
only those the record's add created: ``Reading.CASCADE_REMOVES_LINKED_RULE``). Basic groups
hold at most 20 rules that reference another group (``Reading.GROUP_RULE_QUOTA``). Writes to a
gateway that is not running are refused.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from standins.cloud.errors import CloudError
from standins.cloud.readings import Reading
from standins.cloud.state import Gateway, MseRule, Permission, SecurityGroup

if TYPE_CHECKING:
    from standins.cloud.backend import Backend

MAX_PORT = 65535
GROUP_RULE_QUOTA = 20
RUNNING = 2


def parse_port_range(port_range: str) -> tuple[int, int]:
    """``start/end`` with 1 <= start <= end <= 65535, else MSE's ``InvalidParameter``."""
    start_text, slash, end_text = port_range.partition("/")
    try:
        start, end = int(start_text), int(end_text)
    except ValueError:
        start = end = 0
    if not slash or not 1 <= start <= end <= MAX_PORT:
        raise CloudError(
            400, "InvalidParameter", f"PortRange {port_range!r} must be start/end in 1-65535."
        )
    return start, end


def gateway_cidrs(gateway: Gateway) -> list[str]:
    """The CIDRs MSE authorizes for the gateway in an enterprise group: its vSwitches'."""
    return [c for c in (gateway.vswitch_cidr, gateway.vswitch2_cidr) if c]


def _now(pattern: str) -> str:
    return datetime.now(UTC).strftime(pattern)


class Authorizations:
    """The MSE rule operations over one backend's estate, with the id counters they use."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        rules = backend.estate.mse_rules
        self._mse_ids = itertools.count(max((rule.id for rule in rules), default=0) + 1)
        self._ecs_rule_ids = itertools.count(1)
        for rule in rules:  # link the estate's records to their identical inbound rules
            gateway, group = (
                backend.gateway(rule.gateway_unique_id),
                backend.group(rule.security_group_id),
            )
            if not rule.ecs_rule_ids and gateway is not None and group is not None:
                rule.ecs_rule_ids = [
                    p.security_group_rule_id
                    for p in self._identical(group, gateway, rule.port_range)
                ]

    def add(
        self, gateway: Gateway, security_group_id: str, port_range: str, description: str
    ) -> MseRule:
        _require_running(gateway)
        parse_port_range(port_range)
        group = self.backend.group(security_group_id)
        if group is None:
            raise CloudError(404, "NotFound", f"Security group {security_group_id} not found.")
        if group.vpc_id != gateway.vpc_id:
            raise CloudError(
                400,
                "InvalidParameter",
                f"Security group {security_group_id} is not in the gateway's VPC {gateway.vpc_id}.",
            )
        # ECS AuthorizeSecurityGroup treats an identical rule as already there: link to it.
        linked = self._identical(group, gateway, port_range)
        created: list[Permission] = []
        if not linked:
            self._check_quota(group)
            created = [
                self._authorize(group, port_range, description, source)
                for source in self._sources(group, gateway)
            ]
        # MSE takes no client token: a repeated add is a second record.
        rule = MseRule(
            id=next(self._mse_ids),
            gateway_unique_id=gateway.gateway_unique_id,
            security_group_id=security_group_id,
            port_range=port_range,
            description=description,
            gmt_create=_now("%Y-%m-%dT%H:%M:%S.000+0000"),
            ecs_rule_ids=[p.security_group_rule_id for p in linked or created],
            ecs_rule_created=bool(created),
        )
        self.backend.estate.mse_rules.append(rule)
        return rule

    def delete(self, gateway: Gateway, rule_id: int, cascade: bool) -> MseRule:
        _require_running(gateway)
        rules = self.backend.mse_rules(gateway.gateway_unique_id)
        rule = next((r for r in rules if r.id == rule_id), None)
        if rule is None:
            raise CloudError(404, "NotFound", f"Security group rule {rule_id} not found.")
        self.backend.estate.mse_rules.remove(rule)
        group = self.backend.group(rule.security_group_id)
        strict = self.backend.readings.strict(Reading.CASCADE_REMOVES_LINKED_RULE)
        if cascade and (rule.ecs_rule_created or strict) and group is not None:
            linked = set(rule.ecs_rule_ids)
            group.permissions = [
                p for p in group.permissions if p.security_group_rule_id not in linked
            ]
        return rule

    def add_data(self, rule: MseRule) -> str:
        """AddSecurityGroupRule's ``Data``: the id, or (strict reading) the id issued before it,
        which may well name another group's record."""
        if self.backend.readings.strict(Reading.ADD_DATA_NOT_THE_ID):
            return str(rule.id - 1)
        return str(rule.id)

    def auth_cidrs(self, gateway: Gateway, rule: MseRule) -> list[str]:
        """ListSecurityGroupRule's ``AuthCidrs``: the doc example's ``[""]`` (strict reading),
        or the CIDRs an enterprise group was authorized for."""
        if self.backend.readings.strict(Reading.AUTH_CIDRS_BLANK):
            return [""]
        group = self.backend.group(rule.security_group_id)
        return gateway_cidrs(gateway) if group is not None and group.type == "enterprise" else []

    def _sources(self, group: SecurityGroup, gateway: Gateway) -> list[dict[str, str]]:
        if group.type == "enterprise":
            return [{"source_group_id": "", "source_cidr_ip": c} for c in gateway_cidrs(gateway)]
        return [{"source_group_id": gateway.security_group_id, "source_cidr_ip": ""}]

    def _identical(
        self, group: SecurityGroup, gateway: Gateway, port_range: str
    ) -> list[Permission]:
        """The inbound rules ECS would take for the ones MSE is about to add, if all exist."""
        found = []
        for source in self._sources(group, gateway):
            match = next(
                (
                    p
                    for p in group.permissions
                    if p.direction == "ingress"
                    and p.policy == "Accept"
                    and p.ip_protocol.upper() == "TCP"
                    and p.port_range == port_range
                    and p.source_group_id == source["source_group_id"]
                    and p.source_cidr_ip == source["source_cidr_ip"]
                ),
                None,
            )
            if match is None:
                return []
            found.append(match)
        return found

    def _check_quota(self, group: SecurityGroup) -> None:
        if group.type != "normal" or not self.backend.readings.strict(Reading.GROUP_RULE_QUOTA):
            return
        if self.backend.group_to_group_rules(group) >= GROUP_RULE_QUOTA:
            raise CloudError(
                400,
                "AuthorizationLimitExceed",
                f"Security group {group.security_group_id} already has {GROUP_RULE_QUOTA} rules "
                "that reference other security groups, the most a basic group may hold.",
            )

    def _authorize(
        self, group: SecurityGroup, port_range: str, description: str, source: dict[str, str]
    ) -> Permission:
        permission = Permission(
            security_group_rule_id=f"sgr-emu{next(self._ecs_rule_ids):09d}",
            port_range=port_range,
            description=description,
            create_time=_now("%Y-%m-%dT%H:%M:%SZ"),
            **source,
        )
        group.permissions.append(permission)
        return permission


def _require_running(gateway: Gateway) -> None:
    if gateway.status != RUNNING:
        raise CloudError(
            400,
            "IllegalRequest",
            f"The gateway {gateway.gateway_unique_id} is not running (status {gateway.status}).",
        )
