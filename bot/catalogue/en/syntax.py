"""Command forms, shown in refusals and help: what to type, keywords as the grammar reads them."""

_TARGET = (
    "service NAME (or NAME.NAMESPACE, or NAME in NAMESPACE), sg-ID, security group sg-ID, "
    "instance i-ID, cluster CLUSTER_ID, or nodepool NODEPOOL_ID in cluster CLUSTER_ID"
)
_VERB = "a command such as `authorize gateway GATEWAY to service NAME on 443`"

MESSAGES = {
    "syntax.target": _TARGET,
    "syntax.a_target": f"a target: {_TARGET}",
    "syntax.authorize": (
        "`authorize gateway GATEWAY to TARGET on PORTS [for DURATION] [because REASON]`, "
        f"where TARGET is {_TARGET}"
    ),
    "syntax.revoke": (
        "`revoke gateway GATEWAY from TARGET on PORTS`, "
        "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]` or `revoke REQUEST_ID`"
    ),
    "syntax.check": (
        "`check gateway GATEWAY to TARGET [on PORTS]` (ports may be left out for a service)"
    ),
    "syntax.revoke_rule": "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]`",
    "syntax.list": "`list rules for gateway GATEWAY` or `list pending`",
    "syntax.rules": "`rules GATEWAY` or `list rules for gateway GATEWAY`",
    "syntax.history": "`history` or `history gateway GATEWAY`",
    "syntax.verb": _VERB,
    "syntax.verb_or_help": f"{_VERB}, or `help` to see them all",
    "syntax.service": "`service NAME`, `service NAME.NAMESPACE` or `service NAME in NAMESPACE`",
    "syntax.nodepool": "`nodepool NODEPOOL_ID in cluster CLUSTER_ID`",
    "syntax.duration": "`for 30m`, `for 4h`, `for 2d`, `for 1w` or `for permanent`",
    "syntax.security_group": "`security group sg-ID`",
    "syntax.namespace": "`service NAME in namespace NAMESPACE`",
}

MESSAGES |= {
    "syntax.status": "`status REQUEST_ID`, e.g. `status REQ-7F3K2`",
    "syntax.cancel": "`cancel REQUEST_ID`, e.g. `cancel REQ-7F3K2`",
    "syntax.instance": "`instance i-ID`",
    "syntax.cluster": "`cluster CLUSTER_ID`",
}
