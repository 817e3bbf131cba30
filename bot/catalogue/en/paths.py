"""How a target led to its security groups, as the card's "via" line shows it."""

MESSAGES = {
    "path.eni_of": "ENI {eni} of {instance}",
    "path.eni_alone": "ENI {eni} (no instance: ECI or unattached)",
    "path.and_more": "{shown} and {count} more",
    "path.serverless_no_group": "ACK Serverless cluster {cluster} reports no security group",
    "path.serverless": "ACK Serverless cluster {cluster} → cluster security group {group}",
    "path.why_whole_cluster": "the target is the whole cluster",
    "path.why_overlay": "pods on an overlay network reach the VPC through whichever node runs them",
    "path.not_opened": "not opened: {ips} (no ENI in the VPC holds them; pods starting or gone)",
    "path.no_endpoints": (
        "service {service} has no endpoints, and ACK cluster {cluster} gives pods their own "
        "network interfaces (no overlay pod CIDR), so which groups its pods use cannot be known "
        "until they run; try again then, or name the backend directly instead: `sg-…` or "
        "`instance i-…`"
    ),
    "path.pods": "pods {trace}",
    "path.none_yet": "none yet",
    "path.none": "none",
    "path.pods_overlay": "pods {ips} (on the overlay {cidr}) → {hops}",
    "path.pods_no_eni": "pods {ips} (on no VPC ENI) → {hops}",
    "path.no_node_groups": (
        "ACK cluster {cluster} has no node pool or node with a security group; name the "
        "backend directly instead: `sg-…` or `instance i-…`"
    ),
    "path.cluster_pools": "ACK cluster {cluster} → node pool {pools}",
    "path.pool_wide": (
        "grant is pool-wide: {why}, so every node of node pool {pool} is opened ({count} nodes now)"
    ),
    "path.cluster_wide": (
        "grant is cluster-wide: {why}, so every node of ACK cluster {cluster} is opened "
        "({count} nodes now)"
    ),
    "path.node_in_pool": "{node} in {pool} (template {template})",
    "path.nodes_outside": "nodes outside any node pool: {nodes}",
    "path.nodes_differ": "nodes whose groups differ from their pool's template: {nodes}",
    "path.nodes_missing": (
        "nodes DescribeInstances did not return: {nodes} (virtual nodes, or a RAM policy that "
        "hides them from ecs:DescribeInstances)"
    ),
}
