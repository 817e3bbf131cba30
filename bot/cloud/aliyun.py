"""The Alibaba Cloud adapter: ``CloudPort`` over the official MSE, ECS and CS SDK clients.

With ``aliyun_transport`` and ``aliyun_errors`` this is the only code that imports the SDK,
and it is imported only by ``bot.cloud.factory`` when a client is built (the credentials
package reads ``ALIBABA_CLOUD_*`` at import). Requests are built from the SDK's models and
sent through ``SdkCaller`` (bounded concurrency, reads retried, writes sent once); replies are
read through ``to_map()``, so the parsing below uses the documented wire names.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_mse20190531 import models as mse_models

from bot.cloud import aliyun_parse as parse
from bot.cloud.aliyun_transport import SdkCall, SdkCaller, SdkClients, build_clients
from bot.cloud.port import (
    AddedRule,
    Cluster,
    Gateway,
    GatewayRule,
    GatewayService,
    GatewaySummary,
    IngressRule,
    Instance,
    NodePool,
    RuleListing,
    SecurityGroup,
    ServiceSource,
)
from bot.cloud.retry import RetryPolicy
from bot.commands import PortRange
from bot.errors import NotFound

PAGE_SIZE = 100
"""MSE pages and ECS id lists both top out at 100 entries per call."""
INGRESS_PAGE_SIZE = 1000
"""DescribeSecurityGroupAttribute's largest page."""


class AliyunCloud:
    """One region's MSE, ECS and CS clients behind ``CloudPort``."""

    def __init__(self, clients: SdkClients, caller: SdkCaller, region_id: str) -> None:
        self._mse, self._ecs, self._cs = clients.mse, clients.ecs, clients.cs
        self._caller = caller
        self._region_id = region_id

    @property
    def region_id(self) -> str:
        return self._region_id

    async def get_gateway(self, unique_id: str) -> Gateway:
        request = mse_models.GetGatewayRequest(gateway_unique_id=unique_id)
        body = await self._caller.read(
            "mse", "GetGateway", self._mse.get_gateway_with_options, request
        )
        data = body.get("Data") or {}
        if not data.get("GatewayUniqueId"):
            raise NotFound(f"gateway {unique_id} does not exist", request_id=body.get("RequestId"))
        return Gateway(
            unique_id=data["GatewayUniqueId"],
            name=str(data.get("Name") or ""),
            security_group_id=str(data.get("SecurityGroup") or ""),
            vpc_id=str(data.get("Vpc") or ""),
        )

    async def find_gateways_by_name(self, name: str) -> list[GatewaySummary]:
        def page(number: int) -> Any:
            return mse_models.ListGatewayRequest(
                filter_params=mse_models.ListGatewayRequestFilterParams(name=name),
                page_number=number,
                page_size=PAGE_SIZE,
            )

        items = await self._mse_pages("ListGateway", self._mse.list_gateway_with_options, page)
        return [
            GatewaySummary(unique_id=i["GatewayUniqueId"], name=i.get("Name", "")) for i in items
        ]

    async def list_gateway_services(
        self, gateway_id: str, name: str, namespace: str | None
    ) -> list[GatewayService]:
        def page(number: int) -> Any:
            filters = mse_models.ListGatewayServiceRequestFilterParams(
                gateway_unique_id=gateway_id, name=name, namespace=namespace
            )
            return mse_models.ListGatewayServiceRequest(
                filter_params=filters, page_number=number, page_size=PAGE_SIZE
            )

        call = self._mse.list_gateway_service_with_options
        items = await self._mse_pages("ListGatewayService", call, page)
        return [
            GatewayService(
                name=str(item.get("Name", "")),
                namespace=item.get("Namespace") or None,
                source_type=str(item.get("SourceType", "")),
                source_id=parse.int_or_none(item.get("SourceId")),
                ips=tuple(item.get("Ips") or ()),
            )
            for item in items
        ]

    async def list_service_sources(self, gateway_id: str) -> list[ServiceSource]:
        request = mse_models.ListServiceSourceRequest(gateway_unique_id=gateway_id)
        call = self._mse.list_service_source_with_options
        body = await self._caller.read("mse", "ListServiceSource", call, request)
        return [
            ServiceSource(
                source_id=int(item["Id"]),
                source=str(item.get("Source") or item.get("Type") or ""),
                address=str(item.get("Address", "")),
                name=str(item.get("Name", "")),
            )
            for item in body.get("Data") or ()
        ]

    async def get_cluster(self, cluster_id: str) -> Cluster:
        call = self._cs.describe_cluster_detail_with_options
        return parse.cluster(
            await self._caller.read("cs", "DescribeClusterDetail", call, cluster_id, {})
        )

    async def find_clusters_by_name(self, name: str) -> list[Cluster]:
        request = cs_models.DescribeClustersV1Request(
            name=name, region_id=self._region_id, page_number=1, page_size=PAGE_SIZE
        )
        call = self._cs.describe_clusters_v1with_options
        body = await self._caller.read("cs", "DescribeClustersV1", call, request, {})
        return [parse.cluster(item) for item in body.get("clusters") or ()]

    async def list_node_pools(self, cluster_id: str) -> list[NodePool]:
        request = cs_models.DescribeClusterNodePoolsRequest()
        call = self._cs.describe_cluster_node_pools_with_options
        body = await self._caller.read(
            "cs", "DescribeClusterNodePools", call, cluster_id, request, {}
        )
        pools = []
        for pool in body.get("nodepools") or ():
            info, scaling = pool.get("nodepool_info") or {}, pool.get("scaling_group") or {}
            group_ids = scaling.get("security_group_ids") or [scaling.get("security_group_id")]
            pools.append(
                NodePool(
                    nodepool_id=str(info.get("nodepool_id", "")),
                    name=str(info.get("name", "")),
                    security_group_ids=tuple(g for g in group_ids if g),
                )
            )
        return pools

    async def find_instances(
        self,
        *,
        instance_ids: Sequence[str] = (),
        private_ips: Sequence[str] = (),
        vpc_id: str | None = None,
    ) -> list[Instance]:
        def request(key: str, chunk: list[str], token: str | None) -> Any:
            return ecs_models.DescribeInstancesRequest(
                region_id=self._region_id,
                vpc_id=vpc_id,
                max_results=PAGE_SIZE,
                next_token=token,
                **{key: json.dumps(chunk)},
            )

        call = self._ecs.describe_instances_with_options
        found = await self._ecs_fan_out(
            "DescribeInstances", call, request, ("Instances", "Instance"),
            [("instance_ids", instance_ids), ("private_ip_addresses", private_ips)],
        )  # fmt: skip
        return [parse.instance(item) for item in found]

    async def describe_security_groups(self, group_ids: Sequence[str]) -> list[SecurityGroup]:
        def request(key: str, chunk: list[str], token: str | None) -> Any:
            return ecs_models.DescribeSecurityGroupsRequest(
                region_id=self._region_id,
                max_results=PAGE_SIZE,
                next_token=token,
                **{key: json.dumps(chunk)},
            )

        call = self._ecs.describe_security_groups_with_options
        found = await self._ecs_fan_out(
            "DescribeSecurityGroups", call, request, ("SecurityGroups", "SecurityGroup"),
            [("security_group_ids", group_ids)],
        )  # fmt: skip
        return [
            SecurityGroup(
                security_group_id=str(item["SecurityGroupId"]),
                name=str(item.get("SecurityGroupName", "")),
                group_type=str(item.get("SecurityGroupType") or "normal"),
                vpc_id=str(item.get("VpcId", "")),
            )
            for item in found
        ]

    async def list_rules(self, gateway_id: str) -> list[GatewayRule]:
        return list((await self.list_all_rules(gateway_id)).tcp)

    async def list_all_rules(self, gateway_id: str) -> RuleListing:
        request = mse_models.ListSecurityGroupRuleRequest(gateway_unique_id=gateway_id)
        call = self._mse.list_security_group_rule_with_options
        body = await self._caller.read("mse", "ListSecurityGroupRule", call, request)
        return parse.rule_listing(list(body.get("Data") or ()))

    async def describe_ingress_rules(self, group_id: str) -> list[IngressRule]:
        call = self._ecs.describe_security_group_attribute_with_options
        found: list[IngressRule] = []
        token: str | None = None
        while True:
            request = ecs_models.DescribeSecurityGroupAttributeRequest(
                region_id=self._region_id,
                security_group_id=group_id,
                direction="ingress",
                max_results=INGRESS_PAGE_SIZE,
                next_token=token,
            )
            body = await self._caller.read("ecs", "DescribeSecurityGroupAttribute", call, request)
            permissions = (body.get("Permissions") or {}).get("Permission") or []
            found.extend(parse.ingress_rule(item) for item in permissions)
            token = body.get("NextToken") or None
            if token is None:
                return found

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        request = mse_models.AddSecurityGroupRuleRequest(
            gateway_unique_id=gateway_id,
            security_group_id=group_id,
            port_range=ports.mse,
            description=description,
        )
        call = self._mse.add_security_group_rule_with_options
        body = await self._caller.write("mse", "AddSecurityGroupRule", call, request)
        data = body.get("Data")
        return AddedRule(
            data=None if data is None else str(data), request_id=str(body.get("RequestId", ""))
        )

    async def delete_rule(self, gateway_id: str, rule_id: int, *, cascade: bool) -> str:
        request = mse_models.DeleteSecurityGroupRuleRequest(
            id=rule_id, gateway_unique_id=gateway_id, cascading_delete=cascade
        )
        call = self._mse.delete_security_group_rule_with_options
        body = await self._caller.write("mse", "DeleteSecurityGroupRule", call, request)
        return str(body.get("RequestId", ""))

    async def _mse_pages(
        self, action: str, call: SdkCall, page: Callable[[int], Any]
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        number = 1
        while True:
            data = (await self._caller.read("mse", action, call, page(number))).get("Data") or {}
            batch = data.get("Result") or []
            items.extend(batch)
            if not batch or len(items) >= int(data.get("TotalSize") or 0):
                return items
            number += 1

    async def _ecs_fan_out(
        self,
        action: str,
        call: SdkCall,
        request: Callable[[str, list[str], str | None], Any],
        path: tuple[str, str],
        filters: list[tuple[str, Sequence[str]]],
    ) -> list[dict[str, Any]]:
        """Split id/IP lists into chunks the API accepts and fetch them concurrently."""

        async def one_chunk(key: str, chunk: list[str]) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            token: str | None = None
            while True:
                body = await self._caller.read("ecs", action, call, request(key, chunk, token))
                found.extend((body.get(path[0]) or {}).get(path[1]) or [])
                token = body.get("NextToken") or None
                if token is None:
                    return found

        jobs = [
            one_chunk(key, list(values[start : start + PAGE_SIZE]))
            for key, values in filters
            for start in range(0, len(values), PAGE_SIZE)
        ]
        results = await asyncio.gather(*jobs)
        unique = {json.dumps(item, sort_keys=True): item for chunk in results for item in chunk}
        return list(unique.values())


def build_aliyun_cloud(
    *,
    region_id: str,
    endpoints: dict[str, str],
    protocol: str,
    credential: Any,
    connect_timeout_ms: int,
    read_timeout_ms: int,
    retry: RetryPolicy,
    max_concurrency: int,
) -> AliyunCloud:
    clients = build_clients(
        region_id=region_id,
        endpoints=endpoints,
        protocol=protocol,
        credential=credential,
        connect_timeout_ms=connect_timeout_ms,
        read_timeout_ms=read_timeout_ms,
    )
    return AliyunCloud(clients, SdkCaller(retry, max_concurrency), region_id)
