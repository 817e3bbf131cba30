"""Chinese phrasings, with and without spaces, and mixed with English keywords and names."""

# ruff: noqa: RUF001 -- full-width punctuation is what people type in Chinese

from __future__ import annotations

from tests.grammar_corpus import (
    DROPPED,
    NONE,
    ROLE,
    SPLIT,
    VERB,
    cluster,
    grant,
    instance,
    nodepool,
    ports,
    sg,
    svc,
    take_away,
)
from vocabulary.commands import (
    Cancel,
    Command,
    GatewayRef,
    Help,
    History,
    ListPending,
    ListRules,
    RevokeRequest,
    RevokeRule,
    Status,
)

GW = GatewayRef(value="prod-gw")
REQ = "REQ-7F3K2"
C = cluster().cluster_id

VALID: list[tuple[str, Command, frozenset[str]]] = [
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080", grant(), NONE),
    ("授权网关prod-gw访问服务orders端口8080", grant(), NONE),
    ("请授权网关 prod-gw 访问服务 orders 的 8080 端口", grant(), NONE),
    ("你好，帮我授权网关prod-gw访问服务orders端口8080，谢谢", grant(), NONE),
    (
        "允许 网关 prod-gw 访问 服务 orders 端口 8080，持续4小时，因为压测",
        grant(hours=4, reason="压测"),
        NONE,
    ),
    (
        "开通 网关 prod-gw 到 服务 orders 的端口 8080-8090",
        grant(port_ranges=ports((8080, 8090))),
        NONE,
    ),
    ("允许网关prod-gw访问orders服务的8080端口", grant(), NONE),
    ("授权 网关 prod-gw 访问 安全组 sg-legacyapp01 端口 7070", grant(sg(), ports(7070)), NONE),
    (
        "授权 网关 prod-gw 访问 实例 i-legacy001 端口 22 30分钟",
        grant(instance(), ports(22), hours=0.5),
        NONE,
    ),
    (
        f"授权 网关 prod-gw 访问 集群 {C} 端口 30000-32767 2天",
        grant(cluster(), ports((30000, 32767)), hours=48),
        NONE,
    ),
    (f"授权 网关 prod-gw 访问 集群 {C} 的 节点池 np-web 端口 8080", grant(nodepool()), NONE),
    (
        "授权 网关 prod-gw 访问 命名空间 shop 的 服务 payments 端口 9000",
        grant(svc("payments", "shop"), ports(9000)),
        NONE,
    ),
    ("授权 网关 生产网关 访问 服务 orders 端口 8080", grant(gateway="生产网关"), NONE),
    ("授权网关生产网关访问服务订单端口8080", grant(svc("订单"), gateway="生产网关"), SPLIT),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 永久", grant(), NONE),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 原因：压测", grant(reason="压测"), NONE),
    ("授权 网关 prod-gw 访问 服务 orders 端口 80、443", grant(port_ranges=ports(80, 443)), NONE),
    (
        "授权 网关 prod-gw 访问 服务 orders 端口 8080到8090",
        grant(port_ranges=ports((8080, 8090))),
        NONE,
    ),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 一小时", grant(hours=1), NONE),
    (
        "授权 网关 prod-gw 访问 服务 orders 端口 8080 两天 因为 发布",
        grant(hours=48, reason="发布"),
        NONE,
    ),
    ("授权 prod-gw 访问 orders 端口 8080", grant(), ROLE),
    ("临时 授权 网关 prod-gw 访问 服务 orders 端口 8080", grant(), DROPPED),
    ("authorize gateway prod-gw to 服务 orders on 8080", grant(), NONE),
    ("授权 gateway prod-gw 访问 service orders port 8080 for 2h", grant(hours=2), NONE),
    (
        "授权 网关 prod-gw 访问 服务 订单 端口 8080 因为 压测 持续 2小时",
        grant(svc("订单"), hours=2, reason="压测"),
        NONE,
    ),
    ("撤销 网关 prod-gw 对 服务 orders 的 端口 8080", take_away(), NONE),
    ("删除 网关 prod-gw 到 服务 orders 端口 8080", take_away(), NONE),
    ("关闭 网关 prod-gw 到 服务 orders 的 8080 端口", take_away(), VERB),
    ("撤销 REQ-7F3K2", RevokeRequest(request_id=REQ), NONE),
    ("撤销 规则 42 网关 prod-gw", RevokeRule(gateway=GW, rule_id=42), NONE),
    ("列出 待审批 请求", ListPending(), NONE),
    ("查看 待处理 的 请求", ListPending(), NONE),
    ("查看 网关 prod-gw 的 规则", ListRules(gateway=GW), NONE),
    ("列出 规则 网关 prod-gw", ListRules(gateway=GW), NONE),
    ("状态 REQ-7F3K2", Status(request_id=REQ), NONE),
    ("查看 REQ-7F3K2 的 状态", Status(request_id=REQ), NONE),
    ("取消 REQ-7F3K2", Cancel(request_id=REQ), NONE),
    ("取消 我的 请求 REQ-7F3K2", Cancel(request_id=REQ), NONE),
    ("帮助", Help(), NONE),
    ("历史 网关 prod-gw", History(gateway=GW), NONE),
    ("查看 历史", History(), NONE),
]

INVALID: list[tuple[str, str]] = [
    ("授权 网关 prod-gw 访问 服务 orders 端口 99999", "99999"),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 udp", "udp"),
    ("受权 网关 prod-gw 访问 服务 orders 端口 8080", "受权"),
    ("授权 网关 prod-gw 访问 服务 orders 不要 端口 22", "不要"),
    ("列出 所有东西", "东西"),
    ("授权 网关 prod-gw 访问 服务 orders 端口 一百", "一百"),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 持续 很久", "很久"),
    ("授权 网关 prod-gw 访问 服务 orders 端口 8080 因为", "reason"),
    ("撤销 网关 prod-gw 对 服务 orders 端口 8080 持续 2小时", "持续"),
    ("状态", "status"),
]
