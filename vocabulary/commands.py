"""Typed chat commands: what the grammar produces and every other layer consumes.

The models are frozen pydantic models with a ``kind`` discriminator, so a command can be
printed as JSON (``sgbot parse``), stored in Redis and compared for equality. They carry no
behaviour beyond small derived values; parsing lives in ``bot.grammar``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

GATEWAY_ID_RE = re.compile(r"gw-[0-9a-f]{32}")
REGION_RE = re.compile(r"(cn|ap|us|eu|me|na|sa)-[a-z]+(-[a-z]+)?(-\d+)?")
"""An Alibaba Cloud region id (``cn-hangzhou``, ``ap-southeast-1``): a shape no namespace has
next to ``gateway NAME in``, so ``in cn-shanghai`` after a gateway names its region."""
REQUEST_ID_RE = re.compile(r"REQ-[0-9A-HJKMNP-TV-Z]{5}")
MAX_PORT = 65535
MAX_REASON_CHARS = 500


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GatewayRef(_Frozen):
    """A gateway as the user named it: a unique id (``gw-`` + 32 hex) or an exact name."""

    value: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        return {"value": data} if isinstance(data, str) else data

    @model_serializer
    def _as_text(self) -> str:
        # Serialised as the bare string so JSON reads ``"gateway": "prod-gw"``.
        return self.value

    @property
    def is_unique_id(self) -> bool:
        return GATEWAY_ID_RE.fullmatch(self.value) is not None

    def __str__(self) -> str:
        return self.value


class PortRange(_Frozen):
    """An inclusive TCP port range; ``mse`` is the ``start/end`` form MSE stores."""

    start: int = Field(ge=1, le=MAX_PORT)
    end: int = Field(ge=1, le=MAX_PORT)

    @model_validator(mode="after")
    def _ordered(self) -> PortRange:
        if self.start > self.end:
            raise ValueError(f"port range {self.start}-{self.end} starts after it ends")
        return self

    @property
    def mse(self) -> str:
        return f"{self.start}/{self.end}"

    @property
    def width(self) -> int:
        return self.end - self.start + 1

    def covers(self, other: PortRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    @classmethod
    def from_mse(cls, text: str) -> PortRange:
        start, _, end = text.partition("/")
        return cls(start=int(start), end=int(end or start))

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


def merge_port_ranges(ranges: Iterable[PortRange]) -> tuple[PortRange, ...]:
    """Sorted ranges with overlapping and adjacent ones joined: ``80,81,80-90`` is ``80-90``."""
    merged: list[PortRange] = []
    for port_range in sorted(ranges, key=lambda item: (item.start, item.end)):
        if merged and port_range.start <= merged[-1].end + 1:
            last = merged[-1]
            merged[-1] = PortRange(start=last.start, end=max(last.end, port_range.end))
        else:
            merged.append(port_range)
    return tuple(merged)


class ServiceTarget(_Frozen):
    kind: Literal["service"] = "service"
    name: str = Field(min_length=1)
    namespace: str | None = None


class SecurityGroupTarget(_Frozen):
    kind: Literal["security_group"] = "security_group"
    security_group_id: str = Field(pattern=r"^sg-[0-9a-z]+$")


class SecurityGroupsTarget(_Frozen):
    """Several groups named at once (``sg-a, sg-b``), as the doctor's pre-filled request has."""

    kind: Literal["security_groups"] = "security_groups"
    security_group_ids: tuple[Annotated[str, Field(pattern=r"^sg-[0-9a-z]+$")], ...] = Field(
        min_length=2
    )


class InstanceTarget(_Frozen):
    kind: Literal["instance"] = "instance"
    instance_id: str = Field(pattern=r"^i-[0-9a-z]+$")


class ClusterTarget(_Frozen):
    kind: Literal["cluster"] = "cluster"
    cluster_id: str = Field(min_length=1)


class NodePoolTarget(_Frozen):
    kind: Literal["nodepool"] = "nodepool"
    nodepool_id: str = Field(min_length=1)
    cluster_id: str = Field(min_length=1)


Target = Annotated[
    ServiceTarget
    | SecurityGroupTarget
    | SecurityGroupsTarget
    | InstanceTarget
    | ClusterTarget
    | NodePoolTarget,
    Field(discriminator="kind"),
]


class Authorize(_Frozen):
    """Open ``ports`` from the gateway to ``target``; ``duration`` None means permanent."""

    kind: Literal["authorize"] = "authorize"
    gateway: GatewayRef
    region: str | None = Field(default=None, pattern=f"^{REGION_RE.pattern}$")  # None: any
    target: Target
    ports: tuple[PortRange, ...] = Field(min_length=1)
    duration: timedelta | None = None
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)


class RevokeTarget(_Frozen):
    kind: Literal["revoke_target"] = "revoke_target"
    gateway: GatewayRef
    region: str | None = Field(default=None, pattern=f"^{REGION_RE.pattern}$")  # None: any
    target: Target
    ports: tuple[PortRange, ...] = Field(min_length=1)


class RevokeRule(_Frozen):
    kind: Literal["revoke_rule"] = "revoke_rule"
    gateway: GatewayRef
    region: str | None = Field(default=None, pattern=f"^{REGION_RE.pattern}$")  # None: any
    rule_id: int = Field(ge=1)
    keep_backend_rule: bool = False


class RevokeRequest(_Frozen):
    kind: Literal["revoke_request"] = "revoke_request"
    request_id: str = Field(pattern=REQUEST_ID_RE.pattern)


class ListRules(_Frozen):
    kind: Literal["list_rules"] = "list_rules"
    gateway: GatewayRef | None = None  # None: every gateway, region by region
    region: str | None = Field(default=None, pattern=f"^{REGION_RE.pattern}$")  # None: any


class ListPending(_Frozen):
    kind: Literal["list_pending"] = "list_pending"


class Status(_Frozen):
    kind: Literal["status"] = "status"
    request_id: str = Field(pattern=REQUEST_ID_RE.pattern)


class Cancel(_Frozen):
    kind: Literal["cancel"] = "cancel"
    request_id: str = Field(pattern=REQUEST_ID_RE.pattern)


class History(_Frozen):
    kind: Literal["history"] = "history"
    gateway: GatewayRef | None = None


class Check(_Frozen):
    """Which of ``ports`` the gateway can reach on ``target``; no ports: a service's own."""

    kind: Literal["check"] = "check"
    gateway: GatewayRef
    region: str | None = Field(default=None, pattern=f"^{REGION_RE.pattern}$")
    target: Target
    ports: tuple[PortRange, ...] = ()


class Help(_Frozen):
    kind: Literal["help"] = "help"


Command = Annotated[
    Authorize
    | RevokeTarget
    | RevokeRule
    | RevokeRequest
    | ListRules
    | ListPending
    | Status
    | Cancel
    | History
    | Check
    | Help,
    Field(discriminator="kind"),
]

ChangeCommand = Authorize | RevokeTarget | RevokeRule | RevokeRequest
"""Commands that change the cloud and so go through approval."""
