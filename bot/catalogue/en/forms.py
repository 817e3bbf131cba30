"""Modals: the request form and the deny reason form."""

MESSAGES = {
    "form.duration.permanent": "Permanent",
    "form.duration.30m": "30 minutes",
    "form.duration.1h": "1 hour",
    "form.duration.4h": "4 hours",
    "form.duration.8h": "8 hours",
    "form.duration.1d": "1 day",
    "form.duration.1w": "1 week",
    "form.cancel": "Cancel",
    "form.close": "Close",
    "form.error_line": ":warning: *{field}*: {error}",
    "form.gateway": "Gateway",
    "form.gateway_search": "Search gateways",
    "form.service": "Service",
    "form.service_search": "Search the gateway's services",
    "form.service_hint": "Pick a service, or give a target below.",
    "form.target": "Or another target",
    "form.target_placeholder": "sg-…, i-…, cluster id or node pool id",
    "form.ports": "Ports",
    "form.ports_placeholder": "e.g. 8080 or 8080-8090, 9000",
    "form.duration": "Duration",
    "form.reason": "Reason",
    "form.reason_placeholder": "Why the gateway needs to reach it",
    "form.title": "Gateway access",
    "form.submit": "Send for approval",
    "deny.question": "Why deny {request_id}?",
    "deny.placeholder": "The requester sees this",
    "deny.title": "Deny {request_id}",
}

MESSAGES |= {
    "reading.read_as": "I read this as {shown}",
    "reading.guessed": "{read_as}\nI had to guess:\n{notes}",
    "reading.confirm": "Confirm",
    "reading.edit": "Edit",
    "reading.nothing_before": (
        "Confirm sends it as read; nothing is stored or sent to approvers before."
    ),
    "reading.query": "{read_as} ({notes})",
    "reading.duration_nearest": (
        "you asked for {asked}; the form offers fixed durations, so it shows the nearest "
        "shorter one. Choose again if you need another."
    ),
    "reading.duration_shortest": (
        "you asked for {asked}; the shortest the form offers is {shortest}."
    ),
}


MESSAGES |= {
    "form.check_first": "Check access first",
    "home.check_access": "Check access",
}
