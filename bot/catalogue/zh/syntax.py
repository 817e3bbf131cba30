"""命令格式，用于拒绝说明和帮助：应输入什么，关键字按语法识别的写法给出。"""

_TARGET = (
    "service NAME（或 NAME.NAMESPACE、NAME in NAMESPACE）、sg-ID、security group sg-ID、"
    "instance i-ID、cluster CLUSTER_ID，或 nodepool NODEPOOL_ID in cluster CLUSTER_ID"
    "（中文关键字：服务、安全组、实例、集群、节点池）"
)
_VERB = (
    "一条命令，例如 `authorize gateway GATEWAY to service NAME on 443` 或 "
    "`授权 网关 GATEWAY 访问 服务 NAME 端口 443`"
)

MESSAGES = {
    "syntax.target": _TARGET,
    "syntax.a_target": f"一个目标：{_TARGET}",
    "syntax.authorize": (
        "`authorize gateway GATEWAY to TARGET on PORTS [for DURATION] [because REASON]`"
        "（`授权 网关 GATEWAY 访问 TARGET 端口 PORTS [持续 DURATION] [因为 REASON]`），"
        f"其中 TARGET 为 {_TARGET}"
    ),
    "syntax.revoke": (
        "`revoke gateway GATEWAY from TARGET on PORTS`"
        "（`撤销 网关 GATEWAY 对 TARGET 的 端口 PORTS`）、"
        "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]` 或 `revoke REQUEST_ID`"
    ),
    "syntax.check": (
        "`check gateway GATEWAY to TARGET [on PORTS]`（检查网关能否访问目标；服务可省略端口）"
    ),
    "syntax.revoke_rule": (
        "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]`"
        "（`撤销 网关 GATEWAY 的 规则 RULE_ID`）"
    ),
    "syntax.list": (
        "`list rules for gateway GATEWAY`（`查看 网关 GATEWAY 的 规则`）"
        "或 `list pending`（`列出 待审批`）"
    ),
    "syntax.rules": "`rules GATEWAY` 或 `list rules for gateway GATEWAY`",
    "syntax.history": "`history` 或 `history gateway GATEWAY`（`历史`）",
    "syntax.verb": _VERB,
    "syntax.verb_or_help": f"{_VERB}；输入 `help` 或 `帮助` 查看全部命令",
    "syntax.service": "`service NAME`、`service NAME.NAMESPACE` 或 `service NAME in NAMESPACE`",
    "syntax.nodepool": (
        "`nodepool NODEPOOL_ID in cluster CLUSTER_ID`（`节点池 NODEPOOL_ID 在 集群 CLUSTER_ID`）"
    ),
    "syntax.duration": (
        "`for 30m`、`for 4h`、`for 2d`、`for 1w`、`for permanent`，或 `4小时`、`2天`、`永久`"
    ),
    "syntax.security_group": "`security group sg-ID`（`安全组 sg-ID`）",
    "syntax.namespace": ("`service NAME in namespace NAMESPACE`（`服务 NAME 命名空间 NAMESPACE`）"),
}

MESSAGES |= {
    "syntax.status": "`status REQUEST_ID`（`状态 REQUEST_ID`），例如 `status REQ-7F3K2`",
    "syntax.cancel": "`cancel REQUEST_ID`（`取消 REQUEST_ID`），例如 `cancel REQ-7F3K2`",
    "syntax.instance": "`instance i-ID`（`实例 i-ID`）",
    "syntax.cluster": "`cluster CLUSTER_ID`（`集群 CLUSTER_ID`）",
}
