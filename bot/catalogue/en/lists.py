"""Lists and the App Home: rules of a gateway, pending requests, history, my requests."""

MESSAGES = {
    "list.previous": "Previous page",
    "list.next": "Next page",
    "list.rule_line_via": "• rule {rule} → {group} port {ports} · via {request_id}",
    "list.rule_line_foreign": "• rule {rule} → {group} port {ports} · _not created through sgbot_",
    "list.rules_title": "Rules of gateway {gateway}",
    "list.rules_summary": (
        "{gateway}: {count} rules, {owned} created through sgbot · page {page} of {pages}"
    ),
    "list.no_rules": "This gateway has no backend security group rules.",
    "list.rules_fallback": "Rules of gateway {gateway}: page {page} of {pages}",
    "list.quorum_expires": "{quorum} · expires {at} ({left})",
    "list.pending_title": "Pending requests",
    "list.pending_summary": "{total} pending · page {page} of {pages}",
    "list.nothing_pending": "Nothing is waiting for approval.",
    "list.pending_fallback": "{total} pending requests",
    "list.history_line": "{summary} · {at}",
    "list.history_title": "Request history",
    "list.no_history": "No requests yet.",
    "list.history_summary": "Showing the latest {shown} of {total} requests",
    "list.history_fallback": "Request history: {total} requests",
    "home.title": "Gateway access",
    "home.intro": "Ask for ports to be opened from an MSE gateway to its backend.",
    "home.new_request": "New request",
    "home.mine_title": "Your requests",
    "home.mine_none": "You have not asked for anything yet.",
    "home.updated": "updated {at}",
    "home.mine_more": "…and {count} older; type `history`.",
    "home.waiting_title": "Waiting for approval",
    "home.expires": "Expires {left}",
    "home.waiting_more": "…and {count} more; type `list pending`.",
}
