"""Adding a grant's rules: every planned add of one pass at once, each under its own lease.

``add_rules`` holds the lease of every rule it adds (taken one by one in key order, so two
workers never wait on each other's halves), then reads in one parallel round what the adds
depend on: the gateway (MSE changes no rules unless it is running), its rules, and each backend
group's inbound rules (an identical one there now is not sgbot's, and MSE links the new rule to
it, so the grant's end must not cascade to it). ``bot.cloud.rule_batch.ensure_rules`` then adds
what is missing in one round, each add after its own lease check, and reads every new id from
one confirming listing. A record whose description names this grant is its own add from before
a restart, one another sgbot grant wrote is shared, any other was made outside sgbot and is
only relied on. The grant becomes an owner of each rule sgbot made before its result is
returned, so a crash in between leaves an owner whose rule the resumed job finds again, never
a recorded rule that nobody owns. Each rule's result is its own: a cloud error for one rule is
returned in its place and the others are still recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import datetime

from approvals.backend_rules import backend_rule
from approvals.coordination import RuleKey
from approvals.descriptions import parse_description, rule_description
from approvals.leases import Lease
from approvals.model import PlannedRule, Request, RuleOutcome, RuleResult
from approvals.ownership import RuleWriter, enterprise_groups
from bot.catalogue import say
from bot.cloud import rules
from bot.cloud.port import GatewayRule, IngressRule
from bot.cloud.rule_batch import Wanted, ensure_rules
from bot.cloud.rule_writes import EnsuredRule
from vocabulary.errors import CloudError, Conflict

Added = RuleResult | CloudError
"""One planned rule's result, or the cloud error that kept it from being added."""


async def add_rule(
    writer: RuleWriter, grant: Request, item: PlannedRule, until: datetime | None
) -> RuleResult:
    """Ensure one planned rule and register ``grant`` as one of its owners; raises its error."""
    (added,) = await add_rules(writer, grant, [item], until)
    if isinstance(added, CloudError):
        raise added
    return added


async def add_rules(
    writer: RuleWriter, grant: Request, items: Sequence[PlannedRule], until: datetime | None
) -> list[Added]:
    """Ensure each planned rule exists and register ``grant`` as an owner of each; in order.

    ``until`` is when a time-bound grant ends (None: permanent); the descriptions say so.
    """
    assert grant.gateway_id is not None  # a planned request always names its gateway
    keys = [RuleKey(grant.gateway_id, i.security_group_id, i.port_range) for i in items]
    async with AsyncExitStack() as stack:
        leases: dict[RuleKey, Lease] = {}
        for key in sorted(set(keys), key=writer.leases.key):
            leases[key] = await stack.enter_async_context(writer.leases.hold(key))
        try:
            listed, inbound = await _read_round(writer, grant, items)
        except CloudError as exc:
            return [exc] * len(items)
        description = rule_description(grant.id, until)
        wanted = [
            Wanted(k.security_group_id, k.port_range, description, leases[k].check) for k in keys
        ]
        outcomes = await ensure_rules(
            writer.cloud, grant.gateway_id, wanted, listed, retry=writer.retry
        )
        identical = await _identical(writer, grant, items, inbound, outcomes)
        await asyncio.gather(
            *(
                writer.work.add_owner(key, grant.id)
                for key, outcome in zip(keys, outcomes, strict=True)
                if isinstance(outcome, EnsuredRule) and _made_by_sgbot(outcome)
            )
        )
    # Each rule's creator and audit entries are its own; the rules' go to Redis together.
    results = iter(
        await asyncio.gather(
            *(
                _result(writer, grant, key, outcome, same)
                for key, outcome, same in zip(keys, outcomes, identical, strict=True)
                if isinstance(outcome, EnsuredRule)
            )
        )
    )
    return [outcome if isinstance(outcome, CloudError) else next(results) for outcome in outcomes]


async def _read_round(
    writer: RuleWriter, grant: Request, items: Sequence[PlannedRule]
) -> tuple[list[GatewayRule], dict[str, list[IngressRule]]]:
    """The gateway, its rules and each backend group's inbound rules, read concurrently."""
    assert grant.gateway_id is not None
    cloud = writer.cloud
    groups = list(dict.fromkeys(item.security_group_id for item in items))
    gateway, listed, inbound = await asyncio.gather(
        cloud.get_gateway(grant.gateway_id),
        cloud.list_rules(grant.gateway_id),
        asyncio.gather(*(cloud.describe_ingress_rules(group) for group in groups)),
    )
    if not gateway.running:
        status = gateway.status_text
        raise Conflict(say("preflight.not_running", gateway=gateway.name, status=status))
    return listed, dict(zip(groups, inbound, strict=True))


def _made_by_sgbot(ensured: EnsuredRule) -> bool:
    return ensured.created or rules.is_sgbot_description(ensured.description)


def _resumed(grant: Request, ensured: EnsuredRule) -> bool:
    """A record this grant added before a restart (its end in the description may differ)."""
    parsed = parse_description(ensured.description)
    return not ensured.created and parsed is not None and parsed.request_id == grant.id


async def _identical(
    writer: RuleWriter,
    grant: Request,
    items: Sequence[PlannedRule],
    inbound: dict[str, list[IngressRule]],
    outcomes: Sequence[EnsuredRule | CloudError],
) -> list[IngressRule | None]:
    """For each rule, the inbound rule found before the add that MSE linked the record to.

    In an enterprise group matching any CIDR source is a guess; if the add made inbound rules
    of its own, MSE did not link to the older one, and the grant's end may cascade to what the
    add made. Those groups are read again, concurrently, once each.
    """
    enterprise = enterprise_groups(grant)
    found = [
        rules.find_identical_ingress(
            inbound[item.security_group_id],
            grant.gateway_security_group,
            item.port_range,
            any_cidr=item.security_group_id in enterprise,
        )
        for item in items
    ]
    recheck = list(
        dict.fromkeys(
            item.security_group_id
            for item, same, outcome in zip(items, found, outcomes, strict=True)
            if same is not None
            and item.security_group_id in enterprise
            and isinstance(outcome, EnsuredRule)
            and outcome.created
        )
    )
    if not recheck:
        return found
    after = dict(
        zip(
            recheck,
            await asyncio.gather(*(writer.cloud.describe_ingress_rules(g) for g in recheck)),
            strict=True,
        )
    )
    for index, item in enumerate(items):
        group = item.security_group_id
        if group in after and found[index] is not None:
            seen = {rule.rule_id for rule in inbound[group]}
            made = rules.find_identical_ingress(
                [rule for rule in after[group] if rule.rule_id not in seen],
                grant.gateway_security_group,
                item.port_range,
                any_cidr=True,
            )
            found[index] = None if made is not None else found[index]
    return found


async def _result(
    writer: RuleWriter,
    grant: Request,
    key: RuleKey,
    ensured: EnsuredRule,
    identical: IngressRule | None,
) -> RuleResult:
    """Record what sgbot made (creators, audit) and say what the grant has of this rule."""
    assert grant.gateway_id is not None
    resumed = _resumed(grant, ensured)
    if ensured.created or resumed:
        await writer.work.record_creator(grant.gateway_id, ensured.rule_id, grant.id)
        linked = (
            f", linked to the existing {identical.rule_id}" if identical and not resumed else ""
        )
        found = " (found after a restart)" if resumed else ""
        await writer.audited(
            grant.id, key, f"add rule {ensured.rule_id}{linked}{found}", ensured.request_id
        )
    for duplicate, cloud_request_id in ensured.duplicates_deleted:
        what = f"delete duplicate rule {duplicate} without cascade (kept {ensured.rule_id})"
        await writer.audited(grant.id, key, what, cloud_request_id)
    if ensured.created or resumed:
        outcome = RuleOutcome.CREATED
    else:
        outcome = RuleOutcome.EXISTED if _made_by_sgbot(ensured) else RuleOutcome.FOUND
    return RuleResult(
        security_group_id=key.security_group_id,
        port_range=key.port_range,
        outcome=outcome,
        rule_id=ensured.rule_id,
        cloud_request_id=ensured.request_id,
        # After a restart the inbound rule seen now may be the one this add made: the end
        # then dates it against the record instead (``approvals.backend_rules``).
        backend_rule=backend_rule(identical) if identical and ensured.created else None,
    )
