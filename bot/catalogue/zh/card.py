"""安全频道中的审批卡片：字段、按钮、确认对话框与结果。"""

MESSAGES = {
    "emulated.notice": ":test_tube: 模拟云环境 — 不会改动任何真实的阿里云资源",
    "emulated.fallback": "{text}（模拟云环境 — 不会改动任何真实的阿里云资源）",
    "card.field.requester": "申请人",
    "card.field.gateway": "网关",
    "card.field.target": "目标",
    "card.field.groups": "安全组",
    "card.field.ports": "端口",
    "card.field.duration": "时长",
    "card.field.reason": "原因",
    "card.field.risk": "风险",
    "card.field.approvals": "审批",
    "card.field.request": "请求",
    "card.title.access": "网关访问申请 {request_id}",
    "card.title.removal": "网关访问撤销申请 {request_id}",
    "card.requested": "申请于 {at}",
    "card.expires": "若无人处理，将于 {at}（{left}）过期",
    "card.plan": "*计划*\n{plan}",
    "card.confirm.all_ports": "批准开放全部端口？",
    "card.confirm.broad": "批准大范围访问？",
    "card.confirm.sensitive": "批准访问敏感端口？",
    "card.confirm.risky_any": (
        "这将开放网关到后端的所申请端口。这些端口范围很宽，或可访问数据库与远程终端："
        "批准 {request_id} 前请核对原因和目标。"
    ),
    "card.confirm.risky_backend": (
        "这将开放网关到后端的端口 {ports}。这些端口范围很宽，或可访问数据库与远程终端："
        "批准 {request_id} 前请核对原因和目标。"
    ),
    "card.confirm.risky_one": (
        "这将开放网关到 {count} 个安全组的端口 {ports}。这些端口范围很宽，或可访问数据库与"
        "远程终端：批准 {request_id} 前请核对原因和目标。"
    ),
    "card.confirm.risky_many": (
        "这将开放网关到 {count} 个安全组的端口 {ports}。这些端口范围很宽，或可访问数据库与"
        "远程终端：批准 {request_id} 前请核对原因和目标。"
    ),
    "card.confirm.title": "批准 {request_id}？",
    "card.confirm.text_any": "为 {request_id} 开放网关到后端的所申请端口？",
    "card.confirm.text_backend": "为 {request_id} 开放网关到后端的端口 {ports}？",
    "card.confirm.text_one": "为 {request_id} 开放网关到 {count} 个安全组的端口 {ports}？",
    "card.confirm.text_many": "为 {request_id} 开放网关到 {count} 个安全组的端口 {ports}？",
    "card.confirm.end_title": "结束此访问？",
    "card.confirm.end_text": "{request_id} 添加的规则将立即删除，其他授权仍在使用的规则除外。",
    "card.button.approve": "批准",
    "card.button.approve_anyway": "仍然批准",
    "card.button.deny": "驳回",
    "card.button.back": "取消",
    "card.button.retry": "重试",
    "card.button.cancel": "取消",
    "card.button.end_access": "结束访问",
    "card.status": "*状态：* {state}",
    "card.waiting_for_worker": "等待后台执行。",
    "card.working_since": "自 {at} 起处理中。",
    "card.nobody_decided": "{at} 前无人处理。",
    "card.revoked_at": "已于 {at} 撤销。",
    "card.cancelled_at": "已于 {at} 取消。",
    "card.rejected_at": "已于 {at} 拒收。",
    "card.grant_ends": "授权将于 {at} 结束。",
    "card.grant_ended": "授权已于 {at} 结束。",
    "card.why": "_原因：_ {reason}",
    "card.incident": "事件编号 {incident}：寻求帮助时请提供。",
    "card.results": "*结果*\n{results}",
    "card.end_overdue": (
        ":rotating_light: *结束已逾期*，自 {since} 起：云端已 {failures} 次拒绝删除其规则；"
        "下次尝试 {next}。"
    ),
    "card.end_failing": "删除其规则已失败 {failures} 次；下次尝试 {next}。",
    "card.fallback": "{requester} 的{title}：{state}",
}


MESSAGES |= {
    "card.title.extension": "{extends} 的延期申请 {request_id}",
}
