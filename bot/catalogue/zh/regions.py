"""多地域网关：请求的网关所在地域，以及按地域分列的列表。"""

MESSAGES = {
    "region.gateway_in": "{gateway}（地域 {region}）",
    "region.line": "地域：{region}",
}
