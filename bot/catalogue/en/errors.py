"""Refusals and errors: what was refused, why, and what to type or do instead."""

MESSAGES = {
    "error.incident": (
        "Something went wrong on our side (incident {incident}). Anything already stored is "
        "kept: check `/sg list pending` before asking again."
    ),
    "cloud.with_request_id": "{message} (cloud request id {request_id})",
    "usage.incomplete": "`{verb}` needs {missing}",
    "usage.list_separator": ", ",
    "part.gateway": "gateway",
    "part.target": "target",
    "part.ports": "ports",
    "part.rule_id": "rule_id",
    "usage.not_a_request_id": (
        "{text} is not a request id; they look like REQ-7K2QD (REQ- and five letters or digits)"
    ),
    "form.error.no_target": (
        "pick a service, or give a security group, instance, cluster or node pool"
    ),
    "member.deactivated": "this account is deactivated",
    "member.bot": "bots and apps cannot take part in approvals",
    "member.stranger": "you are in another organisation",
    "member.guest": "guest accounts cannot take part in approvals",
    "refuse.request_not_member": (
        "You cannot request security group changes: {problem}. Ask a full member of the "
        "workspace to request it for you."
    ),
    "refuse.not_member": "You cannot {doing}: {problem}.",
    "refuse.read_not_member": (
        "You cannot see sgbot's requests, history, rules or gateways: {problem}. Ask a full "
        "member of the workspace."
    ),
    "refuse.already_approved": (
        "You already approved {request_id}; it needs approval from another approver."
    ),
    "refuse.decide_not_member": (
        "You cannot decide {request_id}: {problem}. It stays pending for an approver."
    ),
    "refuse.decide_not_approver": (
        "You are not an approver, so you cannot decide {request_id}. It stays pending until an "
        "approver decides."
    ),
    "refuse.decide_own": (
        "You asked for {request_id}, so you cannot decide it yourself. Another approver must; "
        "to withdraw it, cancel it instead."
    ),
    "refuse.decide_expired": "{request_id} expired before your decision; nothing changed.",
    "refuse.cancel_holding": (
        "{request_id} holds rules it created, so it is not cancelled but ended: press End "
        "access on its card, or type `revoke {request_id}`."
    ),
    "refuse.withdraw_not_requester": (
        "Only the requester can withdraw {request_id}; to refuse it, deny it."
    ),
    "refuse.cancel_not_allowed": "Only the requester or an approver can cancel {request_id}.",
    "refuse.cancel_state": "{request_id} is {state}; it cannot be cancelled.",
    "refuse.retry_state": "{request_id} is {state}; only failed or partly applied ones retry.",
    "refuse.retry_ended": (
        "The time of {request_id} ended {at} UTC; its rules are being removed. Ask again for "
        "new access."
    ),
    "refuse.revoke_not_allowed": "Only the requester or an approver can revoke {request_id}.",
    "refuse.revoke_state": (
        "{request_id} is not a grant holding rules ({state}); nothing to revoke."
    ),
    "refuse.approvers_only": "Only an approver can {doing}.",
    "state_name.received": "received",
    "state_name.resolving": "resolving",
    "state_name.pending": "pending",
    "state_name.rejected": "rejected",
    "state_name.approved": "approved",
    "state_name.applying": "applying",
    "state_name.applied": "applied",
    "state_name.partly_applied": "partly_applied",
    "state_name.failed": "failed",
    "state_name.denied": "denied",
    "state_name.expired": "expired",
    "state_name.cancelled": "cancelled",
    "state_name.revoking": "revoking",
    "state_name.revoked": "revoked",
}

MESSAGES |= {
    "refuse.unknown_request": (
        "There is no request {request_id}; check the id (`status REQ-XXXXX`)."
    ),
    "click.unknown_request": "That button does not name a request I know.",
    "click.unknown_page": "That button does not name a page.",
    "usage.incomplete_help": "{problem}. Type `help` for the forms.",
    "form.error.no_gateway": "choose a gateway",
    "reading.expired": "That reading has expired. Type the request again to send it.",
    "reading.not_yours": "Only the person who typed this request can confirm or edit it.",
    "reading.change_it": "Change it and send it again: {shown}",
    "reading.editing": "Editing the request in the form…",
    "query.no_request": "There is no request `{request_id}`; check the id.",
    "query.gateway_unreadable": "I could not read the gateway: {error}",
    "query.looking": "Looking that up in the cloud; the answer follows here shortly.",
}

# The cloud's answers a requester reads when their request is rejected.
MESSAGES |= {
    "cloud.no_gateway_id": (
        "there is no gateway {gateway} in {region}; check the id in the MSE console, or use "
        "the gateway's name"
    ),
    "cloud.no_gateway_name": (
        "there is no gateway named {gateway} in {region}; names are exact and case-sensitive "
        "— the MSE console lists them under Cloud-native Gateways"
    ),
    "cloud.several_gateways": "several gateways are named {gateway}; use one id: {choices}",
    "cloud.no_service": (
        "gateway {gateway} routes no service named {service}; the MSE console lists a "
        "gateway's services under Routes → Services"
    ),
    "cloud.no_service_in": (
        "gateway {gateway} routes no service named {service} in namespace {namespace}; the "
        "MSE console lists a gateway's services under Routes → Services"
    ),
    "cloud.several_namespaces": (
        "service {service} exists in several namespaces on gateway {gateway}; say which: {choices}"
    ),
    "cloud.cannot_authorize": "cannot authorize {route}: {reasons}",
}

# How Alibaba Cloud failed, as the request's card and the requester read it.
MESSAGES |= {
    "aliyun.unreachable": (
        "Alibaba Cloud {service} did not answer {action} (timed out or unreachable: {error}); "
        "try again shortly"
    ),
    "aliyun.throttled": "Alibaba Cloud is rate-limiting {where}; try again in a minute",
    "aliyun.credentials": (
        "Alibaba Cloud rejected the bot's credentials ({code}) on {where}; an operator must fix "
        "the access key the bot runs with"
    ),
    "aliyun.ram_denied": (
        "the bot's RAM identity may not call {action}; an operator must grant it (see the bot's "
        "RAM policy)"
    ),
    "aliyun.no_code": "HTTP {status}, no error code: {message}",
    "aliyun.failed": "Alibaba Cloud failed on {where} ({what}); try again shortly",
    "aliyun.refused": "{where} refused the request ({what})",
}

MESSAGES |= {
    "refuse.lookup_rate": (
        "You have made {count} cloud lookups in the last minute, the most allowed. Try again in "
        "{wait} s."
    ),
    "refuse.request_rate": (
        "You have made {count} requests in the last {minutes} minutes, the most allowed. Try "
        "again after {at} UTC."
    ),
    "note.already": "{request_id} was already {state}",
}
