"""Extending a grant: the command's refusals, the Extend button and what an extension records."""

MESSAGES = {
    "extend.button": "Extend 1h",
    "extend.asked": "{request_id} asks to extend {grant_id} by {added}.",
    "extend.name_request": "Name the request whose access to extend, e.g. {example}.",
    "extend.how_long": "Say how much longer, e.g. {example} (30m, 4h, 2d…).",
    "extend.bad_button": "That button does not name a request I know.",
    "extend.doing": "extend {grant_id}",
    "extend.refuse.who": "Only the requester or an approver can extend {grant_id}.",
    "extend.refuse.too_long": (
        "An extension adds at most {longest} (the longest grant allowed); ask for less, "
        "e.g. {example}."
    ),
    "extend.refuse.is_extension": (
        "{grant_id} is itself an extension; extend the grant {extends} instead."
    ),
    "extend.refuse.no_access": "{grant_id} opened no access, so there is nothing to extend.",
    "extend.refuse.ended": (
        "{grant_id} has already ended ({state}), so it cannot be extended; ask for new access "
        "instead."
    ),
    "extend.refuse.ended_again": (
        "{grant_id} has already ended ({state}), so it cannot be extended; ask for new access "
        "instead: {command}."
    ),
    "extend.refuse.permanent": "{grant_id} is permanent; it has no end to move.",
    "extend.refuse.most_once": (
        "{grant_id} has been extended once, the most allowed; ask for new access instead."
    ),
    "extend.refuse.most_once_again": (
        "{grant_id} has been extended once, the most allowed; ask for new access instead: "
        "{command}."
    ),
    "extend.refuse.most": (
        "{grant_id} has been extended {times} times, the most allowed; ask for new access instead."
    ),
    "extend.refuse.most_again": (
        "{grant_id} has been extended {times} times, the most allowed; ask for new access "
        "instead: {command}."
    ),
    "extend.path": "extension of {grant_id}: {path}",
    "extend.path.groups": "extension of {grant_id}: its groups",
    "extend.too_late": "too late: {refusal}",
    "extend.now_ends": "{grant_id} now ends {ends} UTC",
    "extend.late": (
        "too late: {grant_id} ended before this extension was decided; ask for new access instead."
    ),
    "extend.late_again": (
        "too late: {grant_id} ended before this extension was decided; ask for new access "
        "instead: {command}"
    ),
}
