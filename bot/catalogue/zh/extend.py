"""延长授权：命令的拒绝、“延长 1 小时”按钮，以及延长申请记录的内容。"""

MESSAGES = {
    "extend.button": "延长 1 小时",
    "extend.asked": "{request_id} 申请将 {grant_id} 延长 {added}。",
    "extend.name_request": "请指明要延长哪个申请的访问，例如 {example}。",
    "extend.how_long": "请说明要延长多久，例如 {example}（30m、4h、2d…）。",
    "extend.bad_button": "这个按钮没有指向我所知道的申请。",
    "extend.doing": "延长 {grant_id}",
    "extend.refuse.who": "只有申请人或审批人可以延长 {grant_id}。",
    "extend.refuse.too_long": (
        "一次延长最多 {longest}（允许的最长授权）；请申请短一些，例如 {example}。"
    ),
    "extend.refuse.is_extension": "{grant_id} 本身就是一次延长；请改为延长授权 {extends}。",
    "extend.refuse.no_access": "{grant_id} 没有开通任何访问，因此无可延长。",
    "extend.refuse.ended": "{grant_id} 已经结束（{state}），无法延长；请重新申请访问。",
    "extend.refuse.ended_again": (
        "{grant_id} 已经结束（{state}），无法延长；请重新申请访问：{command}。"
    ),
    "extend.refuse.permanent": "{grant_id} 是永久授权，没有可推迟的结束时间。",
    "extend.refuse.most_once": "{grant_id} 已延长过 1 次，达到上限；请重新申请访问。",
    "extend.refuse.most_once_again": (
        "{grant_id} 已延长过 1 次，达到上限；请重新申请访问：{command}。"
    ),
    "extend.refuse.most": "{grant_id} 已延长过 {times} 次，达到上限；请重新申请访问。",
    "extend.refuse.most_again": (
        "{grant_id} 已延长过 {times} 次，达到上限；请重新申请访问：{command}。"
    ),
    "extend.path": "{grant_id} 的延长：{path}",
    "extend.path.groups": "{grant_id} 的延长：沿用其安全组",
    "extend.too_late": "为时已晚：{refusal}",
    "extend.now_ends": "{grant_id} 现在将于 {ends} UTC 结束",
    "extend.late": "为时已晚：{grant_id} 在这次延长被决定之前就已结束；请重新申请访问。",
    "extend.late_again": (
        "为时已晚：{grant_id} 在这次延长被决定之前就已结束；请重新申请访问：{command}"
    ),
}
