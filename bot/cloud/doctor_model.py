"""The connectivity doctor's values: what it found (``Facts``) and what it concluded.

``Facts`` is everything read from the cloud for one ``check``: the gateway and its group, each
endpoint of the target with the groups that decide its traffic, the ports, every group's
inbound rules and the gateway's MSE authorizations. ``Diagnosis`` is what
``bot.cloud.doctor_report.diagnose`` makes of them, per endpoint and port, plus the causes
from the FAQ that apply and what the doctor cannot see. ``Diagnosis.document`` is the JSON the
command line prints; Slack draws the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.catalogue import say
from bot.cloud.port import Gateway, GatewayRule, IngressRule, SecurityGroup
from vocabulary.commands import PortRange


class CauseKind(StrEnum):
    NO_ENDPOINTS = "no_endpoints"  # the service is down or scaled to zero: nothing to reach
    GATEWAY_NOT_RUNNING = "gateway_not_running"
    WRONG_NODE = "wrong_node"  # authorized groups none of the endpoints is in
    SEVERAL_GROUPS = "several_groups"  # an endpoint in several groups, only some authorized
    PORT_CHANGED = "port_changed"  # a rule for a port the service no longer uses
    NEW_NODE = "new_node"  # a node whose groups differ from its pool's template
    TYPE_MISMATCH = "type_mismatch"
    OTHER_VPC = "other_vpc"
    UNTRACED = "untraced"  # an address no instance or ENI in the VPC holds


@dataclass(frozen=True)
class Endpoint:
    """One thing traffic lands on: ``via`` reads like ``ECS i-…``, ``node i-… of np-web``.

    ``template_ids`` are the groups its node pool gives new nodes (None: not a pool node);
    ``pool_id`` is None for a node outside any pool.
    """

    ip: str | None
    via: str
    group_ids: tuple[str, ...]
    pool_id: str | None = None
    template_ids: tuple[str, ...] | None = None
    is_node: bool = False
    joined_at: datetime | None = None  # a node's creation time, when the cloud gives it


@dataclass(frozen=True)
class Facts:
    gateway: Gateway
    gateway_group: SecurityGroup
    target: str
    endpoints: tuple[Endpoint, ...]
    ports: tuple[PortRange, ...]
    groups: dict[str, SecurityGroup]
    ingress: dict[str, list[IngressRule]]
    rules: tuple[GatewayRule, ...]
    ports_from_service: bool = False
    notes: tuple[str, ...] = ()
    region_id: str = ""


@dataclass(frozen=True)
class PortCheck:
    """Whether one port range of one endpoint is let in, and by (or despite) what."""

    ports: PortRange
    covered: bool
    why: str
    group_id: str | None = None
    mse_rule_id: int | None = None
    ingress_rule_id: str | None = None
    request_id: str | None = None  # the sgbot request that made the deciding authorization


@dataclass(frozen=True)
class EndpointCheck:
    endpoint: Endpoint
    ports: tuple[PortCheck, ...]

    @property
    def blocked(self) -> bool:
        return any(not p.covered for p in self.ports)


@dataclass(frozen=True)
class Cause:
    kind: CauseKind
    text: str


@dataclass(frozen=True)
class Diagnosis:
    gateway: Gateway
    target: str
    ports: tuple[PortRange, ...]
    endpoints: tuple[EndpointCheck, ...]
    causes: tuple[Cause, ...]
    missing: tuple[tuple[str, PortRange], ...]  # (group, ports) no rule of that group allows
    cannot_see: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    region_id: str = ""

    @property
    def blocked(self) -> tuple[EndpointCheck, ...]:
        return tuple(e for e in self.endpoints if e.blocked)

    @property
    def reachable(self) -> bool:
        return bool(self.endpoints) and not self.blocked

    @property
    def verdict(self) -> str:
        if not self.endpoints:
            return say("doctor.verdict.no_endpoints")
        if self.reachable:
            return say("doctor.verdict.reachable")
        count = len(self.blocked)
        key = "doctor.verdict.blocked_one" if count == 1 else "doctor.verdict.blocked"
        return say(key, count=count, total=len(self.endpoints))

    def missing_requests(self) -> list[tuple[tuple[str, ...], tuple[PortRange, ...]]]:
        """``missing`` as few (groups, ports) requests as cover exactly those pairs: groups
        missing the same ports share one request; the rest get one each."""
        by_group: dict[str, list[PortRange]] = {}
        for group_id, one in self.missing:
            by_group.setdefault(group_id, []).append(one)
        by_ports: dict[tuple[PortRange, ...], list[str]] = {}
        for group_id, held in by_group.items():
            by_ports.setdefault(tuple(held), []).append(group_id)
        return [(tuple(groups), ports) for ports, groups in by_ports.items()]

    def document(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready values, for the command line and for CI."""
        return {
            "gateway": {
                "id": self.gateway.unique_id,
                "name": self.gateway.name,
                "security_group_id": self.gateway.security_group_id,
                "region": self.region_id,
            },
            "target": self.target,
            "ports": [str(p) for p in self.ports],
            "reachable": self.reachable,
            "verdict": self.verdict,
            "endpoints": [
                {
                    "ip": e.endpoint.ip,
                    "via": e.endpoint.via,
                    "security_groups": list(e.endpoint.group_ids),
                    "ports": [
                        {
                            "ports": str(p.ports),
                            "covered": p.covered,
                            "why": p.why,
                            "security_group_id": p.group_id,
                            "mse_rule_id": p.mse_rule_id,
                            "ingress_rule_id": p.ingress_rule_id,
                            "request_id": p.request_id,
                        }
                        for p in e.ports
                    ],
                }
                for e in self.endpoints
            ],
            "causes": [{"kind": c.kind.value, "text": c.text} for c in self.causes],
            "missing": [{"security_group_id": g, "ports": str(p)} for g, p in self.missing],
            "cannot_see": list(self.cannot_see),
            "notes": list(self.notes),
        }
