"""The emulator's mutable cloud: lookups and the MSE rule operations, apart from any wire format.

``Backend`` owns a working copy of the loaded estate and the counters that hand out MSE rule ids
and ECS rule ids. Adding an MSE gateway rule also authorizes the backend group in ECS, as MSE's
service-linked role does: an inbound TCP Accept whose source is the gateway's managed group, or
the gateway's vSwitch CIDR for an enterprise group (those cannot reference other groups). ECS
treats an identical inbound rule as already there, so an add whose rule exists is linked to that
rule; a cascading delete removes the linked rule (see ``Reading.CASCADE_REMOVES_LINKED_RULE``).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from bot.cloud.emulator.readings import Reading, Readings
from bot.cloud.emulator.state import (
    Cluster,
    Estate,
    Gateway,
    Instance,
    MseRule,
    NodePool,
    Permission,
    SecurityGroup,
)

MAX_PORT = 65535


class CloudError(Exception):
    """A provider error: HTTP status, the provider's code and message, as the real API sends."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message


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


def _mse_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class Backend:
    """The loaded estate plus everything changed since the last ``reset``."""

    def __init__(self, estate: Estate, readings: Readings | None = None) -> None:
        self.loaded = estate
        self.start_readings = readings or Readings()
        self.reset()

    def reset(self) -> None:
        self.estate = self.loaded.model_copy(deep=True)
        self.readings = self.start_readings
        next_mse_id = max((rule.id for rule in self.estate.mse_rules), default=0) + 1
        self._mse_ids = itertools.count(next_mse_id)
        self._ecs_rule_ids = itertools.count(1)
        for rule in self.estate.mse_rules:
            gateway, group = (
                self.gateway(rule.gateway_unique_id),
                self.group(rule.security_group_id),
            )
            if rule.ecs_rule_id is None and gateway is not None and group is not None:
                linked = self._identical(group, gateway, rule.port_range)
                rule.ecs_rule_id = linked.security_group_rule_id if linked else None

    # lookups -----------------------------------------------------------------------------------

    def gateway(self, gateway_unique_id: str) -> Gateway | None:
        return next(
            (g for g in self.estate.gateways if g.gateway_unique_id == gateway_unique_id), None
        )

    def group(self, security_group_id: str) -> SecurityGroup | None:
        return next(
            (g for g in self.estate.security_groups if g.security_group_id == security_group_id),
            None,
        )

    def cluster(self, cluster_id: str) -> Cluster | None:
        return next((c for c in self.estate.clusters if c.cluster_id == cluster_id), None)

    def node_pool(self, cluster: Cluster, nodepool_id: str) -> NodePool | None:
        return next((p for p in cluster.node_pools if p.nodepool_id == nodepool_id), None)

    def instances(self) -> list[Instance]:
        """Plain ECS instances, then cluster nodes as the ECS instances they are."""
        nodes = [
            Instance(
                instance_id=node.instance_id,
                name=f"{cluster.name}-{pool.name}-{node.instance_id}",
                vpc_id=cluster.vpc_id,
                private_ip=node.ip,
                security_group_ids=list(pool.security_group_ids),
            )
            for cluster in self.estate.clusters
            for pool in cluster.node_pools
            for node in pool.nodes
        ]
        return [*self.estate.instances, *nodes]

    def mse_rules(self, gateway_unique_id: str) -> list[MseRule]:
        return [r for r in self.estate.mse_rules if r.gateway_unique_id == gateway_unique_id]

    # MSE rule operations -----------------------------------------------------------------------

    def add_mse_rule(
        self, gateway: Gateway, security_group_id: str, port_range: str, description: str
    ) -> MseRule:
        parse_port_range(port_range)
        group = self.group(security_group_id)
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
        created = linked is None
        if linked is None:
            linked = self._authorize(group, gateway, port_range, description)
        # MSE takes no client token: a repeated add is a second record.
        rule = MseRule(
            id=next(self._mse_ids),
            gateway_unique_id=gateway.gateway_unique_id,
            security_group_id=security_group_id,
            port_range=port_range,
            description=description,
            gmt_create=_mse_timestamp(),
            ecs_rule_id=linked.security_group_rule_id,
            ecs_rule_created=created,
        )
        self.estate.mse_rules.append(rule)
        return rule

    def delete_mse_rule(self, gateway: Gateway, rule_id: int, cascade: bool) -> MseRule:
        rule = next((r for r in self.mse_rules(gateway.gateway_unique_id) if r.id == rule_id), None)
        if rule is None:
            raise CloudError(404, "NotFound", f"Security group rule {rule_id} not found.")
        self.estate.mse_rules.remove(rule)
        group = self.group(rule.security_group_id)
        removes = rule.ecs_rule_created or self.readings.strict(Reading.CASCADE_REMOVES_LINKED_RULE)
        if cascade and removes and group is not None and rule.ecs_rule_id is not None:
            group.permissions = [
                p for p in group.permissions if p.security_group_rule_id != rule.ecs_rule_id
            ]
        return rule

    def add_data(self, rule: MseRule) -> str:
        """AddSecurityGroupRule's ``Data``: the id, or (strict reading) the id issued before it,
        which may well name another gateway's or another group's record."""
        if self.readings.strict(Reading.ADD_DATA_NOT_THE_ID):
            return str(rule.id - 1)
        return str(rule.id)

    def _gateway_source(self, group: SecurityGroup, gateway: Gateway) -> dict[str, str]:
        if group.type == "enterprise":
            return {"source_group_id": "", "source_cidr_ip": gateway.vswitch_cidr}
        return {"source_group_id": gateway.security_group_id, "source_cidr_ip": ""}

    def _identical(
        self, group: SecurityGroup, gateway: Gateway, port_range: str
    ) -> Permission | None:
        """The inbound rule ECS would take for the one MSE is about to add, if there is one."""
        source = self._gateway_source(group, gateway)
        return next(
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

    def _authorize(
        self, group: SecurityGroup, gateway: Gateway, port_range: str, description: str
    ) -> Permission:
        permission = Permission(
            security_group_rule_id=f"sgr-emu{next(self._ecs_rule_ids):09d}",
            port_range=port_range,
            description=description,
            create_time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **self._gateway_source(group, gateway),
        )
        group.permissions.append(permission)
        return permission

    # admin -------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "region_id": self.estate.region_id,
            "names": {
                **{g.gateway_unique_id: g.name for g in self.estate.gateways},
                **{g.security_group_id: g.name for g in self.estate.security_groups},
            },
            "mse_rules": {
                gateway.gateway_unique_id: [
                    rule.model_dump() for rule in self.mse_rules(gateway.gateway_unique_id)
                ]
                for gateway in self.estate.gateways
            },
            "security_groups": {
                group.security_group_id: [p.model_dump() for p in group.permissions]
                for group in self.estate.security_groups
            },
        }
