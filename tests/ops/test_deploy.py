"""The Kubernetes manifests and the alert rules, checked as a cluster and Prometheus would.

Each kustomization is rendered with ``kubectl kustomize`` and every object validated against
Kubernetes schemas shipped inside ``kubernetes-validate`` (nothing is fetched); then what the
objects promise sgbot is checked against sgbot itself: every variable is a setting it reads
(or a documented Alibaba Cloud credentials variable), the settings a process needs are there
and valid, every command is one the ``sgbot`` CLI parses, probes and ports agree with
``SGBOT_HEALTH_PORT``. The image is not built here; the Dockerfile is read instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from bot.__main__ import build_parser
from bot.metrics import Metrics
from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yaml"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
KUSTOMIZATIONS = ["base", "overlays/http", "overlays/socket", "overlays/trial"]
# ACK's oldest supported line, and the newest the validator ships.
KUBERNETES_VERSIONS = ["1.30.0", kubernetes_validate.latest_version()]
# Read by the Alibaba Cloud credentials chain, not by sgbot's settings (README, Configuration).
CREDENTIAL_VARIABLES = {
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
}
SETTINGS = {field.alias for field in Settings.model_fields.values() if field.alias}
# Stand-ins for what the Secrets hold: the shape sgbot checks, never a real value.
SECRET_STAND_INS = {
    ("sgbot-slack", "bot-token"): "xoxb-stand-in",
    ("sgbot-slack", "signing-secret"): "stand-in-signing-secret",
    ("sgbot-slack", "app-token"): "xapp-stand-in",
    ("sgbot-redis", "url"): "rediss://sgbot:stand-in@r-bp1.redis.rds.aliyuncs.com:6379/0",
}

needs_kubectl = pytest.mark.skipif(
    shutil.which("kubectl") is None,
    reason="kubectl is not installed, so the kustomizations cannot be rendered here",
)


def render(path: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["kubectl", "kustomize", str(KUBE / path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [obj for obj in yaml.safe_load_all(done.stdout) if obj]


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def sgbot_containers(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The sgbot container of each Deployment, by Deployment name."""
    return {
        name: deployment["spec"]["template"]["spec"]["containers"][0]
        for name, deployment in of_kind(objects, "Deployment").items()
    }


def environment(objects: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """The variables ``container`` gets: ConfigMap values as written, Secrets as stand-ins."""
    config_maps = of_kind(objects, "ConfigMap")
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]]["data"])
    for variable in container.get("env", []):
        if "value" in variable:
            env[variable["name"]] = variable["value"]
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            env[variable["name"]] = SECRET_STAND_INS[(ref["name"], ref["key"])]
    return env


@needs_kubectl
@pytest.mark.parametrize("path", KUSTOMIZATIONS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_kubernetes(path: str, version: str) -> None:
    objects = render(path)
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


@needs_kubectl
@pytest.mark.parametrize("path", ["overlays/http", "overlays/socket", "overlays/trial"])
def test_variables_are_real_settings_and_each_process_has_what_it_needs(path: str) -> None:
    objects = render(path)
    containers = sgbot_containers(objects)
    assert set(containers) == {"sgbot-web", "sgbot-worker"}
    for name, container in containers.items():
        env = environment(objects, container)
        unknown = set(env) - SETTINGS - CREDENTIAL_VARIABLES
        assert not unknown, f"{name}: {sorted(unknown)} are not settings sgbot reads"
        assert not [v for v in env if "ACCESS_KEY" in v], "no access keys in manifests"
        settings = load_settings(**env)  # every value valid, as start-up would check it
        args = container["args"]
        command = build_parser().parse_args(args[1:])
        if command.subcommand in {"serve", "socket"}:
            settings.require_serving(socket_mode=command.subcommand == "socket")
            assert command.no_worker, "the web tier leaves the cloud work to the workers"
        else:
            assert command.subcommand == "worker"
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert ports["health"] == settings.health_port
        if command.subcommand == "serve":
            assert ports["http"] == command.port
            assert command.host == "0.0.0.0"


@needs_kubectl
def test_the_images_command_is_the_cli() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for path in ("overlays/http", "overlays/socket"):
        for container in sgbot_containers(render(path)).values():
            assert container["image"].split(":")[0].endswith("sgbot")
            assert container["args"][0] in scripts
            assert "command" not in container  # the image's PATH holds the venv's sgbot


@needs_kubectl
@pytest.mark.parametrize("path", ["overlays/http", "overlays/socket"])
def test_pods_are_locked_down_probed_sized_and_budgeted(path: str) -> None:
    objects = render(path)
    budgets = of_kind(objects, "PodDisruptionBudget")
    for name, deployment in of_kind(objects, "Deployment").items():
        spec = deployment["spec"]["template"]["spec"]
        assert deployment["spec"]["replicas"] == 2
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["serviceAccountName"] == "sgbot"
        assert spec["terminationGracePeriodSeconds"] >= 30
        container = spec["containers"][0]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert budgets[name]["spec"]["selector"]["matchLabels"] == selector
    account = of_kind(objects, "ServiceAccount")["sgbot"]
    assert account["metadata"]["annotations"]["pod-identity.alibabacloud.com/role-name"]
    namespace = of_kind(objects, "Namespace")["sgbot"]
    assert namespace["metadata"]["labels"]["pod-identity.alibabacloud.com/injection"] == "on"
    assert not of_kind(objects, "Secret"), "secrets are created by the user, not shipped"


@needs_kubectl
def test_network_policy_opens_only_the_web_port_and_needed_egress() -> None:
    http = render("overlays/http")
    policies = of_kind(http, "NetworkPolicy")
    web = policies["sgbot-web"]["spec"]
    assert web["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    assert [p["port"] for rule in web["ingress"] for p in rule["ports"]] == [3000]
    common = policies["sgbot"]["spec"]
    assert set(common["policyTypes"]) == {"Ingress", "Egress"}
    egress = {(p["protocol"], p["port"]) for rule in common["egress"] for p in rule["ports"]}
    assert egress == {("UDP", 53), ("TCP", 53), ("TCP", 443), ("TCP", 6379)}
    # Inbound, only the health port, and only from the monitoring namespace.
    assert [p["port"] for rule in common["ingress"] for p in rule["ports"]] == [8081]
    assert all("namespaceSelector" in peer for rule in common["ingress"] for peer in rule["from"])
    socket = render("overlays/socket")
    assert "sgbot-web" not in of_kind(socket, "NetworkPolicy")
    assert not of_kind(socket, "Service")
    web_ports = sgbot_containers(socket)["sgbot-web"]["ports"]
    assert [port["name"] for port in web_ports] == ["health"]


@needs_kubectl
def test_the_trial_redis_keeps_an_append_only_file() -> None:
    redis = of_kind(render("overlays/trial"), "StatefulSet")["sgbot-redis"]
    args = redis["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    assert redis["spec"]["volumeClaimTemplates"]


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_alert_rules_match_the_rule_file_schema() -> None:
    schema = json.loads((Path(__file__).parent / "prometheus_rules.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(ALERTS.read_text(encoding="utf-8")), schema)


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is not installed (Debian: apt-get install prometheus); the schema test "
    "above still checks the file",
)
def test_promtool_accepts_the_alert_rules() -> None:
    done = subprocess.run(
        ["promtool", "check", "rules", str(ALERTS)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in done.stdout


def test_alerts_use_exported_metrics_and_have_a_runbook() -> None:
    types = re.findall(r"^# TYPE (\w+) (\w+)", Metrics().render().decode(), re.MULTILINE)
    # prometheus_client's own *_created series are not sgbot's metrics.
    exported = {(name, kind) for name, kind in types if not name.endswith("_created")}
    names = set()
    for name, kind in exported:
        names.add(name)
        if kind == "counter":
            names.add(f"{name}_total")
        if kind == "histogram":
            names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
    for rule in alert_rules():
        used = set(re.findall(r"\bsgbot_\w+", rule["expr"]))
        assert used, rule["alert"]
        assert used <= names, (rule["alert"], used - names)
        anchor = rule["alert"].lower()
        assert rule["annotations"]["runbook"] == f"docs/operations.md#{anchor}"
        assert re.search(rf"^#+ {rule['alert']}$", OPERATIONS, re.MULTILINE), rule["alert"]
    for name in sorted(n for n, _ in exported):
        assert name in OPERATIONS, f"{name} is not documented in docs/operations.md"
