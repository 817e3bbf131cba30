"""目标如何对应到安全组，即卡片上“经由”一行的内容。"""

MESSAGES = {
    "path.eni_of": "ENI {eni}（属于 {instance}）",
    "path.eni_alone": "ENI {eni}（无实例：ECI 或未挂载）",
    "path.and_more": "{shown} 等另外 {count} 个",
    "path.serverless_no_group": "ACK Serverless 集群 {cluster} 没有报告安全组",
    "path.serverless": "ACK Serverless 集群 {cluster} → 集群安全组 {group}",
    "path.why_whole_cluster": "目标是整个集群",
    "path.why_overlay": "overlay 网络上的 Pod 经由其所在节点访问 VPC",
    "path.not_opened": "未开通：{ips}（VPC 中没有 ENI 持有这些 IP；Pod 正在启动或已消失）",
    "path.no_endpoints": (
        "服务 {service} 没有端点，且 ACK 集群 {cluster} 为 Pod 分配独立网卡"
        "（无 overlay Pod 网段），"
        "因此在 Pod 运行前无法得知其使用的安全组；请稍后重试，或直接指定后端：`sg-…` 或 "
        "`instance i-…`"
    ),
    "path.pods": "Pod {trace}",
    "path.none_yet": "暂无",
    "path.none": "无",
    "path.pods_overlay": "Pod {ips}（位于 overlay 网段 {cidr}）→ {hops}",
    "path.pods_no_eni": "Pod {ips}（不在任何 VPC ENI 上）→ {hops}",
    "path.no_node_groups": (
        "ACK 集群 {cluster} 没有带安全组的节点池或节点；请直接指定后端：`sg-…` 或 `instance i-…`"
    ),
    "path.cluster_pools": "ACK 集群 {cluster} → 节点池 {pools}",
    "path.pool_wide": (
        "授权覆盖整个节点池：{why}，因此节点池 {pool} 的所有节点都会开通（当前 {count} 个节点）"
    ),
    "path.cluster_wide": (
        "授权覆盖整个集群：{why}，因此 ACK 集群 {cluster} 的所有节点都会开通（当前 {count} 个节点）"
    ),
    "path.node_in_pool": "{node} 位于 {pool}（模板 {template}）",
    "path.nodes_outside": "不属于任何节点池的节点：{nodes}",
    "path.nodes_differ": "安全组与所在节点池模板不一致的节点：{nodes}",
    "path.nodes_missing": (
        "DescribeInstances 未返回的节点：{nodes}"
        "（虚拟节点，或 RAM 策略对 ecs:DescribeInstances 隐藏了它们）"
    ),
}

MESSAGES |= {
    "path.why_pool": "目标是一个节点池",
    "cloud.gateway_group_hidden": (
        "网关 {gateway} 的托管安全组 {group} 在 {region} 中对 ecs:DescribeSecurityGroups 不可见："
        "可能是 sgbot 的 RAM 策略按资源或条件限制了该操作（请对网关的安全组放开），"
        "也可能该安全组属于其他账号（MSE 自己的）；sgbot 需要它的类型和 VPC 来核对后端安全组"
    ),
    "cloud.no_group": (
        "{region} 中不存在安全组 {groups}；请核对 ID（安全组按地域区分）。如果它确实存在，"
        "可能是 sgbot 的 RAM 身份看不到它：按资源或条件限制的策略会让 "
        "ecs:DescribeSecurityGroups 返回空列表而不是报错"
    ),
    "cloud.no_instance": (
        "{region} 中没有 ECS 实例 {instance}。如果它确实存在，可能是 sgbot 的 RAM 身份看不到它："
        "按资源或条件限制的策略会让 ecs:DescribeInstances 返回空列表而不是报错"
    ),
    "cloud.no_pool": "集群 {cluster} 中没有节点池 {pool}（现有：{names}）",
    "cloud.source_gone": (
        "服务 {service} 来自网关已不再列出的 Kubernetes 服务来源；请直接指定后端：`sg-…` 或 "
        "`instance i-…`"
    ),
    "cloud.service_no_ips": (
        "服务 {service} 是没有 IP 地址的 {source} 服务，无法找到其安全组；请直接指定后端："
        "`sg-…` 或 `instance i-…`"
    ),
    "cloud.ips_unmatched": (
        "服务 {service} 的流量发往 {ips}，但网关所在 VPC {vpc} 中没有 ECS 实例或网卡持有这些地址。"
        "如果它们确实存在，可能是 sgbot 的 RAM 身份看不到：按资源或条件限制的策略会让 "
        "ecs:DescribeInstances 或 ecs:DescribeNetworkInterfaces 返回空列表而不是报错；"
        "否则请直接指定后端：`sg-…` 或 `instance i-…`"
    ),
}

# 预检拒绝某个后端安全组的原因。
MESSAGES |= {
    "preflight.not_running": (
        "网关 {gateway} 当前为 {status}，未在运行，MSE 在其运行前不会变更任何规则；"
        "请在 MSE 控制台显示“运行中”后再申请"
    ),
    "preflight.other_vpc": (
        "它位于 {vpc}，而网关位于 {gateway_vpc}；网关只能访问同一 VPC 内的安全组"
    ),
    "preflight.other_type": (
        "它的类型是 {kind}，而网关安全组 {gateway_group} 的类型是 {gateway_kind}；"
        "MSE 只在同类型的安全组之间授权：{advice}"
    ),
    "preflight.same_type": ("请为网关选择与后端服务所用安全组相同的安全组类型"),
    "preflight.basic": "普通安全组",
    "preflight.over_quota": (
        "它已有 {held} 条引用其他安全组的规则（普通安全组最多 {quota} 条），本次还会新增 {new} 条；"
        "请删除不再需要的规则，或减少端口范围"
    ),
}

# 云端对 sgbot 写入或删除的规则的反馈。
MESSAGES |= {
    "rules.not_listed_yet": (
        "MSE 已接受网关 {gateway} 上 {group} 端口 {ports} 的规则，但尚未在列表中显示；"
        "下次尝试会先查询再添加"
    ),
    "rules.gone": "网关 {gateway} 的规则 {rule} 已不存在（一次超时的删除）",
    "rules.none_for": "网关 {gateway} 没有 {group} 端口 {ports} 的规则",
}
