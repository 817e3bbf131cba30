"""What the grammar had to infer to read a phrasing, shown before anything is sent."""

MESSAGES = {
    "infer.status": "`{word}` on its own read as its status",
    "infer.gateway": "`{word}` taken as the gateway",
    "infer.cluster": "`{word}` taken as a cluster id",
    "infer.service": "`{word}` taken as a service",
    "infer.split": "`{word}` split into words where I took names to end",
    "infer.revoke": "`{word}` read as `revoke`",
    "infer.no_reason": "the reason left out: a revoke carries none",
    "infer.dropped": "`{word}` left out",
    "infer.dropped_permanent": (
        "`{word}` left out: no duration was given, so the access would be permanent"
    ),
    "infer.needs_confirmation": ("I read this as `{shown}` ({notes}). Type it that way to use it."),
}

# Refusals of text that is not a command: each names the word and says what to type.
MESSAGES |= {
    "usage.unexpected": "I don't understand `{word}` there. Type {form}.",
    "usage.unexpected_suggest": (
        "I don't understand `{word}` there. Did you mean `{suggestion}`? Type {form}."
    ),
    "usage.needs_value": "`{what}` needs a value. Type {form}.",
    "usage.twice.gateway": "The gateway is given twice. Type it once and send the request again.",
    "usage.twice.target": "The target is given twice. Type it once and send the request again.",
    "usage.twice.ports": "The ports are given twice. Type them once, e.g. `on 80, 443`.",
    "usage.twice.duration": "The duration is given twice. Type it once, e.g. `for 4h`.",
    "usage.twice.reason": "The reason is given twice. Type it once and send the request again.",
    "usage.twice.namespace": "The namespace is given twice. Type it once.",
    "usage.namespace_needs_service": (
        "A namespace belongs to a service: `namespace` needs `service NAME`. Type {form}."
    ),
    "usage.unclosed_quote": (
        'The quote at `{word}` is never closed. Type a closing `"` after the name.'
    ),
    "usage.empty_quote": "A quoted name is empty. Type the name between the quotes.",
    "usage.nodepool_needs_cluster": "A node pool needs its cluster. Type {form}.",
    "usage.not_a_service": "`{word}` is not a service. Type {form}.",
    "usage.not_a_duration": (
        "`{word}` is not a duration. Type {form}; a reason goes after `because`."
    ),
    "usage.empty_reason": "The reason is empty. Type it after `because`: `because load test`.",
    "usage.long_reason": (
        "The reason is {length} characters long. Type a shorter one, at most {most} characters."
    ),
    "usage.no_command": "There is no command. Type `help` to see them all, or {form}.",
    "usage.duration_too_long": (
        "`{asked}` is longer than the longest grant allowed, {longest}. Type `for {longest}` "
        "or less."
    ),
    "usage.reason_only_authorize": (
        "Only a request for access takes a reason. Leave out `because …` and send it again."
    ),
    "usage.text_too_long": (
        "The request is too long ({length} characters; at most {most}). Shorten the reason, "
        "or type `help` to see the commands."
    ),
    "usage.bad_character": (
        "The request contains an invisible or invalid character ({code}) at position "
        "{position}. Retype the request without it."
    ),
    "usage.no_ports": "No ports given. Type ports such as `443`, `8080-8090` or `80,443`.",
    "usage.not_a_port": (
        "`{word}` is not a port. Type a port such as `443`, a range such as `8080-8090` or "
        "`8080/8090`, or `all`."
    ),
    "usage.range_backwards": (
        "The port range `{word}` starts after it ends. Type it as `{end}-{start}`."
    ),
    "usage.port_out_of_range": (
        "Port `{word}` is out of range. Ports run from 1 to {most}; type `all` for every port."
    ),
    "usage.bad_duration": (
        "`{word}` is not a usable duration. Type e.g. `30m`, `4h`, `2d`, `1w` or `permanent`."
    ),
    "usage.bad_request_id": (
        "`{word}` is not a request id. Request ids look like `REQ-7F3K2`; type `list pending` "
        "to see open requests."
    ),
    "usage.bad_rule_id": (
        "`{word}` is not a rule id. Rule ids are positive numbers; type "
        "`list rules for gateway GATEWAY` to see them."
    ),
    "usage.bad_group_id": ("`{word}` is not a security group id. Type one like `sg-bp1a2b3c4d5e`."),
    "usage.bad_instance_id": "`{word}` is not an ECS instance id. Type one like `i-bp1a2b3c4d5e`.",
    "usage.tcp_only": (
        "MSE security group rules open TCP ports only, so `{word}` cannot be authorized. Type "
        "TCP ports, e.g. `on 8080` or `on tcp/8080`."
    ),
    "usage.bad_target_kind": (
        "sgbot cannot open a gateway to a `{word}`. Type a target it can: `service NAME`, "
        "`sg-ID`, `instance i-ID`, `cluster CLUSTER_ID` or "
        "`nodepool NODEPOOL_ID in cluster CLUSTER_ID`."
    ),
}

MESSAGES |= {
    "help.text": (
        "*Commands* (keywords in any case; a name with spaces goes in double quotes)\n"
        "• {authorize}. Also `allow`, `grant`, `open`, `give`.\n"
        "• {revoke}. Also `remove`, `delete`.\n"
        "• {list}, `status REQUEST_ID`, `cancel REQUEST_ID`, {history}, `help`.\n"
        "• {check}: can the gateway reach it? Read-only, answered privately.\n"
        "GATEWAY is a gateway id (gw- and 32 hex digits) or its exact name.\n"
        "PORTS: `8080`, `8080-8090`, `8080/8090`, lists joined by commas, spaces or `and`, "
        "or `all`.\n"
        "DURATION: `30m`, `4h`, `2d`, `1w` or `permanent` (the default). REASON: free text, "
        "at most 500 characters; a `for DURATION` at its end is the duration.\n"
        "REQUEST_ID looks like `REQ-7F3K2`.\n"
        "I also read everyday phrasings (`please allow prod-gw to reach orders on port 8080`, "
        "`show pending requests`) and Chinese keywords (`授权 网关 prod-gw 访问 服务 orders "
        "端口 8080`). When I have to guess, I show how I read the request and wait for your "
        "Confirm before sending it.\n"
        "*Examples*\n"
        "{examples}"
    ),
}

MESSAGES |= {
    "usage.check_needs.gateway": "`check` needs the gateway. Type {form}.",
    "usage.check_needs.target": "`check` needs the target. Type {form}.",
    "usage.check_needs.gateway_target": "`check` needs the gateway and the target. Type {form}.",
    "usage.check_ports": (
        "Only a service has ports sgbot can look up; for any other target say which. Type {form}."
    ),
}
