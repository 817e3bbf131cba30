"""弹窗：申请表单与驳回原因表单。"""

MESSAGES = {
    "form.duration.permanent": "永久",
    "form.duration.30m": "30 分钟",
    "form.duration.1h": "1 小时",
    "form.duration.4h": "4 小时",
    "form.duration.8h": "8 小时",
    "form.duration.1d": "1 天",
    "form.duration.1w": "1 周",
    "form.cancel": "取消",
    "form.close": "关闭",
    "form.error_line": ":warning: *{field}*：{error}",
    "form.gateway": "网关",
    "form.gateway_search": "搜索网关",
    "form.service": "服务",
    "form.service_search": "搜索该网关的服务",
    "form.service_hint": "选择一个服务，或在下方填写其他目标。",
    "form.target": "或其他目标",
    "form.target_placeholder": "sg-…、i-…、集群 ID 或节点池 ID",
    "form.ports": "端口",
    "form.ports_placeholder": "例如 8080 或 8080-8090, 9000",
    "form.duration": "时长",
    "form.reason": "原因",
    "form.reason_placeholder": "网关为什么需要访问它",
    "form.title": "网关访问",
    "form.submit": "提交审批",
    "deny.question": "为什么驳回 {request_id}？",
    "deny.placeholder": "申请人会看到这段说明",
    "deny.title": "驳回 {request_id}",
}

MESSAGES |= {
    "reading.read_as": "我理解为 {shown}",
    "reading.guessed": "{read_as}\n其中以下部分是我推断的：\n{notes}",
    "reading.confirm": "确认",
    "reading.edit": "修改",
    "reading.nothing_before": "点击“确认”后按此理解发送；在此之前不会保存，也不会发给审批人。",
    "reading.query": "{read_as}（{notes}）",
    "reading.duration_nearest": (
        "你申请的时长是 {asked}；表单只提供固定时长，因此显示最接近且更短的选项。"
        "如需其他时长请重新选择。"
    ),
    "reading.duration_shortest": "你申请的时长是 {asked}；表单提供的最短时长为 {shortest}。",
}


MESSAGES |= {
    "form.check_first": "先检查访问",
    "home.check_access": "检查访问",
}
