"""The emulated cloud's state: the estate file format, its loading and validation.

An estate is one JSON object (all ids are free-form strings unless noted)::

    {
      "region_id": "cn-hangzhou",                 # the only region that has anything in it
      "account_id": "1234567890123456",
      "vpcs": [{"vpc_id": "vpc-1", "cidr": "10.0.0.0/16"}],
      "gateways": [{"gateway_unique_id": "gw-…", "id": 101, "name": "prod-gw",
                    "instance_id": "mse_ingresspost-cn-…", "security_group_id": "sg-…",
                    "vpc_id": "vpc-1", "vswitch_id": "vsw-…", "vswitch_cidr": "10.0.0.0/24",
                    "vswitch2_id": "", "vswitch2_cidr": "",   # a second vSwitch, if any
                    "status": 2, "spec": "MSE_GTW_2_4_200_c", "replica": 2}],
      "security_groups": [{"security_group_id": "sg-…", "name": "…", "type": "normal|enterprise",
                           "vpc_id": "vpc-1", "service_managed": false,
                           "permissions": [{"security_group_rule_id": "sgr-…",
                                            "direction": "ingress", "policy": "Accept",
                                            "ip_protocol": "TCP",
                                            "port_range": "443/443", "source_group_id": "sg-…",
                                            "source_cidr_ip": "", "priority": "1",
                                            "description": ""}]}],
      "instances": [{"instance_id": "i-…", "name": "…", "vpc_id": "vpc-1",
                     "private_ip": "10.0.1.10", "secondary_ips": [],   # on the primary ENI
                     "security_group_ids": ["sg-…"]}],
      "network_interfaces": [{"network_interface_id": "eni-…", "vpc_id": "vpc-1",
                              "primary_ip": "10.0.5.10", "secondary_ips": ["10.0.5.11"],
                              "security_group_ids": ["sg-…"], "instance_id": "",
                              "description": "…"}],   # secondary ENIs (Terway, ECI)
      "clusters": [{"cluster_id": "c…", "name": "prod-ack", "cluster_type": "ManagedKubernetes",
                    "profile": "Default|Serverless", "vpc_id": "vpc-1",
                    "security_group_id": "sg-…", "state": "running",
                    "container_cidr": "172.16.0.0/16",   # Flannel's pod CIDR; "" for Terway
                    "node_pools": [{"nodepool_id": "np-…", "name": "…", "is_default": false,
                                    "security_group_ids": ["sg-…"],
                                    "nodes": [{"instance_id": "i-…", "ip": "10.0.3.11",
                                               "security_group_ids": null}]}],
                    "nodes": [{"instance_id": "i-…", "ip": "10.0.3.31",
                               "security_group_ids": ["sg-…"]}]}],   # outside any pool
      "service_sources": [{"id": 1, "gateway_unique_id": "gw-…", "source": "K8s",
                           "address": "<cluster id>", "name": "…"}],
      "gateway_services": [{"id": 11, "gateway_unique_id": "gw-…", "name": "orders",
                            "namespace": "default", "source_type": "K8s|VIP|DNS|MSE",
                            "source_id": 1, "ips": ["172.16.0.10"], "ports": [8080],
                            "service_port": 8080, "meta_info": "[\\"10.0.1.10:8080\\"]"}],
      "mse_rules": [{"id": 1, "gateway_unique_id": "gw-…", "security_group_id": "sg-…",
                     "port_range": "443/443", "description": ""}]
    }

Cluster nodes are ECS instances too: they answer DescribeInstances with their own
``security_group_ids`` when given (a node changed after it was created), else their pool's (or,
outside any pool, the cluster's) groups. Every instance also has a primary ENI, answered by
DescribeNetworkInterfaces with the instance's groups.
Every reference (a gateway's VPC and group, an instance's groups, a rule's gateway…) must name
something defined in the file; ``load_estate`` raises ``EstateError`` saying what is wrong.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEMO_ESTATE = "demo_estate.json"
CREATED_AT = "2024-01-01T00:00:00Z"


class EstateError(Exception):
    """The estate file cannot be read or does not describe a consistent cloud."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Vpc(_Model):
    vpc_id: str
    cidr: str = "10.0.0.0/16"


class Gateway(_Model):
    gateway_unique_id: str
    id: int
    name: str
    instance_id: str
    security_group_id: str
    vpc_id: str
    vswitch_id: str = "vsw-emulator"
    vswitch_cidr: str = "10.0.0.0/24"
    vswitch2_id: str = ""
    vswitch2_cidr: str = ""
    status: int = 2
    spec: str = "MSE_GTW_2_4_200_c"
    replica: int = 2
    gateway_type: str = "Ingress"


class Permission(_Model):
    security_group_rule_id: str
    direction: Literal["ingress", "egress"] = "ingress"
    policy: Literal["Accept", "Drop"] = "Accept"
    ip_protocol: str = "TCP"
    port_range: str
    source_group_id: str = ""
    source_cidr_ip: str = ""
    priority: str = "1"
    description: str = ""
    create_time: str = CREATED_AT


class SecurityGroup(_Model):
    security_group_id: str
    name: str
    type: Literal["normal", "enterprise"] = "normal"
    vpc_id: str
    service_managed: bool = False
    permissions: list[Permission] = Field(default_factory=list)


class Instance(_Model):
    instance_id: str
    name: str = ""
    vpc_id: str
    private_ip: str
    secondary_ips: list[str] = Field(default_factory=list)  # on the primary ENI
    security_group_ids: list[str]
    status: str = "Running"


class NetworkInterface(_Model):
    """A secondary ENI: attached to an instance (Terway) or to none in the estate (ECI)."""

    network_interface_id: str
    vpc_id: str
    primary_ip: str
    secondary_ips: list[str] = Field(default_factory=list)
    security_group_ids: list[str] = Field(min_length=1)
    instance_id: str = ""
    description: str = ""


class Node(_Model):
    instance_id: str
    ip: str
    created: str = "2024-01-01T00:00:00+08:00"  # DescribeClusterNodes' creation_time
    security_group_ids: list[str] | None = None  # None: the pool's (or cluster's) groups


class NodePool(_Model):
    nodepool_id: str
    name: str
    is_default: bool = False
    security_group_ids: list[str] = Field(min_length=1)
    nodes: list[Node] = Field(default_factory=list)


class Cluster(_Model):
    cluster_id: str
    name: str
    cluster_type: str = "ManagedKubernetes"
    profile: str = "Default"
    vpc_id: str
    security_group_id: str
    state: str = "running"
    container_cidr: str = ""  # Flannel's pod CIDR; empty for Terway (pods on VPC ENIs)
    node_pools: list[NodePool] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)  # outside any node pool (older clusters)


class ServiceSource(_Model):
    id: int
    gateway_unique_id: str
    source: str = "K8s"
    address: str
    name: str


class GatewayService(_Model):
    id: int
    gateway_unique_id: str
    name: str
    namespace: str = ""
    group_name: str = ""
    source_type: str
    source_id: int | None = None
    ips: list[str] = Field(default_factory=list)
    ports: list[int] = Field(default_factory=list)
    service_port: int | None = None
    service_protocol: str = "HTTP"
    meta_info: str | None = None


class MseRule(_Model):
    id: int
    gateway_unique_id: str
    security_group_id: str
    port_range: str
    ip_protocol: str = "tcp"
    description: str = ""
    gmt_create: str = "2024-01-01T00:00:00.000+0000"
    # The ECS rules MSE linked this record to, and whether this record's add created them; an
    # estate may leave both out (records are linked to identical inbound rules on load).
    ecs_rule_ids: list[str] = Field(default_factory=list)
    ecs_rule_created: bool = False


class Estate(_Model):
    region_id: str
    account_id: str = "1234567890123456"
    vpcs: list[Vpc]
    gateways: list[Gateway] = Field(default_factory=list)
    security_groups: list[SecurityGroup] = Field(default_factory=list)
    instances: list[Instance] = Field(default_factory=list)
    network_interfaces: list[NetworkInterface] = Field(default_factory=list)
    clusters: list[Cluster] = Field(default_factory=list)
    service_sources: list[ServiceSource] = Field(default_factory=list)
    gateway_services: list[GatewayService] = Field(default_factory=list)
    mse_rules: list[MseRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Estate:
        vpcs = {vpc.vpc_id for vpc in self.vpcs}
        groups = {group.security_group_id for group in self.security_groups}
        gateways = {gateway.gateway_unique_id for gateway in self.gateways}
        sources = {source.id for source in self.service_sources}
        problems: list[str] = []

        def need(
            kind: str, value: str | int | None, known: set[str] | set[int], where: str
        ) -> None:
            if value is not None and value not in known:
                problems.append(f"{where}: unknown {kind} {value!r}")

        for gateway in self.gateways:
            need("vpc", gateway.vpc_id, vpcs, f"gateway {gateway.name}")
            need("security group", gateway.security_group_id, groups, f"gateway {gateway.name}")
        for group in self.security_groups:
            need("vpc", group.vpc_id, vpcs, f"security group {group.security_group_id}")
        for instance in self.instances:
            need("vpc", instance.vpc_id, vpcs, f"instance {instance.instance_id}")
            for group_id in instance.security_group_ids:
                need("security group", group_id, groups, f"instance {instance.instance_id}")
        for eni in self.network_interfaces:
            need("vpc", eni.vpc_id, vpcs, f"network interface {eni.network_interface_id}")
            for group_id in eni.security_group_ids:
                need("security group", group_id, groups, f"eni {eni.network_interface_id}")
        for cluster in self.clusters:
            need("vpc", cluster.vpc_id, vpcs, f"cluster {cluster.name}")
            need("security group", cluster.security_group_id, groups, f"cluster {cluster.name}")
            nodes = [*cluster.nodes, *(n for p in cluster.node_pools for n in p.nodes)]
            for pool in cluster.node_pools:
                for group_id in pool.security_group_ids:
                    need("security group", group_id, groups, f"node pool {pool.nodepool_id}")
            for node in nodes:
                for group_id in node.security_group_ids or ():
                    need("security group", group_id, groups, f"node {node.instance_id}")
        for source in self.service_sources:
            need("gateway", source.gateway_unique_id, gateways, f"service source {source.id}")
        for service in self.gateway_services:
            need("gateway", service.gateway_unique_id, gateways, f"service {service.name}")
            need("service source", service.source_id, sources, f"service {service.name}")
        for rule in self.mse_rules:
            need("gateway", rule.gateway_unique_id, gateways, f"mse rule {rule.id}")
            need("security group", rule.security_group_id, groups, f"mse rule {rule.id}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_estate(path: Path | None = None) -> Estate:
    """Read an estate file, or the built-in demo estate when ``path`` is None."""
    try:
        if path is None:
            text = resources.files(__package__).joinpath(DEMO_ESTATE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return Estate.model_validate(json.loads(text))
    except OSError as exc:
        raise EstateError(f"cannot read estate {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise EstateError(f"estate {path} is not JSON: {exc}") from exc
    except ValidationError as exc:
        raise EstateError(f"estate {path or DEMO_ESTATE} is invalid:\n{exc}") from exc
