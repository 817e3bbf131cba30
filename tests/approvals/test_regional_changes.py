"""Changes in a second region: resolved, written and ended on that region's endpoints only.

Two regions from one emulator process (one port each). Each region's emulator counts its own
calls, so "the other region got nothing" is a count of zero, not an assumption.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from approvals.model import Request, RequestState, Verdict
from tests.approvals.workflow import Flow, authorize, open_flow
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.two_regions import (
    SH_EDGE_GW,
    SH_GATEWAY_SG,
    SH_ORDERS_SG,
    SH_PROD_GW,
    SHANGHAI,
    mse_rules,
    two_regions,
    writes,
)
from vocabulary.commands import Authorize, GatewayRef, RevokeRequest, ServiceTarget

__all__ = ["two_regions"]  # the fixture, imported for pytest
pytestmark = [pytest.mark.redis]
HANGZHOU = "cn-hangzhou"


@pytest.fixture
def regions(
    two_regions: tuple[EmulatorHandle, EmulatorHandle],
) -> tuple[EmulatorHandle, EmulatorHandle]:
    return two_regions[0].fresh(), two_regions[1].fresh()


@pytest.fixture
async def flow(
    redis_url: str, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> AsyncIterator[Flow]:
    """The workflow as the serving process wires it, serving both regions."""
    hangzhou, shanghai = regions
    async with open_flow(redis_url, hangzhou, second_region=(SHANGHAI, shanghai)) as opened:
        yield opened


def in_shanghai(gateway: str = "prod-gw", **extra: object) -> Authorize:
    return Authorize(
        gateway=GatewayRef(value=gateway),
        region=SHANGHAI if gateway == "prod-gw" else None,
        target=ServiceTarget(name="orders"),
        ports=authorize().ports,
        **extra,
    )


async def test_a_grant_in_the_second_region_is_resolved_written_and_ended_there_only(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    hangzhou, shanghai = regions
    request = await flow.submit_and_resolve(in_shanghai(duration=timedelta(hours=1)))
    assert request.state is RequestState.PENDING, request.state_reason
    assert (request.region, request.gateway_id) == (SHANGHAI, SH_PROD_GW)
    assert request.gateway_security_group == SH_GATEWAY_SG
    assert [g.security_group_id for g in request.groups] == [SH_ORDERS_SG]
    assert shanghai.calls()  # resolution read the second region …
    assert hangzhou.calls() == {}  # … and nothing at all of the first

    granted = await flow.grant_pending(request.id)
    assert granted.state is RequestState.APPLIED, granted.state_reason
    assert writes(shanghai.calls()) == {"AddSecurityGroupRule": 1}
    assert hangzhou.calls() == {}
    [rule] = mse_rules(shanghai, SH_PROD_GW)
    assert (rule["security_group_id"], rule["port_range"]) == (SH_ORDERS_SG, "8080/8080")

    # The grant's end, by the clock: its rule is deleted in the region that holds it.
    shanghai.reset_calls()
    await flow.advance(timedelta(hours=1, minutes=1))
    ended = await flow.store.require(request.id)
    assert ended.state is RequestState.REVOKED, ended.state_reason
    assert mse_rules(shanghai, SH_PROD_GW) == []
    assert writes(shanghai.calls()) == {"DeleteSecurityGroupRule": 1}
    assert hangzhou.calls() == {}

    entries = await flow.store.audit.read(gateway_id=SH_PROD_GW)
    assert entries
    assert {entry.region for entry in entries if entry.to_state is not None} == {SHANGHAI}


async def test_revoking_an_earlier_request_works_in_its_region(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    hangzhou, shanghai = regions
    granted = await flow.grant(in_shanghai())
    assert granted.state is RequestState.APPLIED, granted.state_reason
    revoke = await flow.submit_and_resolve(RevokeRequest(request_id=granted.id))
    assert revoke.region == SHANGHAI
    done = await flow.grant_pending(revoke.id)
    assert done.state is RequestState.APPLIED, done.state_reason
    assert mse_rules(shanghai, SH_PROD_GW) == []
    assert writes(hangzhou.calls()) == {}


async def test_a_name_held_by_one_region_only_is_used_there(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    hangzhou, shanghai = regions
    request = await flow.submit_and_resolve(in_shanghai("sh-edge-gw"))
    assert request.state is RequestState.PENDING, request.state_reason
    assert (request.region, request.gateway_id) == (SHANGHAI, SH_EDGE_GW)
    granted = await flow.grant_pending(request.id)
    assert granted.state is RequestState.APPLIED, granted.state_reason
    assert len(mse_rules(shanghai, SH_EDGE_GW)) == 1
    assert writes(hangzhou.calls()) == {}


async def test_a_name_in_both_regions_is_refused_with_the_choices(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize())
    assert request.state is RequestState.REJECTED
    reason = request.state_reason or ""
    assert "several regions" in reason
    assert f"`gateway prod-gw in {SHANGHAI}`" in reason
    assert f"`gateway prod-gw in {HANGZHOU}`" in reason


async def test_the_default_region_still_works_and_records_itself(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    hangzhou, shanghai = regions
    command = authorize().model_copy(update={"region": HANGZHOU})
    granted = await flow.grant(command)
    assert granted.state is RequestState.APPLIED, granted.state_reason
    assert granted.region == HANGZHOU
    assert writes(hangzhou.calls())
    assert shanghai.calls() == {}


async def test_a_request_stored_before_regions_reads_as_the_default_region(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize().model_copy(update={"region": HANGZHOU}))
    stored = json.loads(request.model_dump_json())
    del stored["region"]  # as written before the field existed
    key = flow.store.keys.request(request.id)
    await flow.store.client.hset(key, "json", json.dumps(stored))
    read = await flow.store.require(request.id)
    assert read.region == HANGZHOU
    assert Request.model_validate(stored).region is None  # only the store knows the default
    # Deciding and applying it go to the default region's endpoints.
    granted = await flow.grant_pending(request.id)
    assert granted.state is RequestState.APPLIED, granted.state_reason
    assert granted.region == HANGZHOU
    assert Verdict.APPROVE in {d.verdict for d in granted.decisions}


def cli_env(
    redis_url: str, flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> dict[str, str]:
    from tests.approvals.test_worker_crash import worker_env
    from tests.fixtures.two_regions import region_environment

    return worker_env(redis_url, flow.store.keys.prefix, regions[0]) | region_environment(*regions)


async def test_reconcile_compares_each_region_with_its_own_grants(
    flow: Flow, redis_url: str, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    from tests.approvals.test_reconcile import run_cli

    there = await flow.grant(in_shanghai())
    here = await flow.grant(authorize().model_copy(update={"region": HANGZHOU}))
    assert (there.state, here.state) == (RequestState.APPLIED, RequestState.APPLIED)
    gone = there.results[0].rule_id
    assert gone is not None
    await flow.context.regional.get(SHANGHAI).delete_rule(SH_PROD_GW, gone, cascade=True)

    done = run_cli(["reconcile"], cli_env(redis_url, flow, regions))
    assert done.returncode == 1, done.stderr
    drift = json.loads(done.stdout)["drift"]
    by_region = {(d["region"], d["gateway_id"], d["kind"]) for d in drift}
    assert (SHANGHAI, SH_PROD_GW, "gone") in by_region
    assert all(d["region"] == HANGZHOU for d in drift if d["gateway_id"] == PROD_GW)
    # The default region's grant is still in place: nothing of it is reported gone.
    assert not [d for d in drift if d["gateway_id"] == PROD_GW and d["kind"] == "gone"]

    only = run_cli(["reconcile", "--gateway", SH_PROD_GW], cli_env(redis_url, flow, regions))
    assert only.returncode == 1, only.stderr
    assert {d["gateway_id"] for d in json.loads(only.stdout)["drift"]} == {SH_PROD_GW}


async def test_recover_rebuilds_grants_of_every_region_in_their_region(
    flow: Flow, redis_url: str, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    from tests.approvals.test_reconcile import run_cli

    there = await flow.grant(in_shanghai(duration=timedelta(hours=4)))
    here = await flow.grant(authorize().model_copy(update={"region": HANGZHOU}))
    await flow.store.client.flushdb()  # Redis lost

    done = run_cli(["reconcile", "--recover"], cli_env(redis_url, flow, regions))
    assert done.returncode == 0, done.stderr
    restored = {g["request_id"]: g["region_id"] for g in json.loads(done.stdout)["restored"]}
    assert restored == {there.id: SHANGHAI, here.id: HANGZHOU}
    rebuilt = await flow.store.require(there.id)
    assert (rebuilt.region, rebuilt.gateway_id) == (SHANGHAI, SH_PROD_GW)
    assert rebuilt.state is RequestState.APPLIED


async def test_the_drift_watch_reads_each_gateway_in_its_region(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    from approvals.drift_store import DriftStore
    from approvals.drift_watch import DriftWatch

    hangzhou, shanghai = regions
    there = await flow.grant(in_shanghai())
    gone = there.results[0].rule_id
    assert gone is not None
    await flow.context.regional.get(SHANGHAI).delete_rule(SH_PROD_GW, gone, cascade=True)
    hangzhou.reset_calls()
    shanghai.reset_calls()
    watch = DriftWatch(
        store=flow.store,
        drift=DriftStore(flow.store.client, flow.store.keys),
        cloud=flow.cloud,
        clouds=flow.context.clouds,
        clock=flow.clock,
        every=timedelta(minutes=5),
        watched=("sh-edge-gw",),  # found only in the second region
    )
    done = await watch.run_once()
    assert done is not None
    assert set(done.gateways) == {SH_PROD_GW, SH_EDGE_GW}
    assert {(i.gateway_id, i.kind.value, i.rule_id) for i in done.found} >= {
        (SH_PROD_GW, "gone", gone)
    }
    assert shanghai.calls().get("ListSecurityGroupRule")
    assert "ListSecurityGroupRule" not in hangzhou.calls()  # no default-region gateway here


async def test_the_form_pickers_offer_every_region(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    from tests.approvals.examples import make_user

    hangzhou, _ = regions
    options = {gid: label for label, gid in await flow.lookups.gateway_options(make_user())}
    assert options[PROD_GW].endswith(HANGZHOU)
    assert options[SH_PROD_GW] == f"prod-gw ({SH_PROD_GW}) {SHANGHAI}"
    assert SH_EDGE_GW in options
    hangzhou.reset_calls()
    services = await flow.lookups.service_options(make_user(), SH_EDGE_GW)
    assert [name for name, _ in services] == ["orders"], services
    assert "ListGatewayService" not in hangzhou.calls()


async def test_a_region_not_served_is_refused_before_anything_is_stored(flow: Flow) -> None:
    from vocabulary.errors import UsageError

    command = authorize().model_copy(update={"region": "ap-southeast-1"})
    with pytest.raises(UsageError, match="does not serve region ap-southeast-1") as refused:
        await flow.submit(command)
    assert "cn-hangzhou, cn-shanghai" in str(refused.value)
    assert await flow.store.client.keys(f"*{flow.store.keys.prefix}*req:*") == []


async def test_the_policy_file_matches_the_gateways_own_region(flow: Flow, tmp_path: Path) -> None:
    from tests.approvals.test_policy_flow import with_policy

    rule = "rules: [{name: no-shanghai, match: {regions: [cn-shanghai]}, decide: {deny: closed}}]"
    with_policy(flow, tmp_path / "regions.yaml", rule)  # its process region: cn-hangzhou
    there = await flow.submit_and_resolve(in_shanghai())
    assert there.state is RequestState.REJECTED
    assert "no-shanghai" in (there.state_reason or "")
    here = await flow.submit_and_resolve(authorize().model_copy(update={"region": HANGZHOU}))
    assert here.state is RequestState.PENDING, here.state_reason


async def test_an_extension_of_a_grant_in_the_second_region_stays_there(
    flow: Flow, regions: tuple[EmulatorHandle, EmulatorHandle]
) -> None:
    from tests.approvals.test_extend import ask

    hangzhou, shanghai = regions
    grant = await flow.grant(in_shanghai(duration=timedelta(hours=4)))
    assert grant.state is RequestState.APPLIED, grant.state_reason
    extension_id = await ask(flow, grant.id, timedelta(hours=2))
    extension = await flow.store.require(extension_id)
    assert extension.state is RequestState.PENDING, extension.state_reason
    assert (extension.region, extension.gateway_id) == (SHANGHAI, SH_PROD_GW)
    await flow.grant_pending(extension_id)
    extended = await flow.store.require(grant.id)
    assert extended.grant_expires_at == grant.grant_expires_at + timedelta(hours=2)  # type: ignore[operator]
    await flow.advance(timedelta(hours=6, minutes=1))
    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED
    assert mse_rules(shanghai, SH_PROD_GW) == []
    assert hangzhou.calls() == {}
