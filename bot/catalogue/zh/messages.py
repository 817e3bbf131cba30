"""sgbot 对单个请求进展的说明：审批卡片下的线程回复，以及发给申请人的私信。"""

MESSAGES = {
    "msg.incident": "事件编号 {incident}。",
    "thread.approval_recorded": "{request_id} {quorum}；还需 {missing} 个批准。",
    "thread.approved_plain": "已批准",
    "thread.approved": "{decided}。接下来执行 {request_id}。",
    "thread.denied_plain": "已驳回",
    "thread.denied": "{request_id}：{decided}。",
    "thread.applying": ":gear: 正在将 {request_id} 应用到 {gateway}…",
    "thread.applied": ":white_check_mark: {request_id} 已生效。",
    "thread.failed": ":x: 执行 {request_id} 失败。",
    "thread.failed.because": ":x: 执行 {request_id} 失败：{reason}",
    "thread.failed_next": "审批人可在卡片上点击“重试”或“取消”。",
    "thread.partly": ":warning: {request_id} 部分生效：云端拒绝了其余部分。",
    "thread.partly.because": ":warning: {request_id} 部分生效：云端拒绝了其余部分：{reason}",
    "thread.partly_keeps": (
        "已创建的规则会保留。审批人可点击“重试”完成其余部分；“结束访问”会删除它创建的规则。"
    ),
    "thread.partly_keeps_until": (
        "已创建的规则保留到 {at}，届时删除。审批人可点击“重试”完成其余部分；"
        "“结束访问”会删除它创建的规则。"
    ),
    "thread.retrying": ":repeat: 正在重试 {request_id}；已存在的规则会跳过。",
    "thread.cancelled": "{request_id} 已取消。",
    "thread.cancelled.because": "{request_id} 已取消：{reason}",
    "thread.expired": ":hourglass: {request_id} 已过期，{quorum}。",
    "thread.reminder": ":bell: {request_id} 仍待审批（{quorum}）；将于 {at} 过期。",
    "thread.revoking": ":gear: 正在删除 {request_id} 的规则…",
    "thread.revoked": ":wastebasket: {request_id} 的规则已删除。",
    "thread.revoke_failed": ":warning: 删除 {request_id} 的规则失败。",
    "thread.revoke_failed.because": ":warning: 删除 {request_id} 的规则失败：{reason}",
    "thread.revoke_failed_next": (
        "这些规则仍然保留，由 {request_id} 持有；我会继续重试，间隔逐渐拉长（至少每小时一次），"
        "若结束逾期会在本频道告警。"
    ),
    "tell.grant_ending": (
        ":bell: {request_id} 授予的访问将于 {at} 结束，届时删除其规则。"
        "可点击按钮或输入 {extend} 延期。"
    ),
    "tell.received": "已收到 {request_id}；正在解析网关及其后端安全组…",
    "tell.security_channel": "安全频道",
    "tell.nothing_to_change": "_无需变更_",
    "tell.pending_one": (
        "{request_id} 已发送到 {where} 等待审批；需要 {count} 个批准。\n"
        "批准后，我将为网关 {gateway} 上的{target}（端口 {ports}）执行：\n{plan}\n"
        "审批结果出来后我会通知你；输入 {cancel} 可撤回。"
    ),
    "tell.pending_many": (
        "{request_id} 已发送到 {where} 等待审批；需要 {count} 位不同审批人的批准。\n"
        "批准后，我将为网关 {gateway} 上的{target}（端口 {ports}）执行：\n{plan}\n"
        "审批结果出来后我会通知你；输入 {cancel} 可撤回。"
    ),
    "tell.rejected": (
        ":no_entry: {request_id} 未发送审批。\n"
        "修改请求后重新发送；输入 `help` 或 `帮助` 查看命令格式。"
    ),
    "tell.rejected.because": (
        ":no_entry: {request_id} 未发送审批：{reason}\n"
        "修改请求后重新发送；输入 `help` 或 `帮助` 查看命令格式。"
    ),
    "tell.applying": "{decided}。正在执行 {request_id}…",
    "tell.applied": ":white_check_mark: {request_id} 已生效。",
    "tell.applied_until": ":white_check_mark: {request_id} 已生效，将于 {at} 结束。",
    "tell.denied": ":no_entry_sign: {request_id}：{decided}。",
    "tell.partly": ":warning: {request_id} 部分生效。",
    "tell.partly_rest": (
        "部分规则已创建，其余被云端拒绝；你已获得这些规则提供的访问。审批人可以重试，"
        "`revoke {request_id}` 或“结束访问”会删除它创建的规则。"
    ),
    "tell.partly_until": (
        "部分规则已创建，其余被云端拒绝；你在 {at} 前拥有这些规则提供的访问，届时删除。"
        "审批人可以重试，`revoke {request_id}` 或“结束访问”会删除它创建的规则。"
    ),
    "tell.failed": ":x: 执行 {request_id} 失败。",
    "tell.failed_next": "已通知审批人，他们可以重试。",
    "tell.expired": ":hourglass: {request_id} 在无人处理前已过期。如仍需要，请重新发送。",
    "alert.cloud_refused": "云端拒绝删除",
    "alert.end_overdue": (
        ":rotating_light: 结束逾期：{request_id} 授予 {requester} 在网关 {gateway} 上的访问"
        "本应于 {at} 结束，但其规则仍在云端：{error}。"
    ),
    "alert.retry_at": "我会在 {at} 再次尝试。",
    "alert.by_hand": "若持续失败，请手动删除这些规则。",
    "status.fallback": "{request_id}：{state}",
    "help.fallback": "sgbot 命令",
}

MESSAGES |= {
    "intake.received": "已收到 `{request_id}`；正在检查网关和后端…",
    "query.cancelled_nothing": "`{request_id}` 已取消；云端未做任何更改。",
    "query.cancelled_stays": "`{request_id}` 已取消。它已在云端做出的更改仍然保留：\n{results}",
    "decided.approved": "{request_id} 已批准；正在执行。",
    "decided.denied": "{request_id} 已驳回。",
    "decided.recorded": "已记录对 {request_id} 的批准：{progress} 个批准。",
    "settled.preparing": "{request_id} 仍在准备中；请稍后再试。",
    "settled.denied": "{request_id} 已被 {who} 驳回。",
    "settled.expired": "{request_id} 在无人处理前已过期；如仍需要，请重新申请。",
    "settled.cancelled": "{request_id} 已取消。",
    "settled.rejected": "{request_id} 已拒收：{reason}",
    "settled.approved": "{request_id} 已由 {who} 批准（当前：{state}）。",
    "settled.approved_by_someone": "{request_id} 已由审批人批准（当前：{state}）。",
}


MESSAGES |= {
    "tell.extension_approved": ":white_check_mark: {request_id} 已批准：{reason}。",
    "query.checking": "正在云端逐跳检查；结果稍后会在这里显示。",
    "target.security_groups": "安全组 {groups}",
}
