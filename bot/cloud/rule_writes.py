"""Patient rule writes for one gateway: the guard before each write, re-lists after ambiguity.

``bot.cloud.rules`` is the public face; this module holds how a write is confirmed. MSE has no
idempotency token and a write that timed out may commit seconds later, so after an ambiguous
add or delete the gateway is re-listed after each pause in ``PATIENCE`` before anything is
tried again, and what an add made is read from a listing: the oldest ``sgbot REQ-…`` record
for the (group, range) is kept and younger duplicates are deleted without cascade.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from bot.catalogue import say
from bot.cloud.port import AddedRule, CloudPort, GatewayRule, RuleListing
from bot.cloud.retry import RetryPolicy
from vocabulary.commands import PortRange
from vocabulary.errors import CloudError, CloudUnavailable, NotFound, Throttled

logger = logging.getLogger(__name__)


def may_have_landed(exc: CloudError) -> bool:
    """Whether a write that failed with ``exc`` may still commit late, so it is checked by
    reading and only the job's next pass may send it again: a transient failure may, a
    throttled call was refused before it ran."""
    return exc.transient and not isinstance(exc, Throttled)


PATIENCE: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
"""Seconds between re-lists after an ambiguous write: a late commit has 15 s to show up."""
SGBOT_DESCRIPTION = re.compile(
    r"^sgbot (REQ-[0-9A-HJKMNP-TV-Z]{5})(?: until (\d{4}-\d\d-\d\dT\d\d:\d\dZ))?"
)
"""The prefix of every description sgbot writes (``approvals.descriptions`` owns the format)."""
EPOCH = datetime.min.replace(tzinfo=UTC)

BeforeWrite = Callable[[], Awaitable[None]]
_T = TypeVar("_T")


@dataclass(frozen=True)
class EnsuredRule:
    """``created`` False: the rule was already there, or another sgbot worker's record was kept;
    ``description`` then says whose it is.

    ``request_id`` None: no add answered. ``duplicates_deleted``: younger sgbot records for the
    same (group, range) removed (without cascade) after the add.
    """

    rule_id: int
    created: bool
    request_id: str | None
    duplicates_deleted: tuple[tuple[int, str | None], ...] = ()  # (rule id, cloud request id)
    description: str = ""  # the kept record's: whose it is, when it was already there


def is_sgbot_description(description: str) -> bool:
    return SGBOT_DESCRIPTION.match(description) is not None


def candidates(
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
    return sorted(mine, key=lambda r: (r.gmt_create or EPOCH, r.rule_id))


@dataclass
class Writes:
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
            return candidates(listing.tcp, group_id, ports, description) or None

        if listed is None:
            listed = candidates(
                await self.cloud.list_rules(self.gateway_id), group_id, ports, description
            )
        if not listed:
            listed = await self.wait_for(check)
        if not listed:
            raise CloudUnavailable(
                say(
                    "rules.not_listed_yet", group=group_id, ports=ports.mse, gateway=self.gateway_id
                )
            )
        kept, younger = listed[0], listed[1:]
        if added is not None and added.data_as_id != kept.rule_id:
            logger.warning(
                "AddSecurityGroupRule answered Data=%r but the listing shows rule %s for %s %s "
                "on %s; using the listed id",
                added.data, kept.rule_id, group_id, ports.mse, self.gateway_id,
            )  # fmt: skip
        deleted: list[tuple[int, str | None]] = []
        for duplicate in younger:
            if not is_sgbot_description(duplicate.description):
                continue  # never delete what sgbot did not write
            # The duplicate shares the kept record's ECS rule: cascading would remove it.
            request_id = None
            with contextlib.suppress(NotFound):  # its own worker deleted it first
                request_id = await self.delete(duplicate.rule_id, cascade=False)
            deleted.append((duplicate.rule_id, request_id))
        if deleted:
            logger.warning(
                "rule %s %s on %s had duplicates %s; kept %s",
                group_id, ports.mse, self.gateway_id, [d for d, _ in deleted], kept.rule_id,
            )  # fmt: skip
        return EnsuredRule(
            kept.rule_id,
            created=not existing and kept.description == description,
            request_id=added.request_id if added is not None else None,
            duplicates_deleted=tuple(deleted),
            description=kept.description,
        )

    async def delete(self, rule_id: int, *, cascade: bool) -> str | None:
        """Delete with the guard first; None if a delete that timed out turned out to land."""

        def gone(listing: RuleListing) -> bool | None:
            ids = {r.rule_id for r in listing.tcp} | {r.rule_id for r in listing.other}
            return True if rule_id not in ids else None

        await self.before()
        try:
            return await self.cloud.delete_rule(self.gateway_id, rule_id, cascade=cascade)
        except NotFound:
            raise
        except CloudError as exc:
            if not may_have_landed(exc):
                raise
            logger.warning(
                "delete of rule %s on %s failed (%s); checking whether it landed",
                rule_id, self.gateway_id, exc.code,
            )  # fmt: skip
            # It may commit late: read until it shows, and leave any re-send to the job.
            if await self.wait_for(gone):
                return None
            raise
