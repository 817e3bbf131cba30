"""Several rules of one gateway made sure of at once: one round of adds, one confirming list.

``ensure_rule`` (``bot.cloud.rules``) lists, adds and lists again for one rule; a plan with
several rules on a gateway would pay those three calls per rule, one after another.
``ensure_rules`` starts from a listing the caller already read (in parallel with its other
reads) and decides every rule from it the same way: a record for exactly (group, range) is
kept (sgbot's oldest, younger duplicates deleted without cascade), anything else is added.
The adds go out together, each after its own ``before_write`` guard (the caller's lease
check), and one fresh listing then reads the id of every rule that was added. Only an add
whose outcome is unclear (timed out, connection lost) is re-listed patiently, as
``ensure_rule`` does; an add that failed clearly is that rule's result and the others go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass

from bot.cloud.port import AddedRule, CloudPort, GatewayRule, RuleListing
from bot.cloud.retry import RetryPolicy
from bot.cloud.rule_writes import (
    PATIENCE,
    BeforeWrite,
    EnsuredRule,
    Writes,
    candidates,
    may_have_landed,
)
from bot.cloud.rules import find_rule
from vocabulary.commands import PortRange
from vocabulary.errors import CloudError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wanted:
    """One rule to make sure of, with the guard awaited right before each of its writes."""

    group_id: str
    ports: PortRange
    description: str
    before_write: BeforeWrite | None = None


Outcome = EnsuredRule | CloudError
"""A rule's result: ensured, or the cloud error that stopped it."""


async def ensure_rules(
    cloud: CloudPort,
    gateway_id: str,
    wanted: Sequence[Wanted],
    listed: list[GatewayRule],
    *,
    retry: RetryPolicy | None = None,
    patience: Sequence[float] = PATIENCE,
) -> list[Outcome]:
    """Each wanted rule ensured, in order; ``listed`` is the gateway's listing read just now.

    Anything but a ``CloudError`` (a lost lease, a bug) is raised once every add has answered,
    so no write is left running behind the caller's back.
    """
    retry = retry or RetryPolicy()

    def writes(rule: Wanted) -> Writes:
        return Writes(cloud, gateway_id, retry, rule.before_write, patience)

    outcomes: list[Outcome | None] = [None] * len(wanted)
    to_add: list[int] = []
    for index, rule in enumerate(wanted):
        existing = find_rule(listed, rule.group_id, rule.ports)
        if existing is None:
            to_add.append(index)
            continue
        ours = candidates(listed, rule.group_id, rule.ports, rule.description)
        if len(ours) > 1:  # an earlier add committed after its worker had moved on
            outcomes[index] = await _or_error(
                writes(rule).settle(
                    rule.group_id, rule.ports, rule.description, None, ours, existing=True
                )
            )
            continue
        kept = (ours or [existing])[0]
        outcomes[index] = EnsuredRule(
            kept.rule_id, created=False, request_id=None, description=kept.description
        )

    async def add(rule: Wanted) -> AddedRule:
        await writes(rule).before()
        return await cloud.add_rule(gateway_id, rule.group_id, rule.ports, rule.description)

    answers = await asyncio.gather(*(add(wanted[i]) for i in to_add), return_exceptions=True)
    unexpected = [a for a in answers if isinstance(a, BaseException) and not _is_cloud(a)]
    if unexpected:
        raise unexpected[0]
    confirm = [i for i, a in zip(to_add, answers, strict=True) if isinstance(a, AddedRule)]
    relisted = await cloud.list_rules(gateway_id) if confirm else []
    settling = []
    for index, answer in zip(to_add, answers, strict=True):
        rule = wanted[index]
        if isinstance(answer, AddedRule):
            found = candidates(relisted, rule.group_id, rule.ports, rule.description)
            settle = writes(rule).settle(
                rule.group_id, rule.ports, rule.description, answer, found or None
            )
            settling.append((index, _or_error(settle)))
            continue
        assert isinstance(answer, CloudError)
        if not may_have_landed(answer):
            outcomes[index] = answer
            continue
        logger.warning(
            "add rule %s %s on %s failed (%s); checking whether it landed",
            rule.group_id, rule.ports.mse, gateway_id, answer.code,
        )  # fmt: skip
        settling.append((index, _landed(writes(rule), rule, answer)))
    # Cloud errors are values by now; anything else (a guard that refused a duplicate's delete)
    # is raised once every rule has settled, so no delete runs on behind the caller's back.
    settled = await asyncio.gather(*(work for _, work in settling), return_exceptions=True)
    for (index, _), outcome in zip(settling, settled, strict=True):
        if isinstance(outcome, BaseException):
            raise outcome
        outcomes[index] = outcome
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(wanted)  # every rule was decided above
    return done


def _is_cloud(exc: BaseException) -> bool:
    return isinstance(exc, CloudError)


async def _or_error(work: Awaitable[EnsuredRule]) -> Outcome:
    """``work``'s rule, or the cloud error that stopped it."""
    try:
        return await work
    except CloudError as exc:
        return exc


async def _landed(writes: Writes, rule: Wanted, failed: CloudError) -> Outcome:
    """After an unclear add: re-list patiently; the add's error if it never showed."""

    def check(listing: RuleListing) -> list[GatewayRule] | None:
        return candidates(listing.tcp, rule.group_id, rule.ports, rule.description) or None

    try:
        landed = await writes.wait_for(check)
        if landed is None:
            return failed
        return await writes.settle(rule.group_id, rule.ports, rule.description, None, landed)
    except CloudError as exc:
        return exc
