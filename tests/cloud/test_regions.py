"""Gateways in several regions: one emulator serving two regions, each on its own port.

The second region (cn-shanghai) holds a gateway named ``prod-gw`` like the first, and one
named only there. A name in both is refused with the choices; ``in <region>`` picks; an id is
found in whichever region holds it; every read of a check goes to its region's endpoints.
"""

from __future__ import annotations

import json
import os

import pytest

from bot.cloud.doctor import check_regions
from bot.cloud.factory import CloudTuning, build_cloud, static_credential
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds, locate_gateway, override_name, regional_settings
from bot.grammar import parse_command
from bot.settings import load_settings
from tests.approvals.test_reconcile import run_cli
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.two_regions import SH_PROD_GW, SHANGHAI, shanghai, two_regions
from vocabulary.commands import Check, GatewayRef
from vocabulary.errors import InvalidInput, NotFound

__all__ = ["shanghai", "two_regions"]  # the fixtures, imported for pytest


@pytest.fixture
def emulator(two_regions: tuple[EmulatorHandle, EmulatorHandle]) -> EmulatorHandle:
    return two_regions[0].fresh()


def environment(hangzhou: EmulatorHandle, shanghai: EmulatorHandle) -> dict[str, str]:
    env = {
        "SGBOT_REGIONS": f"{hangzhou.region_id},{SHANGHAI}",
        "SGBOT_CLOUD_PROTOCOL": "http",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": hangzhou.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": hangzhou.access_key_secret,
    }
    for product in ("MSE", "ECS", "CS"):
        env[f"SGBOT_{product}_ENDPOINT"] = hangzhou.endpoint  # the default region only
        env[override_name(product.lower(), SHANGHAI)] = shanghai.endpoint
    return env


def clouds(hangzhou: EmulatorHandle, shanghai: EmulatorHandle) -> RegionalClouds:
    env = environment(hangzhou, shanghai)
    settings = load_settings(
        SGBOT_REGIONS=env["SGBOT_REGIONS"],
        SGBOT_MSE_ENDPOINT=hangzhou.endpoint,
        SGBOT_ECS_ENDPOINT=hangzhou.endpoint,
        SGBOT_CS_ENDPOINT=hangzhou.endpoint,
        SGBOT_CLOUD_PROTOCOL="http",
    )
    credential = static_credential(hangzhou.access_key_id, hangzhou.access_key_secret)

    def build(region: str) -> CloudPort:
        regional = regional_settings(settings, region, env)
        return build_cloud(regional, credential=credential, tuning=CloudTuning())

    return RegionalClouds(settings.served_regions, build)


def test_endpoints_per_region_and_product() -> None:
    settings = load_settings(
        SGBOT_REGIONS="cn-hangzhou, cn-shanghai, ap-southeast-1",
        SGBOT_MSE_ENDPOINT="mse-vpc.cn-hangzhou.aliyuncs.com",
    )
    env = {override_name("ecs", SHANGHAI): "ecs-vpc.cn-shanghai.aliyuncs.com"}
    default = regional_settings(settings, "cn-hangzhou", env)
    assert default.mse_endpoint == "mse-vpc.cn-hangzhou.aliyuncs.com"
    second = regional_settings(settings, SHANGHAI, env)
    assert second.region_id == SHANGHAI
    assert second.ecs_endpoint == "ecs-vpc.cn-shanghai.aliyuncs.com"
    assert second.mse_endpoint is None  # the unsuffixed override is the default region's only
    assert regional_settings(settings, "ap-southeast-1", env).cs_endpoint is None


def test_a_region_that_is_not_one_stops_start_up() -> None:
    from vocabulary.errors import ConfigError

    with pytest.raises(ConfigError, match="SGBOT_REGIONS"):
        load_settings(SGBOT_REGIONS="cn-hangzhou, shanghai")


def test_clients_are_built_per_region_on_first_use_and_reused() -> None:
    built: list[str] = []

    def build(region: str) -> CloudPort:
        built.append(region)
        return object()  # type: ignore[return-value]

    regional = RegionalClouds(("cn-hangzhou", SHANGHAI), build)
    assert built == []
    assert regional.get(SHANGHAI) is regional.get(SHANGHAI)
    assert built == [SHANGHAI]
    with pytest.raises(InvalidInput, match="does not serve region us-west-1"):
        regional.get("us-west-1")


async def test_a_name_in_two_regions_is_refused_with_the_choices(
    emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await locate_gateway(clouds(emulator, shanghai), GatewayRef(value="prod-gw"))
    text = str(refused.value)
    assert "several regions" in text
    assert f"`gateway prod-gw in cn-hangzhou` ({PROD_GW})" in text
    assert f"`gateway prod-gw in cn-shanghai` ({SH_PROD_GW})" in text


async def test_in_region_picks_and_every_read_goes_to_that_region(
    emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    emulator.reset_calls()
    command = parse_command("check gateway prod-gw in cn-shanghai to service orders")
    assert isinstance(command, Check)
    diagnosis = await check_regions(clouds(emulator, shanghai), command)
    assert diagnosis.gateway.unique_id == SH_PROD_GW
    assert diagnosis.region_id == SHANGHAI
    [endpoint] = diagnosis.endpoints
    assert endpoint.endpoint.group_ids == ("sg-shorders01",)
    assert emulator.calls() == {}  # nothing went to the other region's endpoints
    assert shanghai.calls()["ListSecurityGroupRule"] == 1


async def test_an_id_or_a_name_held_by_the_second_region_is_found_there(
    emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    regional = clouds(emulator, shanghai)
    cloud, gateway = await locate_gateway(regional, GatewayRef(value=SH_PROD_GW))
    assert (cloud.region_id, gateway.name) == (SHANGHAI, "prod-gw")
    cloud, gateway = await locate_gateway(regional, GatewayRef(value="sh-edge-gw"))
    assert cloud.region_id == SHANGHAI
    with pytest.raises(NotFound, match="cn-hangzhou, cn-shanghai"):
        await locate_gateway(regional, GatewayRef(value="gw-" + "0" * 32))


def test_the_command_line_checks_in_every_region(
    emulator: EmulatorHandle, shanghai: EmulatorHandle
) -> None:
    env = {**os.environ, **environment(emulator, shanghai)}
    both = run_cli(["check", "gateway prod-gw to service orders"], env)
    assert both.returncode == 2
    assert "in cn-shanghai" in both.stderr
    picked = run_cli(["check", "gateway prod-gw in cn-shanghai to service orders"], env)
    assert picked.returncode == 1, picked.stderr
    document = json.loads(picked.stdout)
    assert document["gateway"]["region"] == SHANGHAI
    assert document["missing"] == [{"security_group_id": "sg-shorders01", "ports": "8080"}]


def test_a_change_names_its_region_after_the_gateway() -> None:
    from bot.grammar import render_command
    from vocabulary.commands import Authorize, RevokeRule, RevokeTarget

    text = "authorize gateway prod-gw in cn-shanghai to service orders in default on 8080"
    command = parse_command(text)
    assert isinstance(command, Authorize)
    assert command.region == SHANGHAI
    assert command.target.namespace == "default"  # type: ignore[union-attr]
    assert render_command(command) == text
    revoke = parse_command("revoke gateway prod-gw in cn-shanghai from service orders on 8080")
    assert isinstance(revoke, RevokeTarget)
    assert revoke.region == SHANGHAI
    rule = parse_command("revoke rule 7 on gateway prod-gw in cn-shanghai")
    assert isinstance(rule, RevokeRule)
    assert (rule.region, rule.rule_id) == (SHANGHAI, 7)
    unnamed = parse_command("authorize gateway prod-gw to service orders in default on 8080")
    assert isinstance(unnamed, Authorize)
    assert unnamed.region is None


@pytest.mark.parametrize("text", ["list rules", "rules", "show rules"])
def test_list_rules_without_a_gateway_lists_every_region(text: str) -> None:
    from bot.grammar import render_command
    from vocabulary.commands import ListRules

    command = parse_command(text)
    assert command == ListRules()
    assert render_command(command) == "list rules"
    named = parse_command(f"list rules for gateway prod-gw in {SHANGHAI}")
    assert named == ListRules(gateway=GatewayRef(value="prod-gw"), region=SHANGHAI)


@pytest.mark.parametrize(
    "text",
    [
        "allow gateway prod-gw in cn-shanghai to reach service orders in default on 8080",
        "please authorize gateway prod-gw in cn-shanghai to service orders in default on port 8080",
        "授权 网关 prod-gw 在 cn-shanghai 访问 服务 orders 在 default 端口 8080",
    ],
)
def test_everyday_phrasings_keep_the_region_apart_from_the_namespace(text: str) -> None:
    from vocabulary.commands import Authorize, ServiceTarget

    command = parse_command(text)
    assert isinstance(command, Authorize)
    assert command.region == SHANGHAI
    assert command.target == ServiceTarget(name="orders", namespace="default")


def test_a_region_where_no_gateway_is_named_is_refused() -> None:
    from vocabulary.errors import UsageError

    with pytest.raises(UsageError, match="cn-shanghai"):
        parse_command("what is pending in cn-shanghai")


def test_an_emulated_cloud_needs_every_further_regions_endpoints() -> None:
    from bot.served_regions import check_emulated_regions
    from vocabulary.errors import ConfigError

    settings = load_settings(SGBOT_REGIONS=f"cn-hangzhou,{SHANGHAI}")
    named = {override_name(p, SHANGHAI): "127.0.0.1:1" for p in ("mse", "ecs", "cs")}
    check_emulated_regions(settings, named)  # all named: nothing would reach Alibaba Cloud
    del named[override_name("cs", SHANGHAI)]
    with pytest.raises(ConfigError, match="SGBOT_CS_ENDPOINT_CN_SHANGHAI"):
        check_emulated_regions(settings, named)
