"""人们看到的策略文件：卡片上的一行、拒绝、限额，以及失效的文件。"""

MESSAGES = {
    "policy.note.auto_approve": "已由策略规则 {rule} 批准（策略 {digest}）",
    "policy.note.deny": "已被策略规则 {rule} 拒绝（策略 {digest}）",
    "policy.note.required": "策略规则 {rule} 要求{decision}（策略 {digest}）",
    "policy.note.audit.auto_approve": (
        "审计模式：本会由策略规则 {rule} 批准（策略 {digest}）；由人来决定"
    ),
    "policy.note.audit.deny": "审计模式：本会被策略规则 {rule} 拒绝（策略 {digest}）；由人来决定",
    "policy.note.audit.required": (
        "审计模式：策略规则 {rule} 本会要求{decision}（策略 {digest}）；由人来决定"
    ),
    "policy.note.with_note": "{line}。{note}",
    "policy.decision.approval_one": " {count} 人审批",
    "policy.decision.approvals": " {count} 人审批",
    "policy.decision.approval_one_group": "用户组 {group} 中 {count} 人审批",
    "policy.decision.approvals_group": "用户组 {group} 中 {count} 人审批",
    "policy.passed": "规则 {rule}：{why}",
    "policy.limit_reached": "已达到每天 {per_day} 次自动批准的上限",
    "policy.denied": "{note}：{deny}",
    "policy.broken": (
        "策略文件 {file} 已无法通过校验，因此之前的策略（哈希 {digest}）继续生效：{problems}"
    ),
}
