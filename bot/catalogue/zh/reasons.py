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
