"""The ``check`` doctor's answer in Slack: verdict, endpoints, ports, blind spots and buttons."""

MESSAGES = {
    "doctor.title": (
        "{icon} *{verdict}*: gateway {gateway} ({gateway_id}, group {group}) to {target} on {ports}"
    ),
    "doctor.title.region": (
        "{icon} *{verdict}*: gateway {gateway} ({gateway_id}, group {group}, {region}) "
        "to {target} on {ports}"
    ),
    "doctor.fallback": "{verdict}: {gateway} to {target}",
    "doctor.verdict.no_endpoints": "blocked: the target has no endpoints to reach",
    "doctor.verdict.reachable": "reachable as far as security groups go",
    "doctor.verdict.blocked": "blocked for {count} endpoints of {total}",
    "doctor.verdict.blocked_one": "blocked for {count} endpoint of {total}",
    "doctor.more": "…and {hidden} more endpoints (`sgbot check` prints them all)",
    "doctor.why": "*Why*\n{causes}",
    "doctor.cause": "• *{kind}*: {text}",
    "doctor.not_seen": "Not seen: {items}",
    "doctor.no_ports": "no ports",
    "doctor.no_group": "no group",
    "doctor.endpoint": "{mark} {via} ({groups}): {ports}",
    "doctor.endpoint.ip": "{mark} {ip} → {via} ({groups}): {ports}",
    "doctor.port.covered": "{ports} covered ({why})",
    "doctor.port.blocked": "{ports} *not covered* ({why})",
    "doctor.port.asked": "{why}, asked for in {request_id}",
    "doctor.port.asked_by": "{why}, asked for in {request_id} by {asker}",
    "doctor.request_missing": "Request the missing access: {label}",
    "doctor.missing_label": "{groups} on {ports}",
    "doctor.prefill_reason": "access found missing by check",
    "doctor.failed": "I could not check: {problem}",
    "doctor.form.gateway": "Choose a gateway in the form, then click Check again.",
    "doctor.form.ports": "Give the ports to check (only a service's own are known).",
    "doctor.form.broken": "That form cannot be checked.",
    "doctor.kind.no_endpoints": "no endpoints",
    "doctor.kind.gateway_not_running": "gateway not running",
    "doctor.kind.wrong_node": "wrong node",
    "doctor.kind.several_groups": "several groups",
    "doctor.kind.port_changed": "port changed",
    "doctor.kind.new_node": "new node",
    "doctor.kind.type_mismatch": "type mismatch",
    "doctor.kind.other_vpc": "other VPC",
    "doctor.kind.untraced": "untraced",
}

# Why a port is or is not let in, and the FAQ's causes, as the Slack answer explains them.
MESSAGES |= {
    "doctor.cover.untraced": (
        "no ECS instance or network interface in the gateway's VPC holds this address"
    ),
    "doctor.cover.enterprise": (
        "MSE authorization {rule_id} in {group} (ports {ports}; an enterprise group, taken from "
        "MSE's record because it lists no CIDRs to match the inbound rules with)"
    ),
    "doctor.cover.no_rule": (
        "no rule in {groups} lets the gateway's group {gateway_group} in on {ports}"
    ),
    "doctor.cover.dropped": "dropped by inbound rule {rule_id} in {group} (priority {priority})",
    "doctor.cover.not_mse": "inbound rule {rule_id} in {group} (ports {ports}; not via MSE)",
    "doctor.cover.mse": "MSE authorization {rule_id} in {group} (ports {ports})",
    "doctor.blind.health": (
        "whether the service itself answers: security groups only let traffic in; from a node "
        "in the same security group try `curl http://IP:PORT`"
    ),
    "doctor.blind.enterprise": (
        "enterprise groups are authorized by CIDR (the gateway's vSwitches), not by group: a "
        "rule counts when its CIDR holds one of {cidrs}"
    ),
    "doctor.blind.gateway_cidrs": "the gateway's CIDRs",
    "doctor.cause.other_vpc": (
        "{group} is in {vpc}, the gateway in {gateway_vpc}; a gateway can only reach groups in "
        "its own VPC"
    ),
    "doctor.cause.type_mismatch": (
        "{group} is {group_type} and the gateway's group {gateway_group} is {gateway_type}; MSE "
        "authorizes only between groups of one type: use a gateway group of the backend's type"
    ),
    "doctor.cause.no_endpoints": (
        "{target} has no endpoints: MSE lists no address for it, so it is down, scaled to zero "
        "or not ready yet; start it (`kubectl get endpoints`) and check again"
    ),
    "doctor.cause.gateway_not_running": "gateway {gateway} is {status}, not running",
    "doctor.cause.untraced": (
        "no instance or network interface in the gateway's VPC holds {addresses}; a stale "
        "address, or one in another VPC"
    ),
    "doctor.cause.record": "{rule_id} ({group}, ports {ports})",
    "doctor.cause.wrong_node": (
        "the gateway has authorization {records}, but none of the endpoints is in those groups; "
        "they are in {groups}: authorize those instead"
    ),
    "doctor.cause.several_groups.reachable": (
        "{endpoint} is in {groups} and only {allowing} lets the gateway in on {ports}; ECS "
        "evaluates the rules of all its groups together by priority, so it is reachable; "
        "authorize each group, so that a later change of its groups does not cut access"
    ),
    "doctor.cause.several_groups.blocked": (
        "{endpoint} is in {groups} and only {allowing} lets the gateway in on {ports}; ECS "
        "evaluates the rules of all its groups together by priority, yet it is blocked: {why}; "
        "authorize each group, so that a later change of its groups does not cut access"
    ),
    "doctor.cause.port_changed.uses": (
        "authorization {records} covers a port {target} does not use; it now uses {now}, which "
        "no rule allows: authorize {now}, and revoke the old rule if nothing else needs it"
    ),
    "doctor.cause.port_changed.asked": (
        "authorization {records} covers a port {target} does not use; it is asked about {now}, "
        "which no rule allows: authorize {now}, and revoke the old rule if nothing else needs it"
    ),
    "doctor.cause.node_pool": "{node} has {groups}, its pool {pool} gives {template}",
    "doctor.cause.node_no_pool": "{node} has {groups}, and is in no node pool",
    "doctor.cause.new_node": (
        "nodes whose groups differ from their pool's template: {nodes}; a node added or changed "
        "after the grant does not have the authorized groups"
    ),
    "doctor.endpoint_name": "{via} ({ip})",
    "doctor.cause.joined_node": "{node} joined at {joined} with {groups}",
    "doctor.cause.joined_after_grant": (
        "nodes that joined after authorization {rule_id} ({granted}) and are not covered: "
        "{nodes}; authorize their groups too, so that nodes added later are covered"
    ),
}

# What the doctor could not read, and the endpoints it names.
MESSAGES |= {
    "doctor.read.no_ports": (
        "MSE lists no port for {target}; say which: `check gateway {gateway} to {target} on PORTS`"
    ),
    "doctor.read.groups_hidden": "groups ECS did not return (gone, or hidden by RAM): {groups}",
    "doctor.read.no_instance": "there is no ECS instance {instance_id} in {region}",
    "doctor.read.kind": "cannot check a target of kind {kind}",
    "doctor.read.host_name": (
        "service {service} is reached by host name; name the backend directly instead: "
        "`sg-…` or `instance i-…`"
    ),
    "doctor.read.pods_gone": "pods {pods}: no ENI in the VPC holds them (starting or gone)",
    "doctor.read.overlay": (
        "pods {pods} are on an overlay: any of the cluster's nodes may carry them"
    ),
    "doctor.read.no_pools": "none",
    "doctor.via.group": "security group {group}",
    "doctor.via.ecs": "ECS {instance_id}",
    "doctor.via.serverless_pod": "ACK Serverless pod of {cluster}",
    "doctor.via.serverless_cluster": "ACK Serverless cluster {cluster}",
    "doctor.via.untraced": "untraced address",
    "doctor.via.node_in_pool": "node {instance_id} of {pool}",
    "doctor.via.node_no_pool": "node {instance_id} outside any node pool",
}

# The grammar's refusal of a region anywhere but in ``check``.
MESSAGES |= {
    "doctor.region_unserved": "sgbot does not serve region {region}; it serves {served}",
    "doctor.region_several": (
        "a gateway named {gateway} exists in several regions; say which: {choices}"
    ),
}
