"""Estate files: the demo estate's promised ids, custom files, and refusing inconsistent ones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_mse20190531 import models as mse
from alibabacloud_mse20190531.client import Client as MseClient
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from standins.cloud.state import EstateError, load_estate
from tests.fixtures.emulator import emulator_command, running_emulator


def small_estate() -> dict[str, Any]:
    return {
        "region_id": "eu-central-1",
        "vpcs": [{"vpc_id": "vpc-x"}],
        "gateways": [
            {
                "gateway_unique_id": "gw-x",
                "id": 7,
                "name": "edge",
                "instance_id": "mse-x",
                "security_group_id": "sg-gw",
                "vpc_id": "vpc-x",
            }
        ],
        "security_groups": [
            {"security_group_id": "sg-gw", "name": "gw", "vpc_id": "vpc-x"},
            {"security_group_id": "sg-app", "name": "app", "vpc_id": "vpc-x"},
        ],
        "mse_rules": [
            {
                "id": 40,
                "gateway_unique_id": "gw-x",
                "security_group_id": "sg-app",
                "port_range": "80/80",
            }
        ],
    }


def test_demo_estate_has_the_promised_ids() -> None:
    estate = load_estate()
    assert estate.region_id == "cn-hangzhou"
    assert {g.name: g.security_group_id for g in estate.gateways} == {
        "prod-gw": "sg-gwprod0001",
        "staging-gw": "sg-gwstaging01",
        "edge-gw": "sg-gwedge01",
        "dev-gw": "sg-gwdev01",
    }
    groups = {g.security_group_id: g for g in estate.security_groups}
    assert groups["sg-enterprise01"].type == "enterprise"
    assert groups["sg-othervpc01"].vpc_id == "vpc-other02"
    [prod_ack] = [c for c in estate.clusters if c.name == "prod-ack"]
    assert [p.security_group_ids for p in prod_ack.node_pools] == [
        ["sg-ackpoola01"],
        ["sg-ackpoolb01", "sg-ackpoolb02"],
    ]
    assert sorted((s.name, s.namespace) for s in estate.gateway_services if s.name == "search") == [
        ("search", "default"),
        ("search", "shop"),
    ]


def test_dangling_references_are_named(tmp_path: Path) -> None:
    estate = small_estate()
    estate["gateways"][0]["security_group_id"] = "sg-missing"
    estate["mse_rules"][0]["gateway_unique_id"] = "gw-missing"
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(estate))
    with pytest.raises(EstateError) as caught:
        load_estate(path)
    assert "unknown security group 'sg-missing'" in str(caught.value)
    assert "unknown gateway 'gw-missing'" in str(caught.value)


def test_custom_estate_is_served(tmp_path: Path) -> None:
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(small_estate()))
    with running_emulator("--estate", str(path)) as handle:
        client = MseClient(Config(**handle.sdk_config()))
        created = client.add_security_group_rule_with_options(
            mse.AddSecurityGroupRuleRequest(
                gateway_unique_id="gw-x", security_group_id="sg-app", port_range="81/81"
            ),
            RuntimeOptions(),
        ).body.data
        assert created == "40"  # by default Data is not the new record's id (strict reading)
        state = handle.state()
    assert state["region_id"] == "eu-central-1"
    assert [rule["id"] for rule in state["mse_rules"]["gw-x"]] == [40, 41]
    assert state["security_groups"]["sg-app"][0]["source_group_id"] == "sg-gw"
    assert state["names"] == {"gw-x": "edge", "sg-gw": "gw", "sg-app": "app"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        (json.dumps({"region_id": "x"}), "vpcs"),
        (json.dumps(small_estate() | {"surprise": 1}), "surprise"),
    ],
)
def test_bad_estate_exits_with_status_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = subprocess.run(
        emulator_command("--estate", str(path)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_missing_estate_file_exits_with_status_2(tmp_path: Path) -> None:
    result = subprocess.run(
        emulator_command("--estate", str(tmp_path / "absent.json")),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot read estate" in result.stderr
