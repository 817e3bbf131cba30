"""Cloud lookups made for people: cached, negatively cached, rate-limited, members only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from approvals.audit import AuditEvent
from approvals.model import RequestState
from approvals.results import RateLimited
from tests.approvals.examples import make_user
from tests.approvals.workflow import APPROVER, APPROVER_IDS, Flow, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef
from vocabulary.errors import NotFound, PolicyRefused

pytestmark = pytest.mark.redis
LIMIT = 5


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, lookup_limit=LIMIT) as opened:
        yield opened


async def test_rules_listing_is_reused_until_the_bot_changes_a_rule(flow: Flow) -> None:
    prod_gw = GatewayRef(value="prod-gw")
    first = await flow.lookups.rules_listing(make_user(), prod_gw)
    assert first.creators == {}
    flow.emulator.reset_calls()
    again = await flow.lookups.rules_listing(make_user(), prod_gw)
    assert again.rules == first.rules
    assert flow.emulator.calls() == {}  # answered from the cached listing

    granted = await flow.grant(to_group("sg-legacyapp01"))
    assert granted.state is RequestState.APPLIED
    rule_id = granted.results[0].rule_id
    assert rule_id is not None
    flow.emulator.reset_calls()
    after_grant = await flow.lookups.rules_listing(make_user(), prod_gw)
    assert flow.emulator.calls()  # the bot's own rule dropped the cached listing
    assert rule_id in {rule.rule_id for rule in after_grant.rules}
    assert after_grant.creators == {rule_id: granted.id}

    await flow.service.revoke(granted.id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()
    after_revoke = await flow.lookups.rules_listing(make_user(), prod_gw)
    assert rule_id not in {rule.rule_id for rule in after_revoke.rules}
    assert after_revoke.creators == {}


async def test_a_gateway_that_does_not_exist_is_asked_for_once_a_minute(flow: Flow) -> None:
    flow.emulator.reset_calls()
    ghost = GatewayRef(value="no-such-gateway")
    for _ in range(LIMIT * 3):  # more than the limit: answered from the negative cache
        with pytest.raises(NotFound, match="no gateway named"):
            await flow.lookups.rules_listing(make_user(), ghost)
    assert sum(flow.emulator.calls().values()) == 1
    missing = flow.store.keys.missing_cache("gateway", ghost.value)
    assert 59_000 < await flow.store.client.pttl(missing) <= 60_000


async def test_services_of_a_gateway_that_does_not_exist_are_remembered(flow: Flow) -> None:
    flow.emulator.reset_calls()
    ghost = "gw-" + "0" * 32
    assert await flow.lookups.service_options(make_user(), ghost) == []
    assert await flow.lookups.service_options(make_user(), ghost) == []
    assert sum(flow.emulator.calls().values()) == 1


async def test_each_person_has_a_limit_of_cloud_lookups_a_minute(flow: Flow) -> None:
    for n in range(LIMIT):
        with pytest.raises(NotFound):
            await flow.lookups.gateway(make_user(), GatewayRef(value=f"random-{n}"))
    with pytest.raises(RateLimited, match=f"{LIMIT} cloud lookups in the last minute"):
        await flow.lookups.gateway(make_user(), GatewayRef(value="random-more"))
    # Someone else is not held back, and answers from the caches cost nothing.
    await flow.lookups.gateway(make_user("U0OTHER"), GatewayRef(value="prod-gw"))
    with pytest.raises(NotFound):
        await flow.lookups.gateway(make_user(), GatewayRef(value="random-0"))
    flow.clock.advance(timedelta(minutes=1))
    await flow.lookups.gateway(make_user(), GatewayRef(value="staging-gw"))
    refusals = [e for e in await flow.store.audit.read() if e.event is AuditEvent.REFUSED]
    assert [e.detail for e in refusals] == ["look up gateway random-more"]


@pytest.mark.parametrize(
    "facts",
    [
        {"is_restricted": True},  # a multi-channel guest
        {"is_ultra_restricted": True},
        {"is_stranger": True, "team_id": "T0ELSEWHERE", "enterprise_id": None},  # Slack Connect
        {"is_bot": True},
    ],
)
async def test_lookups_refuse_anyone_but_full_members(flow: Flow, facts: dict[str, object]) -> None:
    outsider = make_user("U0OUTSIDE", **facts)
    flow.emulator.reset_calls()
    with pytest.raises(PolicyRefused, match="cannot see sgbot's requests"):
        await flow.lookups.rules_listing(outsider, GatewayRef(value="prod-gw"))
    with pytest.raises(PolicyRefused):
        await flow.lookups.gateway_options(outsider)
    with pytest.raises(PolicyRefused):
        await flow.service.check_reader(outsider, "read: ListPending")
    assert flow.emulator.calls() == {}
    refused = [e for e in await flow.store.audit.read() if e.event is AuditEvent.REFUSED]
    assert len(refused) == 3
    assert {e.actor for e in refused} == {f"{outsider.org_id}:U0OUTSIDE"}
