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
