"""The policy file as people meet it: the line on a card, a denial, limits and a broken file."""

MESSAGES = {
    "policy.note.auto_approve": "approved by policy rule {rule} (policy {digest})",
    "policy.note.deny": "denied by policy rule {rule} (policy {digest})",
    "policy.note.required": "{decision} required by policy rule {rule} (policy {digest})",
    "policy.note.audit.auto_approve": (
        "audit mode: would have been approved by policy rule {rule} (policy {digest}); "
        "people decide"
    ),
    "policy.note.audit.deny": (
        "audit mode: would have been denied by policy rule {rule} (policy {digest}); people decide"
    ),
    "policy.note.audit.required": (
        "audit mode: would have been {decision} required by policy rule {rule} "
        "(policy {digest}); people decide"
    ),
    "policy.note.with_note": "{line}. {note}",
    "policy.decision.approval_one": "{count} approval",
    "policy.decision.approvals": "{count} approvals",
    "policy.decision.approval_one_group": "{count} approval from user group {group}",
    "policy.decision.approvals_group": "{count} approvals from user group {group}",
    "policy.passed": "rule {rule}: {why}",
    "policy.limit_reached": "its limit of {per_day} auto-approvals a day is reached",
    "policy.denied": "{note}: {deny}",
    "policy.broken": (
        "The policy file {file} no longer validates, so the previous one (hash {digest}) stays "
        "in force: {problems}"
    ),
}
