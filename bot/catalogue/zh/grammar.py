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
