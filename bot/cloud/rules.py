"""Gateway rules: list them with group names, add one exactly once, delete by id or by match.

MSE's AddSecurityGroupRule has no idempotency token, a call that timed out may still commit
seconds later (MSE writes the ECS rule through its service-linked role), and its ``Data`` is
not documented to be the new record's id. So ``ensure_rule`` lists before it adds; after a
timed-out or ambiguous write it re-lists patiently (1, 2, 4 and 8 s) before any retry; and it
reads the id of what it created from a listing: among the ``sgbot REQ-…`` records for that
(group, range) the oldest is kept and younger duplicates (from a worker that lost its lease)
are deleted without cascade, because they share the one ECS rule with the kept record.
Deletes cascade to the backend group's inbound rule unless the caller keeps it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from bot.cloud.port import AddedRule, CloudPort, GatewayRule, IngressRule, RuleListing
from bot.cloud.retry import RetryPolicy
from bot.commands import PortRange
from bot.errors import CloudError, CloudUnavailable, NotFound, Throttled

logger = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3
PATIENCE: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
"""Seconds between re-lists after an ambiguous write: a late commit has 15 s to show up."""
SGBOT_DESCRIPTION = re.compile(
    r"^sgbot (REQ-[0-9A-HJKMNP-TV-Z]{5})(?: until (\d{4}-\d\d-\d\dT\d\d:\d\dZ))?"
)
"""The prefix of every description sgbot writes (``approvals.descriptions`` owns the format)."""
_EPOCH = datetime.min.replace(tzinfo=UTC)

BeforeWrite = Callable[[], Awaitable[None]]
_T = TypeVar("_T")


@dataclass(frozen=True)
class EnsuredRule:
    """``created`` False: the rule was already there, or another sgbot worker's record was kept.

    ``request_id`` None: no add answered. ``duplicates_deleted``: younger sgbot records for the
    same (group, range) removed (without cascade) after the add.
    """

    rule_id: int
    created: bool
    request_id: str | None
    duplicates_deleted: tuple[int, ...] = ()


def is_sgbot_description(description: str) -> bool:
    return SGBOT_DESCRIPTION.match(description) is not None


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


def find_identical_ingress(
    rules: Iterable[IngressRule],
    source_group_id: str | None,
    ports: PortRange,
    *,
    source_cidrs: Sequence[str] = (),
) -> IngressRule | None:
    """The inbound rule ECS would treat as identical to the one MSE would create.

    That is ingress, Accept, TCP, exactly ``ports``, from the gateway's group (basic groups) or
    from one of the CIDRs MSE authorizes (``source_cidrs``, enterprise groups). Oldest first.
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
            or (rule.source_cidr_ip is not None and rule.source_cidr_ip in cidrs)
        )
    ]
    return min(matches, key=lambda r: (r.created_at or _EPOCH, r.rule_id), default=None)


async def ensure_rule(
    cloud: CloudPort,
    gateway_id: str,
    group_id: str,
    ports: PortRange,
    description: str,
    *,
    retry: RetryPolicy | None = None,
    attempts: int = WRITE_ATTEMPTS,
    before_write: BeforeWrite | None = None,
    patience: Sequence[float] = PATIENCE,
) -> EnsuredRule:
    """Make sure a rule for (group, ports) exists, adding it at most once per confirmed absence.

    ``before_write`` is awaited immediately before every add and delete; it raises to stop.
    """
    retry = retry or RetryPolicy()
    writes = _Writes(cloud, gateway_id, retry, before_write, patience)
    listed = await cloud.list_rules(gateway_id)
    existing = find_rule(listed, group_id, ports)
    if existing is not None:
        ours = _candidates(listed, group_id, ports, description)
        if len(ours) > 1:  # an earlier add committed after its worker had moved on
            return await writes.settle(group_id, ports, description, None, ours, existing=True)
        return EnsuredRule((ours or [existing])[0].rule_id, created=False, request_id=None)
    failures = 0
    while True:
        await writes.before()
        try:
            added = await cloud.add_rule(gateway_id, group_id, ports, description)
        except CloudError as exc:
            failures += 1
            if not exc.transient:
                raise
            logger.warning(
                "add rule %s %s on %s failed (%s); checking before retrying",
                group_id, ports.mse, gateway_id, exc.code,
            )  # fmt: skip
            # Throttling refuses a call before it runs; anything else may still commit late.
            landed = None
            if not isinstance(exc, Throttled):
                landed = await writes.wait_for(
                    lambda listing: _candidates(listing.tcp, group_id, ports, description) or None
                )
            if landed is None:
                if failures >= attempts:
                    raise
                await retry.pause(failures - 1)
                continue
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
    ``NotFound`` (the rule is already deleted), else the delete is tried again.
    """
    writes = _Writes(cloud, gateway_id, retry or RetryPolicy(), before_write, patience)
    request_id = await writes.delete(rule_id, cascade=not keep_backend_rule)
    if request_id is None:
        raise NotFound(f"rule {rule_id} of gateway {gateway_id} is gone (a timed-out delete)")
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
        raise NotFound(f"gateway {gateway_id} has no rule for {group_id} ports {ports}")
    request_id = await delete_rule(
        cloud, gateway_id, rule.rule_id, keep_backend_rule=keep_backend_rule
    )
    return rule.rule_id, request_id


def _candidates(
    rules: Iterable[GatewayRule], group_id: str, ports: PortRange, description: str
) -> list[GatewayRule]:
    """Records for exactly (group, ports) that sgbot wrote, oldest first (ties: lowest id).

    sgbot's own format marks them; a caller's description outside that format still marks the
    caller's own record.
    """
    mine = [
        r
        for r in rules
        if r.security_group_id == group_id
        and r.ports == ports
        and (is_sgbot_description(r.description) or r.description == description)
    ]
    return sorted(mine, key=lambda r: (r.gmt_create or _EPOCH, r.rule_id))


@dataclass
class _Writes:
    """One gateway's writes with their guard and their patient checks."""

    cloud: CloudPort
    gateway_id: str
    retry: RetryPolicy
    before_write: BeforeWrite | None
    patience: Sequence[float]

    async def before(self) -> None:
        if self.before_write is not None:
            await self.before_write()

    async def wait_for(self, check: Callable[[RuleListing], _T | None]) -> _T | None:
        """Re-list after each pause in ``patience`` until ``check`` finds what it looks for."""
        for delay in self.patience:
            await self.retry.sleep(delay)
            found = check(await self.cloud.list_all_rules(self.gateway_id))
            if found is not None:
                return found
        return None

    async def settle(
        self,
        group_id: str,
        ports: PortRange,
        description: str,
        added: AddedRule | None,
        listed: list[GatewayRule] | None = None,
        *,
        existing: bool = False,
    ) -> EnsuredRule:
        """Read what the add made from a listing; keep the oldest sgbot record, drop the rest.

        ``existing``: nothing was added now, the records were there before this call.
        """

        def check(listing: RuleListing) -> list[GatewayRule] | None:
            return _candidates(listing.tcp, group_id, ports, description) or None

        if listed is None:
            listed = _candidates(
                await self.cloud.list_rules(self.gateway_id), group_id, ports, description
            )
        if not listed:
            listed = await self.wait_for(check)
        if not listed:
            raise CloudUnavailable(
                f"MSE accepted rule {group_id} ports {ports.mse} on {self.gateway_id} but does "
                "not list it yet; the next attempt lists before it adds"
            )
        kept, younger = listed[0], listed[1:]
        if added is not None and added.data_as_id != kept.rule_id:
            logger.warning(
                "AddSecurityGroupRule answered Data=%r but the listing shows rule %s for %s %s "
                "on %s; using the listed id",
                added.data, kept.rule_id, group_id, ports.mse, self.gateway_id,
            )  # fmt: skip
        deleted: list[int] = []
        for duplicate in younger:
            if not is_sgbot_description(duplicate.description):
                continue  # never delete what sgbot did not write
            # The duplicate shares the kept record's ECS rule: cascading would remove it.
            with contextlib.suppress(NotFound):  # its own worker deleted it first
                await self.delete(duplicate.rule_id, cascade=False)
            deleted.append(duplicate.rule_id)
        if deleted:
            logger.warning(
                "rule %s %s on %s had duplicates %s; kept %s",
                group_id, ports.mse, self.gateway_id, deleted, kept.rule_id,
            )  # fmt: skip
        return EnsuredRule(
            kept.rule_id,
            created=not existing and kept.description == description,
            request_id=added.request_id if added is not None else None,
            duplicates_deleted=tuple(deleted),
        )

    async def delete(self, rule_id: int, *, cascade: bool) -> str | None:
        """Delete with the guard first; None if a delete that timed out turned out to land."""

        def gone(listing: RuleListing) -> bool | None:
            ids = {r.rule_id for r in listing.tcp} | {r.rule_id for r in listing.other}
            return True if rule_id not in ids else None

        failures = 0
        while True:
            await self.before()
            try:
                return await self.cloud.delete_rule(self.gateway_id, rule_id, cascade=cascade)
            except NotFound:
                raise
            except CloudError as exc:
                failures += 1
                if not exc.transient:
                    raise
                logger.warning(
                    "delete of rule %s on %s failed (%s); checking before retrying",
                    rule_id, self.gateway_id, exc.code,
                )  # fmt: skip
                # Throttling refuses a call before it runs; anything else may commit late.
                if not isinstance(exc, Throttled) and await self.wait_for(gone):
                    return None
                if failures >= WRITE_ATTEMPTS:
                    raise
                await self.retry.pause(failures - 1)
