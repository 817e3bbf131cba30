"""请求进入当前状态的原因，随请求保存，并显示在卡片的“原因”处。"""

MESSAGES = {
    "why.grant_ended": "授权已结束",
    "why.revoked_by_request": "由 {request_id} 撤销",
    "why.nobody_decided": "截止时间前无人审批",
    "why.time_limit": "已到时限",
    "why.duplicate_pending": "与待审批的 {holder} 相同",
    "why.gave_up": "内部错误反复出现，已放弃（{why}）；事件编号 {incident}",
    "why.recovered": (
        "由 sgbot reconcile --recover 从云端重建（{ends}）；云端未记录申请人、原因和审批人"
    ),
    "why.cancelled": "已取消",
    "why.retried": "已重试",
    "why.revoked_by": "由 {who} 撤销",
}

# 释放或删除规则的结果，以及后端规则保留或删除的原因。
MESSAGES |= {
    "note.rule_still_needed": "规则 {rule}（{group} 端口 {ports}）保留：{others} 仍需要它",
    "note.access_remains": "访问仍通过 {rule} 保留，该规则并非 sgbot 创建",
    "note.was_held": "规则 {rule} 曾被 {holders} 持有；它们不再依赖该规则",
    "note.backend_stays": "后端规则保留：{why}",
    "backend.there_before": "{rule} 在 sgbot 添加规则前就已存在；它不是 sgbot 创建的",
    "backend.none_found": "未找到匹配的后端规则",
    "backend.undated": "{rule} 无法与 MSE 规则比较创建时间，因此保留",
    "backend.predates": "{rule} 早于 MSE 规则创建；它不是 sgbot 创建的",
    "backend.kept_as_asked": "{rule} 按要求保留",
    "backend.came_with": "{rule} 随 MSE 规则一同创建",
    "delete.made": "由 sgbot 为 {request_id} 创建；{why}",
    "delete.made_backend_stays": "由 sgbot 为 {request_id} 创建；后端规则 {rule} 保留：{why}",
    "delete.made_backend_removed": (
        "由 sgbot 为 {request_id} 创建；后端规则 {rule} 随之删除：{why}"
    ),
    "delete.foreign": "非 sgbot 创建；{why}",
    "delete.foreign_backend_stays": "非 sgbot 创建；后端规则 {rule} 保留：{why}",
    "delete.foreign_backend_removed": "非 sgbot 创建；后端规则 {rule} 随之删除：{why}",
}

# 撤销请求的计划，以及请求无事可做的原因。
MESSAGES |= {
    "plan.covers": "规则 {rule} 已覆盖 {group} 端口 {ports}",
    "plan.already_in_place": "已经生效：{covered}",
    "plan.close_ports": "关闭端口 {ports}",
    "plan.no_rule_for_ports": (
        "网关 {gateway} 在 {path} 上没有与这些端口完全一致的规则；"
        "输入 `list rules {gateway}` 查看现有规则"
    ),
    "plan.no_rule": "网关 {gateway} 没有规则 {rule}；输入 `list rules {gateway}` 查看规则编号",
    "plan.delete_rule": "删除规则 {rule}",
    "plan.delete_rule_keeping": "删除规则 {rule}（保留后端安全组的入方向规则）",
    "plan.rule_path": "规则 {rule} → {group}",
    "plan.opened_nothing": "{request_id} 没有开通任何端口，因此无可撤销",
    "plan.holds_nothing": "{request_id} 当前为“{state}”；它不持有可撤销的规则",
    "plan.end_grant": "结束 {request_id} 的授权",
    "plan.already_gone": "{request_id} 的规则已不存在",
}
