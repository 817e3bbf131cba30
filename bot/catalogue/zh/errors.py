"""拒绝与错误：拒绝了什么、为什么，以及应改为输入或操作什么。"""

MESSAGES = {
    "error.incident": (
        "我们这边出了问题（事件编号 {incident}）。已保存的内容不会丢失："
        "再次申请前请先用 `/sg list pending` 查看。"
    ),
    "cloud.with_request_id": "{message}（云端请求编号 {request_id}）",
    "usage.incomplete": "`{verb}` 还缺少：{missing}",
    "usage.list_separator": "、",
    "part.gateway": "网关",
    "part.target": "目标",
    "part.ports": "端口",
    "part.rule_id": "规则编号",
    "usage.not_a_request_id": (
        "{text} 不是请求编号；请求编号形如 REQ-7K2QD（REQ- 加五个字母或数字）"
    ),
    "form.error.no_target": "请选择一个服务，或填写安全组、实例、集群或节点池",
    "member.deactivated": "此账号已停用",
    "member.bot": "机器人和应用不能参与审批",
    "member.stranger": "你属于其他组织",
    "member.guest": "访客账号不能参与审批",
    "refuse.request_not_member": (
        "你不能申请安全组变更：{problem}。请让工作区的正式成员代你申请。"
    ),
    "refuse.not_member": "你不能执行“{doing}”：{problem}。",
    "refuse.read_not_member": (
        "你不能查看 sgbot 的请求、历史、规则或网关：{problem}。请联系工作区的正式成员。"
    ),
    "refuse.already_approved": "你已批准过 {request_id}；还需要另一位审批人批准。",
    "refuse.decide_not_member": "你不能审批 {request_id}：{problem}。它仍在等待审批人处理。",
    "refuse.decide_not_approver": (
        "你不是审批人，不能审批 {request_id}。它会一直待审批，直到审批人处理。"
    ),
    "refuse.decide_own": (
        "{request_id} 是你本人申请的，不能自己审批，需由其他审批人处理；如要撤回，请取消它。"
    ),
    "refuse.decide_expired": "{request_id} 在你审批前已过期；未做任何更改。",
    "refuse.cancel_holding": (
        "{request_id} 持有它创建的规则，因此不能取消，只能结束：请在卡片上点击“结束访问”，"
        "或输入 `revoke {request_id}`。"
    ),
    "refuse.withdraw_not_requester": "只有申请人可以撤回 {request_id}；如要拒绝，请驳回它。",
    "refuse.cancel_not_allowed": "只有申请人或审批人可以取消 {request_id}。",
    "refuse.cancel_state": "{request_id} 当前为“{state}”，不能取消。",
    "refuse.retry_state": "{request_id} 当前为“{state}”；只有失败或部分生效的请求可以重试。",
    "refuse.retry_ended": (
        "{request_id} 的授权已于 {at} UTC 结束，其规则正在删除。如需访问请重新申请。"
    ),
    "refuse.revoke_not_allowed": "只有申请人或审批人可以撤销 {request_id}。",
    "refuse.revoke_state": "{request_id} 不是持有规则的授权（{state}）；无可撤销。",
    "refuse.approvers_only": "只有审批人可以执行“{doing}”。",
    "state_name.received": "已收到",
    "state_name.resolving": "解析中",
    "state_name.pending": "待审批",
    "state_name.rejected": "已拒收",
    "state_name.approved": "已批准",
    "state_name.applying": "执行中",
    "state_name.applied": "已生效",
    "state_name.partly_applied": "部分生效",
    "state_name.failed": "失败",
    "state_name.denied": "已驳回",
    "state_name.expired": "已过期",
    "state_name.cancelled": "已取消",
    "state_name.revoking": "撤销中",
    "state_name.revoked": "已撤销",
}

MESSAGES |= {
    "refuse.unknown_request": "没有请求 {request_id}；请核对编号（`status REQ-XXXXX`）。",
    "click.unknown_request": "这个按钮指向的请求我不认识。",
    "click.unknown_page": "这个按钮没有指向有效的页码。",
    "usage.incomplete_help": "{problem}。输入 `help` 或 `帮助` 查看命令格式。",
    "form.error.no_gateway": "请选择一个网关",
    "reading.expired": "这条理解已过期。请重新输入请求再发送。",
    "reading.not_yours": "只有输入这条请求的人可以确认或修改它。",
    "reading.change_it": "修改后重新发送：{shown}",
    "reading.editing": "正在表单中修改请求…",
    "query.no_request": "没有请求 `{request_id}`；请核对编号。",
    "query.gateway_unreadable": "无法读取该网关：{error}",
    "query.looking": "正在云端查询；结果稍后会在这里显示。",
}

# 申请被拒收时，申请人看到的云端结果。
MESSAGES |= {
    "cloud.no_gateway_id": (
        "{region} 中没有网关 {gateway}；请在 MSE 控制台核对 ID，或改用网关名称"
    ),
    "cloud.no_gateway_name": (
        "{region} 中没有名为 {gateway} 的网关；名称须完全一致且区分大小写"
        "——MSE 控制台的“云原生网关”列表中可以查到"
    ),
    "cloud.several_gateways": "有多个网关名为 {gateway}；请改用其中一个 ID：{choices}",
    "cloud.no_service": (
        "网关 {gateway} 没有名为 {service} 的服务；MSE 控制台的“路由 → 服务”中列出了网关的服务"
    ),
    "cloud.no_service_in": (
        "网关 {gateway} 在命名空间 {namespace} 中没有名为 {service} 的服务；"
        "MSE 控制台的“路由 → 服务”中列出了网关的服务"
    ),
    "cloud.several_namespaces": (
        "服务 {service} 在网关 {gateway} 的多个命名空间中都存在；请指明是哪一个：{choices}"
    ),
    "cloud.cannot_authorize": "无法授权 {route}：{reasons}",
}

# 阿里云调用失败的说明，显示在请求卡片上并告知申请人。
MESSAGES |= {
    "aliyun.unreachable": "阿里云 {service} 未响应 {action}（超时或无法连接：{error}）；请稍后重试",
    "aliyun.throttled": "阿里云正在对 {where} 限流；请一分钟后重试",
    "aliyun.credentials": (
        "阿里云拒绝了 sgbot 的凭证（{code}），调用 {where} 失败；"
        "需要运维人员修复 sgbot 使用的 AccessKey"
    ),
    "aliyun.ram_denied": (
        "sgbot 的 RAM 身份无权调用 {action}；需要运维人员授权（参见 sgbot 的 RAM 策略）"
    ),
    "aliyun.no_code": "HTTP {status}，无错误码：{message}",
    "aliyun.failed": "阿里云处理 {where} 失败（{what}）；请稍后重试",
    "aliyun.refused": "{where} 拒绝了请求（{what}）",
}

MESSAGES |= {
    "refuse.lookup_rate": (
        "你在过去一分钟内已进行 {count} 次云端查询，已达上限。请 {wait} 秒后重试。"
    ),
    "refuse.request_rate": (
        "你在过去 {minutes} 分钟内已提交 {count} 个请求，已达上限。请在 {at} UTC 之后重试。"
    ),
    "note.already": "{request_id} 已经是“{state}”",
}
