"""多地域网关：请求的网关所在地域，以及按地域分列的列表。"""

MESSAGES = {
    "region.gateway_in": "{gateway}（地域 {region}）",
    "region.line": "地域：{region}",
    "region.rules_title": "按地域列出的规则",
    "region.section": "*地域 {region}*",
    "region.gateway_rules": "• {gateway}：共 {count} 条规则，其中 {owned} 条由 sgbot 创建",
    "region.no_gateways": "_地域 {region} 中没有网关。_",
    "region.rules_hint": "查看某个网关的规则：`list rules for gateway NAME in REGION`。",
    "region.rules_fallback": "{regions} 中每个网关的规则",
    "region.not_served": (
        "sgbot 不服务地域 {region}，只服务 {served}。请在网关后写其中一个地域，或不写地域。"
    ),
}
