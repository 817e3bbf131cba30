"""The Alibaba Cloud adapter: ``CloudPort`` over the official MSE, ECS and CS SDK clients.

With ``aliyun_transport`` and ``aliyun_errors`` this is the only code that imports the SDK,
and it is imported only by ``bot.cloud.factory`` when a client is built (the credentials
package reads ``ALIBABA_CLOUD_*`` at import). Requests are built from the SDK's models and
sent through ``SdkCaller`` (bounded concurrency, reads retried, writes sent once); replies are
read through ``to_map()``, so the parsing below uses the documented wire names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alibabacloud_mse20190531 import models as mse_models

from bot.cloud import aliyun_parse as parse
from bot.cloud.aliyun_cs import CsReads
from bot.cloud.aliyun_ecs import EcsReads
from bot.cloud.aliyun_transport import (
    ClientSettings,
    SdkCall,
    SdkCaller,
    SdkClients,
    build_clients,
)
from bot.cloud.port import (
    AddedRule,
    Gateway,
    GatewayRule,
    GatewayService,
    GatewaySummary,
    RuleListing,
    ServiceSource,
)
from bot.cloud.retry import RetryPolicy
from vocabulary.commands import PortRange
from vocabulary.errors import NotFound

PAGE_SIZE = 100
"""MSE pages top out at 100 entries per call."""
LANG = "en"
"""MSE's AcceptLanguage takes zh or en; without it error messages may come in Chinese."""


class AliyunCloud:
    """One region's MSE, ECS and CS clients behind ``CloudPort``; ECS and CS reads are
    ``EcsReads`` and ``CsReads``. Every MSE call asks for English messages."""

    def __init__(self, clients: SdkClients, caller: SdkCaller, region_id: str) -> None:
        self._mse = clients.mse
        self._caller = caller
        self._region_id = region_id
        ecs = EcsReads(clients.ecs, caller, region_id)
        cs = CsReads(clients.cs, caller, region_id)
        self.find_instances = ecs.find_instances
        self.find_network_interfaces = ecs.find_network_interfaces
        self.describe_security_groups = ecs.describe_security_groups
        self.describe_ingress_rules = ecs.describe_ingress_rules
        self.get_cluster = cs.get_cluster
        self.find_clusters_by_name = cs.find_clusters_by_name
        self.list_node_pools = cs.list_node_pools
        self.list_cluster_nodes = cs.list_cluster_nodes

    @property
    def region_id(self) -> str:
        return self._region_id

    async def get_gateway(self, unique_id: str) -> Gateway:
        request = mse_models.GetGatewayRequest(gateway_unique_id=unique_id, accept_language=LANG)
        body = await self._caller.read(
            "mse", "GetGateway", self._mse.get_gateway_with_options, request
        )
        data = body.get("Data") or {}
        if not data.get("GatewayUniqueId"):
            raise NotFound(f"gateway {unique_id} does not exist", request_id=body.get("RequestId"))
        return parse.gateway(data)

    async def find_gateways_by_name(self, name: str) -> list[GatewaySummary]:
        def page(number: int) -> Any:
            return mse_models.ListGatewayRequest(
                filter_params=mse_models.ListGatewayRequestFilterParams(name=name),
                page_number=number,
                page_size=PAGE_SIZE,
                accept_language=LANG,
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
                filter_params=filters, page_number=number, page_size=PAGE_SIZE, accept_language=LANG
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
                meta_info=item.get("MetaInfo") or None,
                ports=parse.service_ports(item),
            )
            for item in items
        ]

    async def list_service_sources(self, gateway_id: str) -> list[ServiceSource]:
        request = mse_models.ListServiceSourceRequest(
            gateway_unique_id=gateway_id, accept_language=LANG
        )
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

    async def list_rules(self, gateway_id: str) -> list[GatewayRule]:
        return list((await self.list_all_rules(gateway_id)).tcp)

    async def list_all_rules(self, gateway_id: str) -> RuleListing:
        request = mse_models.ListSecurityGroupRuleRequest(
            gateway_unique_id=gateway_id, accept_language=LANG
        )
        call = self._mse.list_security_group_rule_with_options
        body = await self._caller.read("mse", "ListSecurityGroupRule", call, request)
        return parse.rule_listing(list(body.get("Data") or ()))

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        request = mse_models.AddSecurityGroupRuleRequest(
            gateway_unique_id=gateway_id,
            security_group_id=group_id,
            port_range=ports.mse,
            description=description,
            accept_language=LANG,
        )
        call = self._mse.add_security_group_rule_with_options
        body = await self._caller.write("mse", "AddSecurityGroupRule", call, request)
        data = body.get("Data")
        return AddedRule(
            data=None if data is None else str(data), request_id=str(body.get("RequestId", ""))
        )

    async def delete_rule(self, gateway_id: str, rule_id: int, *, cascade: bool) -> str:
        request = mse_models.DeleteSecurityGroupRuleRequest(
            id=rule_id, gateway_unique_id=gateway_id, cascading_delete=cascade, accept_language=LANG
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


def build_aliyun_cloud(
    settings: ClientSettings, *, retry: RetryPolicy, max_concurrency: int
) -> AliyunCloud:
    caller = SdkCaller(retry, max_concurrency)
    return AliyunCloud(build_clients(settings), caller, settings.region_id)
