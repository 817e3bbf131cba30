"""列表与应用主页：网关规则、待审批请求、历史记录、我的请求。"""

MESSAGES = {
    "list.previous": "上一页",
    "list.next": "下一页",
    "list.rule_line_via": "• 规则 {rule} → {group} 端口 {ports} · 来自 {request_id}",
    "list.rule_line_foreign": "• 规则 {rule} → {group} 端口 {ports} · _非 sgbot 创建_",
    "list.rules_title": "网关 {gateway} 的规则",
    "list.rules_summary": (
        "{gateway}：共 {count} 条规则，其中 {owned} 条由 sgbot 创建 · 第 {page}/{pages} 页"
    ),
    "list.no_rules": "此网关没有后端安全组规则。",
    "list.rules_fallback": "网关 {gateway} 的规则：第 {page}/{pages} 页",
    "list.quorum_expires": "{quorum} · {at}过期（{left}）",
    "list.pending_title": "待审批请求",
    "list.pending_summary": "{total} 个待审批 · 第 {page}/{pages} 页",
    "list.nothing_pending": "没有待审批的请求。",
    "list.pending_fallback": "{total} 个待审批请求",
    "list.history_line": "{summary} · {at}",
    "list.history_title": "请求历史",
    "list.no_history": "还没有任何请求。",
    "list.history_summary": "显示最近 {shown} 个，共 {total} 个请求",
    "list.history_fallback": "请求历史：共 {total} 个请求",
    "home.title": "网关访问",
    "home.intro": "申请开放从 MSE 网关到其后端的端口。",
    "home.new_request": "新建申请",
    "home.mine_title": "我的请求",
    "home.mine_none": "你还没有提交过申请。",
    "home.updated": "更新于 {at}",
    "home.mine_more": "……另有 {count} 个更早的请求；输入 `history` 查看。",
    "home.waiting_title": "等待审批",
    "home.expires": "过期时间：{left}",
    "home.waiting_more": "……另有 {count} 个；输入 `list pending` 查看。",
}
