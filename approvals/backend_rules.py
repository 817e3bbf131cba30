"""Whether deleting an MSE record may take the backend group's inbound rule with it.

MSE creates an authorization as an inbound rule in the backend group; but ECS treats an
identical rule (ingress, Accept, TCP, the same port range, from the gateway's group) as a
duplicate, so when one is already there MSE links the new record to it instead. Deleting the
record with ``CascadingDelete=true`` then removes that rule, which sgbot did not create, and
the access it gave before sgbot. So a delete keeps the backend rule (``CascadingDelete=false``)
when it predates the record: it was recorded before sgbot's add, or its ``CreateTime`` is
older than the record's ``GmtCreate``. ``decide`` is that rule, pure; ``BackendReader`` reads
what it needs, once per gateway and group. ``revoke rule N`` and ``revoke … from …`` plans use
the same decision and say it, with who made each rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from approvals.model import BackendRule
from bot.catalogue import say
from bot.cloud.port import CloudPort, GatewayRule, IngressRule
from bot.cloud.rules import identical_ingress_rules
from vocabulary.commands import PortRange


@dataclass(frozen=True)
class BackendDecision:
    """``keep`` the backend rule ``rule`` (if any) when the record is deleted, and ``why``."""

    keep: bool
    rule: BackendRule | None
    why: str


def backend_rule(rule: IngressRule) -> BackendRule:
    return BackendRule(rule_id=rule.rule_id, created_at=rule.created_at)


def decide(
    record: GatewayRule | None,
    identical: IngressRule | None,
    recorded: BackendRule | None = None,
    *,
    asked_to_keep: bool = False,
) -> BackendDecision:
    """What a delete of ``record`` does to the backend rule ``identical`` (found now).

    ``recorded`` is the identical rule seen before sgbot added the record.
    """
    if recorded is not None:
        why = say("backend.there_before", rule=recorded.rule_id)
        return BackendDecision(True, recorded, why)
    if identical is None:
        return BackendDecision(asked_to_keep, None, say("backend.none_found"))
    found = backend_rule(identical)
    made = record.gmt_create if record is not None else None
    if identical.created_at is None or made is None:
        # Without both times nothing shows the rule came with the record: keep it rather than
        # risk deleting access sgbot did not give (an orphan is reported; a loss is silent).
        why = say("backend.undated", rule=identical.rule_id)
        return BackendDecision(True, found, why)
    if identical.created_at < made:
        why = say("backend.predates", rule=identical.rule_id)
        return BackendDecision(True, found, why)
    if asked_to_keep:
        return BackendDecision(True, found, say("backend.kept_as_asked", rule=identical.rule_id))
    return BackendDecision(False, found, say("backend.came_with", rule=identical.rule_id))


def delete_text(created_by: str | None, decision: BackendDecision) -> str:
    """What a plan says about deleting one rule: who made it, and its backend rule's fate."""
    made = "made" if created_by else "foreign"
    rule = decision.rule.rule_id if decision.rule is not None else None
    fate = "none" if rule is None else "stays" if decision.keep else "removed"
    return say(_DELETE_TEXTS[(made, fate)], request_id=created_by, rule=rule, why=decision.why)


# Whole sentences for who made the rule and what becomes of its backend rule.
_DELETE_TEXTS = {
    ("made", "none"): "delete.made",
    ("made", "stays"): "delete.made_backend_stays",
    ("made", "removed"): "delete.made_backend_removed",
    ("foreign", "none"): "delete.foreign",
    ("foreign", "stays"): "delete.foreign_backend_stays",
    ("foreign", "removed"): "delete.foreign_backend_removed",
}


@dataclass
class BackendReader:
    """The cloud reads a decision needs, each made once (per gateway, per group)."""

    cloud: CloudPort
    gateway_group: str | None
    enterprise: frozenset[str] = frozenset()  # groups matched on any CIDR source
    _records: dict[str, dict[int, GatewayRule]] = field(default_factory=dict)
    _inbound: dict[str, list[IngressRule]] = field(default_factory=dict)

    def remember(self, gateway_id: str, rules: list[GatewayRule]) -> None:
        """A listing of the gateway the caller already has."""
        self._records[gateway_id] = {rule.rule_id: rule for rule in rules}

    async def record(self, gateway_id: str, rule_id: int) -> GatewayRule | None:
        if gateway_id not in self._records:
            listed = await self.cloud.list_rules(gateway_id)
            self._records[gateway_id] = {rule.rule_id: rule for rule in listed}
        return self._records[gateway_id].get(rule_id)

    async def identical(self, group_id: str, ports: PortRange) -> IngressRule | None:
        if group_id not in self._inbound:
            self._inbound[group_id] = await self.cloud.describe_ingress_rules(group_id)
        # The newest: if any identical rule came with (or after) the record, MSE made its own
        # and the record is linked to that one; only when all predate it was one adopted.
        found = identical_ingress_rules(
            self._inbound[group_id],
            self.gateway_group,
            ports,
            any_cidr=group_id in self.enterprise,
        )
        return found[-1] if found else None

    async def decide(
        self,
        gateway_id: str,
        rule_id: int,
        group_id: str,
        ports: PortRange,
        recorded: BackendRule | None = None,
        *,
        asked_to_keep: bool = False,
    ) -> BackendDecision:
        if recorded is not None:
            return decide(None, None, recorded)
        record = await self.record(gateway_id, rule_id)
        identical = await self.identical(group_id, ports)
        return decide(record, identical, asked_to_keep=asked_to_keep)
