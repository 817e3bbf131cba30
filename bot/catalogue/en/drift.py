"""Drift watch: the item posted to the security channel, its buttons and the click replies."""

MESSAGES = {
    "drift.title.gone": "A rule sgbot applied is gone from the cloud",
    "drift.title.unapproved": "A rule no request explains",
    "drift.title.orphan": "An inbound rule whose MSE rule is gone",
    "drift.header": "Drift {item_id}: {title}",
    "drift.what": "{gateway}: rule {rule_id} from the gateway to {group} on ports {ports}",
    "drift.gone": "Applied for {held}; deleted outside sgbot.",
    "drift.gone.no_request": "Applied for a grant; deleted outside sgbot.",
    "drift.orphan": (
        "Inbound rule {backend_rule} of {group} still allows it, but MSE no longer has rule "
        "{rule_id}."
    ),
    "drift.description": "Description: {description}",
    "drift.approvers_only": "Only approvers can press these buttons.",
    "drift.button.reapply": "Re-apply (needs approval)",
    "drift.button.forget": "Forget",
    "drift.button.adopt": "Adopt as a permanent grant",
    "drift.button.ignore": "Ignore",
    "drift.button.revoke": "Revoke (needs approval)",
    "drift.resolved": "Resolved: a later reconcile no longer found it.",
    "drift.settled.reapplying": "{by} asked to re-apply it.",
    "drift.settled.forgotten": "{by} forgot it.",
    "drift.settled.adopted": "{by} adopted it.",
    "drift.settled.ignored": "{by} ignored it.",
    "drift.settled.revoking": "{by} asked to revoke it.",
    "drift.settled.reapplying.follow": "{by} asked to re-apply it ({follow_up}).",
    "drift.settled.forgotten.follow": "{by} forgot it ({follow_up}).",
    "drift.settled.adopted.follow": "{by} adopted it ({follow_up}).",
    "drift.settled.ignored.follow": "{by} ignored it ({follow_up}).",
    "drift.settled.revoking.follow": "{by} asked to revoke it ({follow_up}).",
    "drift.someone": "Someone",
    "drift.bad_button": "That button does not name a drift item I know.",
}

# What an approver is told after a click, and why a click changed nothing.
MESSAGES |= {
    "drift.doing": "act on drift item {item_id}",
    "drift.refuse.not_approver": "Only an approver can act on drift items; nothing changed.",
    "drift.refuse.action": "{item_id} cannot be {action}-ed; nothing changed.",
    "drift.refuse.settled": "{item_id} was already {status}; nothing changed.",
    "drift.refuse.settled_by": "{item_id} was already {status} by {by}; nothing changed.",
    "drift.refuse.unknown": "I no longer know drift item {item_id}; nothing changed.",
    "drift.refuse.busy": "{item_id} is being changed by someone else; try again.",
    "drift.refuse.no_grant": (
        "No grant holds rule {rule_id} any more, so there is nothing to re-apply; press Forget, "
        "or ask for new access."
    ),
    "drift.refuse.ended": "The grants that held it have ended; press Forget instead.",
    "drift.told.reapply": (
        "Asked to add rule {rule_id} again as {request_id}; another approver must approve its card."
    ),
    "drift.told.forget": "Forgotten: {held} no longer expect rule {rule_id}.",
    "drift.told.forget.none": "Forgotten: no grant expects rule {rule_id} any more.",
    "drift.told.adopt": (
        "Adopted rule {rule_id} as the permanent grant {request_id}; ending that grant deletes "
        "the rule."
    ),
    "drift.told.ignore": "Ignored: {item_id} will not be posted again.",
    "drift.told.revoke": (
        "Asked to delete rule {rule_id} as {request_id}; nothing is deleted until another "
        "approver approves its card."
    ),
    "drift.reason.reapply": "re-apply rule {rule_id}, deleted outside sgbot ({item_id})",
    "drift.reason.adopt": "adopted rule {rule_id} found outside sgbot",
    "drift.path.adopt": "adopted from drift item {item_id}",
    "drift.state.adopted": "adopted as a permanent grant by {by} ({item_id})",
}

# An item's status as a refusal names it.
MESSAGES |= {
    "drift.status.open": "open",
    "drift.status.reapplying": "reapplying",
    "drift.status.forgotten": "forgotten",
    "drift.status.adopted": "adopted",
    "drift.status.ignored": "ignored",
    "drift.status.revoking": "revoking",
    "drift.status.resolved": "resolved",
}

# A button's action as a refusal names it.
MESSAGES |= {
    "drift.action.reapply": "reapply",
    "drift.action.forget": "forget",
    "drift.action.adopt": "adopt",
    "drift.action.ignore": "ignore",
    "drift.action.revoke": "revoke",
}
