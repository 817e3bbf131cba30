"""``check`` 体检在 Slack 中的回答：结论、各端点、端口、看不到的部分与按钮。"""

MESSAGES = {
    "doctor.title": (
        "{icon} *{verdict}*：网关 {gateway}（{gateway_id}，安全组 {group}）到 {target}，"
        "端口 {ports}"
    ),
    "doctor.title.region": (
        "{icon} *{verdict}*：网关 {gateway}（{gateway_id}，安全组 {group}，{region}）到 "
        "{target}，端口 {ports}"
    ),
    "doctor.fallback": "{verdict}：{gateway} 到 {target}",
    "doctor.verdict.no_endpoints": "不通：目标没有可到达的端点",
    "doctor.verdict.reachable": "就安全组而言可以到达",
    "doctor.verdict.blocked": "{total} 个端点中有 {count} 个不通",
    "doctor.verdict.blocked_one": "{total} 个端点中有 {count} 个不通",
    "doctor.more": "…另有 {hidden} 个端点（`sgbot check` 会全部列出）",
    "doctor.why": "*原因*\n{causes}",
    "doctor.cause": "• *{kind}*：{text}",
    "doctor.not_seen": "未检查：{items}",
    "doctor.no_ports": "无端口",
    "doctor.no_group": "无安全组",
    "doctor.endpoint": "{mark} {via}（{groups}）：{ports}",
    "doctor.endpoint.ip": "{mark} {ip} → {via}（{groups}）：{ports}",
    "doctor.port.covered": "{ports} 已放行（{why}）",
    "doctor.port.blocked": "{ports} *未放行*（{why}）",
    "doctor.port.asked": "{why}，由 {request_id} 申请",
    "doctor.port.asked_by": "{why}，由 {asker} 通过 {request_id} 申请",
    "doctor.request_missing": "申请缺少的访问：{label}",
    "doctor.missing_label": "{groups} 的端口 {ports}",
    "doctor.prefill_reason": "体检发现缺少的访问",
    "doctor.failed": "无法检查：{problem}",
    "doctor.form.gateway": "请在表单中选择网关，然后再点击“检查”。",
    "doctor.form.ports": "请填写要检查的端口（只有服务自己的端口是已知的）。",
    "doctor.form.broken": "无法检查这个表单。",
    "doctor.kind.no_endpoints": "没有端点",
    "doctor.kind.gateway_not_running": "网关未运行",
    "doctor.kind.wrong_node": "授权给了别的节点",
    "doctor.kind.several_groups": "多个安全组",
    "doctor.kind.port_changed": "端口已变",
    "doctor.kind.new_node": "新节点",
    "doctor.kind.type_mismatch": "类型不一致",
    "doctor.kind.other_vpc": "其他 VPC",
    "doctor.kind.untraced": "无法追踪",
}

# 端口为何放行或未放行，以及常见问题中的原因，按 Slack 回答的说法。
MESSAGES |= {
    "doctor.cover.untraced": "网关所在 VPC 中没有 ECS 实例或弹性网卡持有这个地址",
    "doctor.cover.enterprise": (
        "{group} 中的 MSE 授权 {rule_id}（端口 {ports}；企业级安全组，依据 MSE 的记录，因为它"
        "没有列出可与入方向规则比对的网段）"
    ),
    "doctor.cover.no_rule": "{groups} 中没有规则放行网关的安全组 {gateway_group} 访问 {ports}",
    "doctor.cover.dropped": "被 {group} 中的入方向规则 {rule_id} 拒绝（优先级 {priority}）",
    "doctor.cover.not_mse": "{group} 中的入方向规则 {rule_id}（端口 {ports}；不是经由 MSE 添加）",
    "doctor.cover.mse": "{group} 中的 MSE 授权 {rule_id}（端口 {ports}）",
    "doctor.blind.health": (
        "服务本身是否应答：安全组只负责放行流量；请在同一安全组的节点上试试 `curl http://IP:PORT`"
    ),
    "doctor.blind.enterprise": (
        "企业级安全组按网段（网关的交换机）授权，而不是按安全组：规则的网段包含 {cidrs} "
        "之一时才算数"
    ),
    "doctor.blind.gateway_cidrs": "网关的网段",
    "doctor.cause.other_vpc": (
        "{group} 位于 {vpc}，网关位于 {gateway_vpc}；网关只能访问同一 VPC 中的安全组"
    ),
    "doctor.cause.type_mismatch": (
        "{group} 是 {group_type}，而网关的安全组 {gateway_group} 是 {gateway_type}；MSE 只在同"
        "类型的安全组之间授权：请使用与后端同类型的网关安全组"
    ),
    "doctor.cause.no_endpoints": (
        "{target} 没有端点：MSE 没有列出它的地址，说明它已停止、缩容到零或尚未就绪；请启动它"
        "（`kubectl get endpoints`）后再检查"
    ),
    "doctor.cause.gateway_not_running": "网关 {gateway} 的状态是 {status}，未在运行",
    "doctor.cause.untraced": (
        "网关所在 VPC 中没有实例或弹性网卡持有 {addresses}；地址已过时，或在其他 VPC 中"
    ),
    "doctor.cause.record": "{rule_id}（{group}，端口 {ports}）",
    "doctor.cause.wrong_node": (
        "网关已有授权 {records}，但没有任何端点在这些安全组中；端点在 {groups} 中：请改为授权"
        "这些安全组"
    ),
    "doctor.cause.several_groups.reachable": (
        "{endpoint} 属于 {groups}，只有 {allowing} 放行网关访问 {ports}；ECS 按优先级合并评估它"
        "所有安全组的规则，因此可以到达；请授权每个安全组，以免之后安全组变动切断访问"
    ),
    "doctor.cause.several_groups.blocked": (
        "{endpoint} 属于 {groups}，只有 {allowing} 放行网关访问 {ports}；ECS 按优先级合并评估它"
        "所有安全组的规则，但仍然不通：{why}；请授权每个安全组，以免之后安全组变动切断访问"
    ),
    "doctor.cause.port_changed.uses": (
        "授权 {records} 覆盖的端口 {target} 并未使用；它现在使用 {now}，没有规则放行：请授权 "
        "{now}，如无其他用途请撤销旧规则"
    ),
    "doctor.cause.port_changed.asked": (
        "授权 {records} 覆盖的端口 {target} 并未使用；本次检查的是 {now}，没有规则放行：请授权 "
        "{now}，如无其他用途请撤销旧规则"
    ),
    "doctor.cause.node_pool": "{node} 属于 {groups}，其节点池 {pool} 的模板是 {template}",
    "doctor.cause.node_no_pool": "{node} 属于 {groups}，且不在任何节点池中",
    "doctor.cause.new_node": (
        "安全组与节点池模板不一致的节点：{nodes}；授权之后新增或变更的节点没有已授权的安全组"
    ),
    "doctor.endpoint_name": "{via}（{ip}）",
    "doctor.cause.joined_node": "{node} 于 {joined} 加入，属于 {groups}",
    "doctor.cause.joined_after_grant": (
        "在授权 {rule_id}（{granted}）之后加入且未被覆盖的节点：{nodes}；"
        "请同时为它们的安全组授权，使之后加入的节点也被覆盖"
    ),
}

# 体检读不到的内容，以及它列出的端点。
MESSAGES |= {
    "doctor.read.no_ports": (
        "MSE 没有列出 {target} 的端口；请指明：`check gateway {gateway} to {target} on PORTS`"
    ),
    "doctor.read.groups_hidden": "ECS 未返回的安全组（已删除，或被 RAM 隐藏）：{groups}",
    "doctor.read.no_instance": "{region} 中没有 ECS 实例 {instance_id}",
    "doctor.read.kind": "无法检查类型为 {kind} 的目标",
    "doctor.read.host_name": (
        "服务 {service} 通过主机名访问；请直接指定后端：`sg-…` 或 `instance i-…`"
    ),
    "doctor.read.pods_gone": "Pod {pods}：VPC 中没有弹性网卡持有它们（正在启动或已消失）",
    "doctor.read.overlay": "Pod {pods} 在覆盖网络上：集群的任一节点都可能承载它们",
    "doctor.read.no_pools": "无",
    "doctor.via.group": "安全组 {group}",
    "doctor.via.ecs": "ECS 实例 {instance_id}",
    "doctor.via.serverless_pod": "{cluster} 的 ACK Serverless Pod",
    "doctor.via.serverless_cluster": "ACK Serverless 集群 {cluster}",
    "doctor.via.untraced": "无法追踪的地址",
    "doctor.via.node_in_pool": "{pool} 的节点 {instance_id}",
    "doctor.via.node_no_pool": "不属于任何节点池的节点 {instance_id}",
}

# 语法对 ``check`` 以外命令中地域的拒绝。
MESSAGES |= {
    "doctor.region_unserved": "sgbot 不服务地域 {region}；它服务的是 {served}",
    "doctor.region_several": "多个地域都有名为 {gateway} 的网关；请指明是哪个：{choices}",
}
