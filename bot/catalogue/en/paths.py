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

MESSAGES |= {
    "path.why_pool": "the target is a node pool",
    "cloud.gateway_group_hidden": (
        "the managed security group {group} of gateway {gateway} is not visible to "
        "ecs:DescribeSecurityGroups in {region}: either the bot's RAM policy limits that action "
        "by resource or condition (allow it on the gateway's group), or the group belongs to "
        "another account (MSE's own); sgbot needs its type and VPC to check the backend groups "
        "against it"
    ),
    "cloud.no_group": (
        "security group {groups} does not exist in {region}; check the id (security groups are "
        "per region); if it exists, the bot's RAM identity may not see it: a policy limited by "
        "resource or condition makes ecs:DescribeSecurityGroups answer an empty list rather "
        "than an error"
    ),
    "cloud.no_instance": (
        "there is no ECS instance {instance} in {region}; if it exists, the bot's RAM identity "
        "may not see it: a policy limited by resource or condition makes ecs:DescribeInstances "
        "answer an empty list rather than an error"
    ),
    "cloud.no_pool": "cluster {cluster} has no node pool {pool} (it has: {names})",
    "cloud.source_gone": (
        "service {service} comes from a Kubernetes source the gateway no longer lists; name the "
        "backend directly instead: `sg-…` or `instance i-…`"
    ),
    "cloud.service_no_ips": (
        "service {service} is a {source} service without IP addresses, so its security group "
        "cannot be found; name the backend directly instead: `sg-…` or `instance i-…`"
    ),
    "cloud.ips_unmatched": (
        "service {service} sends traffic to {ips}, which no ECS instance or network interface "
        "in the gateway's VPC {vpc} holds; if it exists, the bot's RAM identity may not see it: "
        "a policy limited by resource or condition makes ecs:DescribeInstances or "
        "ecs:DescribeNetworkInterfaces answer an empty list rather than an error; otherwise "
        "name the backend directly instead: `sg-…` or `instance i-…`"
    ),
}

# Why pre-flight refuses a backend group.
MESSAGES |= {
    "preflight.not_running": (
        "gateway {gateway} is {status}, not running, and MSE changes no rules until it runs; "
        "ask again once the MSE console shows it Running"
    ),
    "preflight.other_vpc": (
        "it is in {vpc}, the gateway in {gateway_vpc}; a gateway can only reach groups in its "
        "own VPC"
    ),
    "preflight.other_type": (
        "its type is {kind} and the gateway group {gateway_group}'s is {gateway_kind}; MSE "
        "authorizes only between groups of one type: {advice}"
    ),
    "preflight.same_type": (
        "select the same security group type for the gateway as the one used by the backend service"
    ),
    "preflight.basic": "basic (normal)",
    "preflight.over_quota": (
        "it already holds {held} of the {quota} rules referencing another security group that "
        "a basic group may have, and this would add {new}; remove rules it no longer needs, or "
        "ask for fewer port ranges"
    ),
}

# What the cloud showed of a rule sgbot wrote or removes.
MESSAGES |= {
    "rules.not_listed_yet": (
        "MSE accepted rule {group} ports {ports} on {gateway} but does not list it yet; the "
        "next attempt lists before it adds"
    ),
    "rules.gone": "rule {rule} of gateway {gateway} is gone (a timed-out delete)",
    "rules.none_for": "gateway {gateway} has no rule for {group} ports {ports}",
}
