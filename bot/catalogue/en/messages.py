"""What sgbot says about one request as it moves: card thread replies and the requester's DMs."""

MESSAGES = {
    "msg.incident": "Incident {incident}.",
    "thread.approval_recorded": "{quorum} for {request_id}; waiting for {missing} more.",
    "thread.approved_plain": "Approved",
    "thread.approved": "{decided}. Applying {request_id} next.",
    "thread.denied_plain": "Denied",
    "thread.denied": "{request_id}: {decided}.",
    "thread.applying": ":gear: Applying {request_id} to {gateway}…",
    "thread.applied": ":white_check_mark: {request_id} is applied.",
    "thread.failed": ":x: Applying {request_id} failed.",
    "thread.failed.because": ":x: Applying {request_id} failed: {reason}",
    "thread.failed_next": "An approver can press Retry or Cancel on the card.",
    "thread.partly": ":warning: {request_id} is partly applied: the cloud refused the rest.",
    "thread.partly.because": (
        ":warning: {request_id} is partly applied: the cloud refused the rest: {reason}"
    ),
    "thread.partly_keeps": (
        "It keeps the rules it made. An approver can press Retry to complete it; End access "
        "removes what it made."
    ),
    "thread.partly_keeps_until": (
        "It keeps the rules it made until {at}, when they are removed. An approver can press "
        "Retry to complete it; End access removes what it made."
    ),
    "thread.retrying": ":repeat: Retrying {request_id}; rules that already exist are skipped.",
    "thread.cancelled": "{request_id} was cancelled.",
    "thread.cancelled.because": "{request_id} was cancelled: {reason}",
    "thread.expired": ":hourglass: {request_id} expired with {quorum}.",
    "thread.reminder": ":bell: {request_id} still needs approval ({quorum}); it expires {at}.",
    "thread.revoking": ":gear: Removing the rules of {request_id}…",
    "thread.revoked": ":wastebasket: The rules of {request_id} are removed.",
    "thread.revoke_failed": ":warning: Removing the rules of {request_id} failed.",
    "thread.revoke_failed.because": (
        ":warning: Removing the rules of {request_id} failed: {reason}"
    ),
    "thread.revoke_failed_next": (
        "The rules stay in place, held by {request_id}; I keep trying, less often each time "
        "(at least hourly), and alert this channel if its end becomes overdue."
    ),
    "tell.grant_ending": (
        ":bell: The access {request_id} granted ends {at}; its rules are removed then. "
        "Extend it with the button or {extend}."
    ),
    "tell.received": (
        "{request_id} received; I'm resolving the gateway and its backend security groups…"
    ),
    "tell.security_channel": "the security channel",
    "tell.nothing_to_change": "_nothing to change_",
    "tell.pending_one": (
        "{request_id} was sent to {where} for approval; it needs {count} approval.\n"
        "Once approved, for {target} on {gateway}, ports {ports}, I will:\n{plan}\n"
        "I'll message you when it is decided; {cancel} withdraws it."
    ),
    "tell.pending_many": (
        "{request_id} was sent to {where} for approval; it needs {count} approvals from "
        "different approvers.\n"
        "Once approved, for {target} on {gateway}, ports {ports}, I will:\n{plan}\n"
        "I'll message you when it is decided; {cancel} withdraws it."
    ),
    "tell.rejected": (
        ":no_entry: {request_id} was not sent for approval.\n"
        "Correct the request and send it again; type `help` for the command forms."
    ),
    "tell.rejected.because": (
        ":no_entry: {request_id} was not sent for approval: {reason}\n"
        "Correct the request and send it again; type `help` for the command forms."
    ),
    "tell.applying": "{decided}. Applying {request_id} now…",
    "tell.applied": ":white_check_mark: {request_id} is applied.",
    "tell.applied_until": ":white_check_mark: {request_id} is applied. It ends {at}.",
    "tell.denied": ":no_entry_sign: {request_id}: {decided}.",
    "tell.partly": ":warning: {request_id} is partly applied.",
    "tell.partly_rest": (
        "Some rules were made and the cloud refused the rest; you have the access they give. "
        "The approvers can retry it, and `revoke {request_id}` or End access removes what it "
        "made."
    ),
    "tell.partly_until": (
        "Some rules were made and the cloud refused the rest; you have the access they give "
        "until {at}, when they are removed. The approvers can retry it, and "
        "`revoke {request_id}` or End access removes what it made."
    ),
    "tell.failed": ":x: Applying {request_id} failed.",
    "tell.failed_next": "The approvers were told and can retry it.",
    "tell.expired": (
        ":hourglass: {request_id} expired before anyone decided. Send it again if still needed."
    ),
    "alert.cloud_refused": "the cloud refused the removal",
    "alert.end_overdue": (
        ":rotating_light: End overdue: the access {request_id} granted to {requester} on "
        "{gateway} should have ended {at}, but its rules are still in the cloud: {error}."
    ),
    "alert.retry_at": "I try again {at}.",
    "alert.by_hand": "Remove them by hand if this persists.",
    "status.fallback": "{request_id}: {state}",
    "help.fallback": "sgbot commands",
}

MESSAGES |= {
    "intake.received": "`{request_id}` received; checking the gateway and backend…",
    "query.cancelled_nothing": "`{request_id}` is cancelled; nothing was changed in the cloud.",
    "query.cancelled_stays": (
        "`{request_id}` is cancelled. What it already changed in the cloud stays:\n{results}"
    ),
    "decided.approved": "{request_id} is approved; applying it now.",
    "decided.denied": "{request_id} is denied.",
    "decided.recorded": "Approval recorded for {request_id}: {progress} approvals.",
    "settled.preparing": "{request_id} is still being prepared; try again in a moment.",
    "settled.denied": "{request_id} was already denied by {who}.",
    "settled.expired": (
        "{request_id} expired before anyone decided; ask again if it is still needed."
    ),
    "settled.cancelled": "{request_id} was cancelled.",
    "settled.rejected": "{request_id} was rejected: {reason}",
    "settled.approved": "{request_id} is already approved by {who} (now {state}).",
    "settled.approved_by_someone": (
        "{request_id} is already approved by an approver (now {state})."
    ),
}


MESSAGES |= {
    "tell.extension_approved": ":white_check_mark: {request_id} is approved: {reason}.",
    "query.checking": "Checking every hop in the cloud; the answer follows here shortly.",
    "target.security_groups": "security groups {groups}",
}
