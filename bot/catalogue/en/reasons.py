"""Why a request reached its state, kept with it and shown under "Why" on its card."""

MESSAGES = {
    "why.grant_ended": "grant ended",
    "why.revoked_by_request": "revoked by {request_id}",
    "why.nobody_decided": "nobody decided before the deadline",
    "why.time_limit": "time limit reached",
    "why.duplicate_pending": "same as {holder}, which is pending",
    "why.gave_up": "gave up after repeated internal errors ({why}); incident {incident}",
    "why.recovered": (
        "rebuilt from the cloud by sgbot reconcile --recover ({ends}); requester, reason and "
        "approvers were not recorded there"
    ),
    "why.cancelled": "cancelled",
    "why.retried": "retried",
    "why.revoked_by": "revoked by {who}",
}

# What releasing or deleting a rule did, and why a backend rule stays or goes.
MESSAGES |= {
    "note.rule_still_needed": "rule {rule} ({group} ports {ports}) stays: still needed by {others}",
    "note.access_remains": "access remains through {rule}, which sgbot did not create",
    "note.was_held": "rule {rule} was held by {holders}; they no longer rely on it",
    "note.backend_stays": "the backend rule stays: {why}",
    "backend.there_before": (
        "{rule} was there before sgbot added the rule; sgbot did not create it"
    ),
    "backend.none_found": "no matching backend rule was found",
    "backend.undated": "{rule} cannot be dated against the MSE rule, so it is kept",
    "backend.predates": "{rule} predates the MSE rule; sgbot did not create it",
    "backend.kept_as_asked": "{rule} is kept as asked",
    "backend.came_with": "{rule} came with the MSE rule",
    "delete.made": "made by sgbot for {request_id}; {why}",
    "delete.made_backend_stays": (
        "made by sgbot for {request_id}; backend rule {rule} stays: {why}"
    ),
    "delete.made_backend_removed": (
        "made by sgbot for {request_id}; backend rule {rule} is removed with it: {why}"
    ),
    "delete.foreign": "not made by sgbot; {why}",
    "delete.foreign_backend_stays": "not made by sgbot; backend rule {rule} stays: {why}",
    "delete.foreign_backend_removed": (
        "not made by sgbot; backend rule {rule} is removed with it: {why}"
    ),
}

# What a removal plans, and why a request has nothing to do.
MESSAGES |= {
    "plan.covers": "rule {rule} covers {group} ports {ports}",
    "plan.already_in_place": "already in place: {covered}",
    "plan.close_ports": "close ports {ports}",
    "plan.no_rule_for_ports": (
        "gateway {gateway} has no rule for exactly those ports on {path}; "
        "`list rules {gateway}` shows what there is"
    ),
    "plan.no_rule": (
        "gateway {gateway} has no rule {rule}; `list rules {gateway}` shows the rule ids"
    ),
    "plan.delete_rule": "delete rule {rule}",
    "plan.delete_rule_keeping": "delete rule {rule} (keeping the backend group's inbound rule)",
    "plan.rule_path": "rule {rule} → {group}",
    "plan.opened_nothing": "{request_id} opened no ports, so there is nothing to revoke",
    "plan.holds_nothing": "{request_id} is {state}; it holds no rules to revoke",
    "plan.end_grant": "end the grant of {request_id}",
    "plan.already_gone": "the rules of {request_id} are already gone",
}
