"""The adapter's CS (ACK) half: clusters, node pools and nodes, over ROA ``GET`` paths."""

from __future__ import annotations

from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CsClient

from bot.cloud import aliyun_parse as parse
from bot.cloud.aliyun_transport import SdkCaller
from bot.cloud.port import Cluster, ClusterNode, NodePool

PAGE_SIZE = 100
"""DescribeClustersV1 and DescribeClusterNodes pages."""


class CsReads:
    def __init__(self, client: CsClient, caller: SdkCaller, region_id: str) -> None:
        self._cs = client
        self._caller = caller
        self._region_id = region_id

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
        return [parse.node_pool(pool) for pool in body.get("nodepools") or ()]

    async def list_cluster_nodes(
        self, cluster_id: str, nodepool_id: str | None = None
    ) -> list[ClusterNode]:
        call = self._cs.describe_cluster_nodes_with_options
        nodes: list[ClusterNode] = []
        number = 1
        while True:
            # The API types its page fields as strings.
            request = cs_models.DescribeClusterNodesRequest(
                nodepool_id=nodepool_id, page_number=str(number), page_size=str(PAGE_SIZE)
            )
            body = await self._caller.read(
                "cs", "DescribeClusterNodes", call, cluster_id, request, {}
            )
            batch = body.get("nodes") or []
            nodes.extend(parse.cluster_node(item) for item in batch if parse.is_worker(item))
            total = int((body.get("page") or {}).get("total_count") or 0)
            if not batch or number * PAGE_SIZE >= total:
                return nodes
            number += 1
