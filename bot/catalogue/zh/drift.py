"""漂移巡检：发到安全频道的条目、它的按钮，以及点击后的回复。"""

MESSAGES = {
    "drift.title.gone": "sgbot 添加的规则已从云端消失",
    "drift.title.unapproved": "一条没有任何申请解释的规则",
    "drift.title.orphan": "一条对应的 MSE 规则已消失的入方向规则",
    "drift.header": "漂移 {item_id}：{title}",
    "drift.what": "{gateway}：网关到 {group} 的规则 {rule_id}，端口 {ports}",
    "drift.gone": "为 {held} 添加；已在 sgbot 之外被删除。",
    "drift.gone.no_request": "为某个授权添加；已在 sgbot 之外被删除。",
    "drift.orphan": "{group} 的入方向规则 {backend_rule} 仍然放行，但 MSE 中已没有规则 {rule_id}。",
    "drift.description": "描述：{description}",
    "drift.approvers_only": "只有审批人可以点击这些按钮。",
    "drift.button.reapply": "重新添加（需审批）",
    "drift.button.forget": "忘记",
    "drift.button.adopt": "收编为永久授权",
    "drift.button.ignore": "忽略",
    "drift.button.revoke": "撤销（需审批）",
    "drift.resolved": "已解决：之后的巡检不再发现它。",
    "drift.settled.reapplying": "{by} 已申请重新添加它。",
    "drift.settled.forgotten": "{by} 已忘记它。",
    "drift.settled.adopted": "{by} 已收编它。",
    "drift.settled.ignored": "{by} 已忽略它。",
    "drift.settled.revoking": "{by} 已申请撤销它。",
    "drift.settled.reapplying.follow": "{by} 已申请重新添加它（{follow_up}）。",
    "drift.settled.forgotten.follow": "{by} 已忘记它（{follow_up}）。",
    "drift.settled.adopted.follow": "{by} 已收编它（{follow_up}）。",
    "drift.settled.ignored.follow": "{by} 已忽略它（{follow_up}）。",
    "drift.settled.revoking.follow": "{by} 已申请撤销它（{follow_up}）。",
    "drift.someone": "有人",
    "drift.bad_button": "这个按钮没有指向我所知道的漂移条目。",
}

# 审批人点击后得到的回复，以及点击未生效的原因。
MESSAGES |= {
    "drift.doing": "处理漂移条目 {item_id}",
    "drift.refuse.not_approver": "只有审批人可以处理漂移条目；未做任何更改。",
    "drift.refuse.action": "{item_id} 不能执行 {action}；未做任何更改。",
    "drift.refuse.settled": "{item_id} 已经是 {status}；未做任何更改。",
    "drift.refuse.settled_by": "{item_id} 已由 {by} 处理为 {status}；未做任何更改。",
    "drift.refuse.unknown": "我已不再知道漂移条目 {item_id}；未做任何更改。",
    "drift.refuse.busy": "{item_id} 正被其他人修改；请稍后再试。",
    "drift.refuse.no_grant": (
        "已没有授权持有规则 {rule_id}，无需重新添加；请点击“忘记”，或重新申请访问。"
    ),
    "drift.refuse.ended": "持有它的授权都已结束；请改为点击“忘记”。",
    "drift.told.reapply": (
        "已以 {request_id} 申请重新添加规则 {rule_id}；需要另一位审批人批准其卡片。"
    ),
    "drift.told.forget": "已忘记：{held} 不再期望规则 {rule_id}。",
    "drift.told.forget.none": "已忘记：不再有授权期望规则 {rule_id}。",
    "drift.told.adopt": (
        "已将规则 {rule_id} 收编为永久授权 {request_id}；结束该授权会删除这条规则。"
    ),
    "drift.told.ignore": "已忽略：{item_id} 不会再被发布。",
    "drift.told.revoke": (
        "已以 {request_id} 申请删除规则 {rule_id}；在另一位审批人批准其卡片之前不会删除任何内容。"
    ),
    "drift.reason.reapply": "重新添加在 sgbot 之外被删除的规则 {rule_id}（{item_id}）",
    "drift.reason.adopt": "收编在 sgbot 之外发现的规则 {rule_id}",
    "drift.path.adopt": "由漂移条目 {item_id} 收编",
    "drift.state.adopted": "由 {by} 收编为永久授权（{item_id}）",
}

# An item's status as a refusal names it.
MESSAGES |= {
    "drift.status.open": "待处理",
    "drift.status.reapplying": "重新添加中",
    "drift.status.forgotten": "已忘记",
    "drift.status.adopted": "已收编",
    "drift.status.ignored": "已忽略",
    "drift.status.revoking": "撤销中",
    "drift.status.resolved": "已解决",
}

# A button's action as a refusal names it.
MESSAGES |= {
    "drift.action.reapply": "重新添加",
    "drift.action.forget": "忘记",
    "drift.action.adopt": "收编",
    "drift.action.ignore": "忽略",
    "drift.action.revoke": "撤销",
}
