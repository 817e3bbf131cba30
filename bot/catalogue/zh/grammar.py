"""为理解一条请求而推断出的部分，在发送前展示给申请人。"""

MESSAGES = {
    "infer.status": "单独的 `{word}` 理解为查询其状态",
    "infer.gateway": "`{word}` 理解为网关",
    "infer.cluster": "`{word}` 理解为集群 ID",
    "infer.service": "`{word}` 理解为服务",
    "infer.split": "`{word}` 按我推测的名称边界拆分为多个词",
    "infer.revoke": "`{word}` 理解为 `revoke`（撤销）",
    "infer.no_reason": "已省略原因：撤销不带原因",
    "infer.dropped": "已省略 `{word}`",
    "infer.dropped_permanent": "已省略 `{word}`：未指定时长，因此访问将是永久的",
    "infer.needs_confirmation": "我理解为 `{shown}`（{notes}）。请按此格式输入。",
}

# 对无法理解的文本的拒绝：指出是哪个词，并说明应输入什么。
MESSAGES |= {
    "usage.unexpected": "我不明白这里的 `{word}`。请输入 {form}。",
    "usage.unexpected_suggest": (
        "我不明白这里的 `{word}`。你是想输入 `{suggestion}` 吗？请输入 {form}。"
    ),
    "usage.needs_value": "`{what}` 后面需要一个值。请输入 {form}。",
    "usage.twice.gateway": "网关写了两次。请只写一次后重新发送。",
    "usage.twice.target": "目标写了两次。请只写一次后重新发送。",
    "usage.twice.ports": "端口写了两次。请只写一次，例如 `on 80, 443` 或 `端口 80, 443`。",
    "usage.twice.duration": "时长写了两次。请只写一次，例如 `for 4h` 或 `4小时`。",
    "usage.twice.reason": "原因写了两次。请只写一次后重新发送。",
    "usage.twice.namespace": "命名空间写了两次。请只写一次。",
    "usage.namespace_needs_service": (
        "命名空间属于服务：`namespace`（命名空间）前需要 `service NAME`。请输入 {form}。"
    ),
    "usage.unclosed_quote": '`{word}` 处的引号没有闭合。请在名称后补上 `"`。',
    "usage.empty_quote": "引号中的名称为空。请在引号之间输入名称。",
    "usage.nodepool_needs_cluster": "节点池需要指定所属集群。请输入 {form}。",
    "usage.not_a_service": "`{word}` 不是服务。请输入 {form}。",
    "usage.not_a_duration": "`{word}` 不是时长。请输入 {form}；原因写在 `because` 或 `因为` 之后。",
    "usage.empty_reason": "原因为空。请写在 `because` 或 `因为` 之后，例如 `因为 压测`。",
    "usage.long_reason": "原因长达 {length} 个字符。请缩短到最多 {most} 个字符。",
    "usage.no_command": "没有命令。输入 `help` 或 `帮助` 查看全部命令，或输入 {form}。",
    "usage.duration_too_long": (
        "`{asked}` 超过了允许的最长授权时长 {longest}。请输入 `for {longest}` 或更短。"
    ),
    "usage.reason_only_authorize": (
        "只有访问申请可以带原因。请去掉 `because …`（`因为 …`）后重新发送。"
    ),
    "usage.text_too_long": (
        "请求太长（{length} 个字符；最多 {most}）。请缩短原因，或输入 `help` 查看命令。"
    ),
    "usage.bad_character": (
        "请求在第 {position} 个位置含有不可见或无效的字符（{code}）。请去掉它后重新输入。"
    ),
    "usage.no_ports": "没有给出端口。请输入端口，例如 `443`、`8080-8090` 或 `80,443`。",
    "usage.not_a_port": (
        "`{word}` 不是端口。请输入端口如 `443`，范围如 `8080-8090` 或 `8080/8090`，或 `all`。"
    ),
    "usage.range_backwards": "端口范围 `{word}` 的起点大于终点。请写成 `{end}-{start}`。",
    "usage.port_out_of_range": (
        "端口 `{word}` 超出范围。端口范围为 1 到 {most}；全部端口请输入 `all`。"
    ),
    "usage.bad_duration": (
        "`{word}` 不是可用的时长。请输入例如 `30m`、`4h`、`2d`、`1w`（或 `4小时`）或 `permanent`。"
    ),
    "usage.bad_request_id": (
        "`{word}` 不是请求编号。请求编号形如 `REQ-7F3K2`；输入 `list pending` 查看未完成的请求。"
    ),
    "usage.bad_rule_id": (
        "`{word}` 不是规则编号。规则编号是正整数；输入 `list rules for gateway GATEWAY` 查看。"
    ),
    "usage.bad_group_id": "`{word}` 不是安全组 ID。请输入形如 `sg-bp1a2b3c4d5e` 的 ID。",
    "usage.bad_instance_id": "`{word}` 不是 ECS 实例 ID。请输入形如 `i-bp1a2b3c4d5e` 的 ID。",
    "usage.tcp_only": (
        "MSE 安全组规则只开放 TCP 端口，因此不能授权 `{word}`。请输入 TCP 端口，"
        "例如 `on 8080` 或 `端口 8080`。"
    ),
    "usage.bad_target_kind": (
        "sgbot 不能为网关开通到 `{word}` 的访问。请输入可用的目标：`service NAME`、"
        "`sg-ID`、`instance i-ID`、`cluster CLUSTER_ID` 或 "
        "`nodepool NODEPOOL_ID in cluster CLUSTER_ID`。"
    ),
}

MESSAGES |= {
    "help.text": (
        "*命令*（关键字不区分大小写；含空格的名称请放在双引号中）\n"
        "• {authorize}。也可用 `授权`、`允许`、`开通`。\n"
        "• {revoke}。也可用 `撤销`、`删除`。\n"
        "• {list}、`status REQUEST_ID`、`cancel REQUEST_ID`、{history}、`help`；"
        "中文为 `列出`、`查看`、`状态`、`取消`、`历史`、`帮助`。\n"
        "• {check}：网关能否访问它？只读，私下回复。\n"
        "GATEWAY 是网关 ID（gw- 加 32 位十六进制数）或其完整名称。\n"
        "PORTS（端口）：`8080`、`8080-8090`、`8080/8090`，多个端口用逗号、空格或 `and` 分隔，"
        "或 `all`。\n"
        "DURATION（时长）：`30m`、`4h`、`2d`、`1w`（或 `30分钟`、`4小时`、`2天`、`1周`）"
        "或 `permanent`（永久，默认）。REASON（原因）：自由文本，最多 500 个字符，写在 "
        "`because` 或 `因为` 之后；末尾的 `for DURATION` 视为时长。\n"
        "REQUEST_ID 形如 `REQ-7F3K2`。\n"
        "我也能读懂日常说法和中文关键字，例如 `授权 网关 prod-gw 访问 服务 orders 端口 8080`、"
        "`请帮我开通网关prod-gw到服务orders的8080端口，持续4小时，因为压测`。需要推断时，"
        "我会先展示我的理解，等你点击“确认”后再发送。\n"
        "*示例*\n"
        "{examples}"
    ),
}

MESSAGES |= {
    "usage.check_needs.gateway": "`check` 需要指定网关。请输入 {form}。",
    "usage.check_needs.target": "`check` 需要指定目标。请输入 {form}。",
    "usage.check_needs.gateway_target": "`check` 需要指定网关和目标。请输入 {form}。",
    "usage.check_ports": "只有服务的端口 sgbot 可以自动查到；其他目标请指明端口。请输入 {form}。",
}
