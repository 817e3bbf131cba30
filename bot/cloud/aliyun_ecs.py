"""The adapter's ECS half: instances, ENIs, security groups and their inbound rules.

Id and IP lists are cut into chunks of 100 (what the API takes) and fetched concurrently, each
chunk over every page. Lookups by IP never trust the server's filter alone: DescribeInstances
applies ``PrivateIpAddresses`` only with ``InstanceNetworkType=vpc`` (else it answers every
instance the other filters allow), so both are sent and only instances that hold one of the
IPs on their primary ENI are kept; ENIs likewise must hold one of the IPs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient

from bot.cloud import aliyun_parse as parse
from bot.cloud.aliyun_transport import SdkCall, SdkCaller
from bot.cloud.port import IngressRule, Instance, NetworkInterface, SecurityGroup

CHUNK = 100
"""DescribeInstances, DescribeSecurityGroups and DescribeNetworkInterfaces take 100 ids/IPs."""
ENI_PAGE_SIZE = 500
INGRESS_PAGE_SIZE = 1000
"""The largest pages DescribeNetworkInterfaces and DescribeSecurityGroupAttribute give."""


class EcsReads:
    def __init__(self, client: EcsClient, caller: SdkCaller, region_id: str) -> None:
        self._ecs = client
        self._caller = caller
        self._region_id = region_id

    async def find_instances(
        self,
        *,
        instance_ids: Sequence[str] = (),
        private_ips: Sequence[str] = (),
        vpc_id: str | None = None,
    ) -> list[Instance]:
        def request(key: str, chunk: list[str], token: str | None) -> Any:
            by_ip = key == "private_ip_addresses"
            return ecs_models.DescribeInstancesRequest(
                region_id=self._region_id,
                vpc_id=vpc_id,
                # The IP filter "takes effect when InstanceNetworkType is set to vpc".
                instance_network_type="vpc" if by_ip else None,
                max_results=CHUNK,
                next_token=token,
                **{key: json.dumps(chunk)},
            )

        call = self._ecs.describe_instances_with_options
        found = await self._fan_out(
            "DescribeInstances", call, request, ("Instances", "Instance"),
            [("instance_ids", instance_ids), ("private_ip_addresses", private_ips)],
        )  # fmt: skip
        instances = [parse.instance(item) for item in found]
        wanted_ids, wanted_ips = set(instance_ids), set(private_ips)
        return [
            i
            for i in instances
            if i.instance_id in wanted_ids or any(i.holds(ip) for ip in wanted_ips)
        ]

    async def find_network_interfaces(
        self, vpc_id: str, *, secondary_ips: Sequence[str] = (), primary_ip: str | None = None
    ) -> list[NetworkInterface]:
        def request(key: str, chunk: list[str], token: str | None) -> Any:
            value: Any = chunk if key == "private_ip_address" else chunk[0]
            return ecs_models.DescribeNetworkInterfacesRequest(
                region_id=self._region_id,
                vpc_id=vpc_id,
                max_results=ENI_PAGE_SIZE,
                next_token=token,
                **{key: value},
            )

        filters: list[tuple[str, Sequence[str]]] = [("private_ip_address", secondary_ips)]
        if primary_ip is not None:
            filters.append(("primary_ip_address", [primary_ip]))
        call = self._ecs.describe_network_interfaces_with_options
        found = await self._fan_out(
            "DescribeNetworkInterfaces", call, request,
            ("NetworkInterfaceSets", "NetworkInterfaceSet"), filters,
        )  # fmt: skip
        wanted = {*secondary_ips, *([primary_ip] if primary_ip else [])}
        enis = [parse.network_interface(item) for item in found]
        return [e for e in enis if e.vpc_id == vpc_id and any(e.holds(ip) for ip in wanted)]

    async def describe_security_groups(self, group_ids: Sequence[str]) -> list[SecurityGroup]:
        def request(key: str, chunk: list[str], token: str | None) -> Any:
            return ecs_models.DescribeSecurityGroupsRequest(
                region_id=self._region_id,
                max_results=CHUNK,
                next_token=token,
                **{key: json.dumps(chunk)},
            )

        call = self._ecs.describe_security_groups_with_options
        found = await self._fan_out(
            "DescribeSecurityGroups", call, request, ("SecurityGroups", "SecurityGroup"),
            [("security_group_ids", group_ids)],
        )  # fmt: skip
        return [parse.security_group(item) for item in found]

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

    async def _fan_out(
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
            one_chunk(key, list(values[start : start + CHUNK]))
            for key, values in filters
            for start in range(0, len(values), CHUNK)
        ]
        results = await asyncio.gather(*jobs)
        unique = {json.dumps(item, sort_keys=True): item for chunk in results for item in chunk}
        return list(unique.values())
