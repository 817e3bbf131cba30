"""The approval card in the security channel: fields, buttons, confirm dialogs, outcomes."""

MESSAGES = {
    "emulated.notice": ":test_tube: Emulated cloud — no real Alibaba Cloud resources change",
    "emulated.fallback": "{text} (Emulated cloud — no real Alibaba Cloud resources change)",
    "card.field.requester": "Requester",
    "card.field.gateway": "Gateway",
    "card.field.target": "Target",
    "card.field.groups": "Security groups",
    "card.field.ports": "Ports",
    "card.field.duration": "Duration",
    "card.field.reason": "Reason",
    "card.field.risk": "Risk",
    "card.field.approvals": "Approvals",
    "card.field.request": "Request",
    "card.title.access": "Gateway access request {request_id}",
    "card.title.removal": "Gateway removal request {request_id}",
    "card.requested": "Requested {at}",
    "card.expires": "Expires {at} ({left}) unless decided",
    "card.plan": "*Plan*\n{plan}",
    "card.confirm.all_ports": "Approve access on ALL ports?",
    "card.confirm.broad": "Approve broad access?",
    "card.confirm.sensitive": "Approve access to sensitive ports?",
    "card.confirm.risky_any": (
        "This opens the requested ports from the gateway to the backend. These ports are broad "
        "or reach databases and remote shells: check the reason and the target before "
        "approving {request_id}."
    ),
    "card.confirm.risky_backend": (
        "This opens ports {ports} from the gateway to the backend. These ports are broad or "
        "reach databases and remote shells: check the reason and the target before approving "
        "{request_id}."
    ),
    "card.confirm.risky_one": (
        "This opens ports {ports} from the gateway to {count} security group. These ports are "
        "broad or reach databases and remote shells: check the reason and the target before "
        "approving {request_id}."
    ),
    "card.confirm.risky_many": (
        "This opens ports {ports} from the gateway to {count} security groups. These ports are "
        "broad or reach databases and remote shells: check the reason and the target before "
        "approving {request_id}."
    ),
    "card.confirm.title": "Approve {request_id}?",
    "card.confirm.text_any": (
        "Open the requested ports from the gateway to the backend for {request_id}?"
    ),
    "card.confirm.text_backend": (
        "Open ports {ports} from the gateway to the backend for {request_id}?"
    ),
    "card.confirm.text_one": (
        "Open ports {ports} from the gateway to {count} security group for {request_id}?"
    ),
    "card.confirm.text_many": (
        "Open ports {ports} from the gateway to {count} security groups for {request_id}?"
    ),
    "card.confirm.end_title": "End this access?",
    "card.confirm.end_text": (
        "The rules {request_id} added are removed now, except those another grant still holds."
    ),
    "card.button.approve": "Approve",
    "card.button.approve_anyway": "Approve anyway",
    "card.button.deny": "Deny",
    "card.button.back": "Cancel",
    "card.button.retry": "Retry",
    "card.button.cancel": "Cancel",
    "card.button.end_access": "End access",
    "card.status": "*Status:* {state}",
    "card.waiting_for_worker": "Waiting for the worker to apply it.",
    "card.working_since": "Working on it since {at}.",
    "card.nobody_decided": "Nobody decided before {at}.",
    "card.revoked_at": "Revoked {at}.",
    "card.cancelled_at": "Cancelled {at}.",
    "card.rejected_at": "Rejected {at}.",
    "card.grant_ends": "The grant ends {at}.",
    "card.grant_ended": "The grant ended {at}.",
    "card.why": "_Why:_ {reason}",
    "card.incident": "Incident {incident}: quote it when asking for help.",
    "card.results": "*Results*\n{results}",
    "card.end_overdue": (
        ":rotating_light: *End overdue* since {since}: the cloud has refused to remove its "
        "rules {failures} times; next attempt {next}."
    ),
    "card.end_failing": "Removing its rules failed {failures} times; next attempt {next}.",
    "card.fallback": "{title} from {requester}: {state}",
}


MESSAGES |= {
    "card.title.extension": "Extension request {request_id} for {extends}",
}
