"""CS (ACK) 2015-12-15 wire handlers: ROA ``GET`` paths in, bare snake_case JSON out.

Routes are matched on the path; ``ROUTES`` maps each pattern to the action name (for call
counting, faults and RAM messages) and its handler. Serverless (``profile: Serverless``) clusters
have no node pools and no nodes. Nodes outside any pool have an empty ``nodepool_id``. Unknown
clusters fail with 404 ``ErrorClusterNotFound``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from standins.cloud.backend import Backend, CloudError
from standins.cloud.params import Params
from standins.cloud.state import Cluster, NodePool

Body = dict[str, Any]
Handler = Callable[[Backend, tuple[str, ...], Params], Body]
CREATED = "2024-01-01T00:00:00+08:00"


def _cluster(backend: Backend, cluster_id: str) -> Cluster:
    cluster = backend.cluster(cluster_id)
    if cluster is None:
        raise CloudError(404, "ErrorClusterNotFound", f"cluster {cluster_id} not found")
    return cluster


def _cluster_fields(backend: Backend, cluster: Cluster) -> Body:
    return {
        "cluster_id": cluster.cluster_id,
        "name": cluster.name,
        "cluster_type": cluster.cluster_type,
        "profile": cluster.profile,
        "cluster_spec": "ack.pro.small",
        "region_id": backend.estate.region_id,
        "vpc_id": cluster.vpc_id,
        "vswitch_ids": ["vsw-emulator"],
        "security_group_id": cluster.security_group_id,
        "state": cluster.state,
        "current_version": "1.31.1-aliyun.1",
        "network_mode": "vpc",
        # Flannel clusters report their pod CIDR here; Terway clusters (pods on ENIs) do not.
        "container_cidr": cluster.container_cidr,
        "subnet_cidr": cluster.container_cidr,
        "created": CREATED,
        "updated": CREATED,
        "tags": [],
    }


def describe_cluster_detail(backend: Backend, path: tuple[str, ...], _query: Params) -> Body:
    cluster = _cluster(backend, path[0])
    return _cluster_fields(backend, cluster) | {"rrsa_config": {"enabled": False}}


def _node_pool(backend: Backend, pool: NodePool) -> Body:
    return {
        "nodepool_info": {
            "nodepool_id": pool.nodepool_id,
            "name": pool.name,
            "is_default": pool.is_default,
            "type": "ess",
            "region_id": backend.estate.region_id,
            "created": CREATED,
            "updated": CREATED,
        },
        "scaling_group": {
            "scaling_group_id": f"asg-{pool.nodepool_id}",
            "security_group_ids": list(pool.security_group_ids),
            # Deprecated single-group field; the API fills it with the first group.
            "security_group_id": pool.security_group_ids[0],
            "vswitch_ids": ["vsw-emulator"],
            "instance_types": ["ecs.g7.large"],
        },
        "status": {
            "state": "active",
            "total_nodes": len(pool.nodes),
            "healthy_nodes": len(pool.nodes),
            "serving_nodes": len(pool.nodes),
        },
    }


def describe_cluster_node_pools(backend: Backend, path: tuple[str, ...], query: Params) -> Body:
    cluster = _cluster(backend, path[0])
    name = query.optional("NodepoolName")
    return {
        "nodepools": [
            _node_pool(backend, pool) for pool in cluster.node_pools if name in (None, pool.name)
        ]
    }


def describe_cluster_node_pool_detail(
    backend: Backend, path: tuple[str, ...], _query: Params
) -> Body:
    cluster = _cluster(backend, path[0])
    pool = backend.node_pool(cluster, path[1])
    if pool is None:
        raise CloudError(404, "ErrorNodePoolNotFound", f"node pool {path[1]} not found")
    return _node_pool(backend, pool)


def describe_cluster_nodes(backend: Backend, path: tuple[str, ...], query: Params) -> Body:
    cluster = _cluster(backend, path[0])
    pool_id = query.optional("nodepool_id")
    instance_ids = query.optional("instanceIds")
    node_ips = query.optional("nodeIps")
    nodes = [
        {
            "instance_id": placed.node.instance_id,
            "instance_name": placed.node.instance_id,
            "nodepool_id": placed.nodepool_id,
            "node_name": f"{backend.estate.region_id}.{placed.node.ip}",
            "host_name": placed.node.instance_id,
            "ip_address": [placed.node.ip],
            "instance_role": "Worker",
            "instance_status": "Running",
            "instance_type": "ecs.g7.large",
            "node_status": "Ready",
            "state": "running",
            "source": "ess_attach" if placed.nodepool_id else "manual_attach",
            "creation_time": placed.node.created,
        }
        for placed in backend.cluster_nodes(cluster)
        if pool_id in (None, placed.nodepool_id)
        and (instance_ids is None or placed.node.instance_id in instance_ids.split(","))
        and (node_ips is None or placed.node.ip in node_ips.split(","))
    ]
    number, size = query.integer("pageNumber", 1), query.integer("pageSize", 10)
    window = nodes[(number - 1) * size : number * size]
    return {
        "nodes": window,
        "page": {"page_number": number, "page_size": size, "total_count": len(nodes)},
    }


def describe_clusters_v1(backend: Backend, _path: tuple[str, ...], query: Params) -> Body:
    region = query.optional("region_id")
    filters = {
        "cluster_type": query.optional("cluster_type"),
        "profile": query.optional("profile"),
        "cluster_id": query.optional("cluster_id"),
    }
    clusters = [
        _cluster_fields(backend, cluster)
        for cluster in backend.estate.clusters
        if region in (None, backend.estate.region_id)
        and (query.optional("name") or "") in cluster.name
        and all(value in (None, getattr(cluster, key)) for key, value in filters.items())
    ]
    number, size = query.integer("page_number", 1), query.integer("page_size", 10)
    return {
        "clusters": clusters[(number - 1) * size : number * size],
        "page_info": {"page_number": number, "page_size": size, "total_count": len(clusters)},
    }


SEGMENT = r"([^/]+)"
ROUTES: list[tuple[re.Pattern[str], str, Handler]] = [
    (re.compile(rf"/clusters/{SEGMENT}"), "DescribeClusterDetail", describe_cluster_detail),
    (
        re.compile(rf"/clusters/{SEGMENT}/nodepools"),
        "DescribeClusterNodePools",
        describe_cluster_node_pools,
    ),
    (
        re.compile(rf"/clusters/{SEGMENT}/nodepools/{SEGMENT}"),
        "DescribeClusterNodePoolDetail",
        describe_cluster_node_pool_detail,
    ),
    (re.compile(rf"/clusters/{SEGMENT}/nodes"), "DescribeClusterNodes", describe_cluster_nodes),
    (re.compile(r"/api/v1/clusters"), "DescribeClustersV1", describe_clusters_v1),
]


def route(path: str) -> tuple[str, Handler, tuple[str, ...]] | None:
    """The action, its handler and the path's parameters, for a decoded request path."""
    for pattern, action, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return action, handler, match.groups()
    return None
