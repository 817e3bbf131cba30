"""What the grammar tells people: the command forms, the help text and usage errors.

Forms use upper-case placeholders rather than ``<gw>`` so the text is safe as Slack mrkdwn,
where angle brackets are markup. ``unexpected`` builds the one usage error every parse step
raises for a word it cannot place, with a difflib suggestion for a mistyped keyword.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bot.grammar.values import shown
from vocabulary.errors import UsageError

AUTHORIZE_VERBS = ("authorize", "allow", "grant", "open")
REVOKE_VERBS = ("revoke", "remove", "delete")
VERBS = (
    *AUTHORIZE_VERBS,
    *REVOKE_VERBS,
    *("list", "rules", "status", "cancel", "history", "check", "help"),
)

# Every word with a meaning somewhere in the grammar; a name spelled like one is quoted on output.
KEYWORDS = frozenset(
    {
        *VERBS,
        *("gateway", "to", "from", "on", "for", "because", "in", "port", "ports", "and", "all"),
        *("service", "security", "group", "sg", "instance", "cluster", "nodepool", "node-pool"),
        *("rule", "keep", "backend", "pending", "of", "permanent", "permanently", "forever"),
    }
)

TARGET_FORM = (
    "service NAME (or NAME.NAMESPACE, or NAME in NAMESPACE), sg-ID, security group sg-ID, "
    "instance i-ID, cluster CLUSTER_ID, or nodepool NODEPOOL_ID in cluster CLUSTER_ID"
)
AUTHORIZE_FORM = (
    "`authorize gateway GATEWAY to TARGET on PORTS [for DURATION] [because REASON]`, "
    f"where TARGET is {TARGET_FORM}"
)
REVOKE_FORM = (
    "`revoke gateway GATEWAY from TARGET on PORTS`, "
    "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]` or `revoke REQUEST_ID`"
)
CHECK_FORM = "`check gateway GATEWAY to TARGET [on PORTS]` (ports may be left out for a service)"
REVOKE_RULE_FORM = "`revoke rule RULE_ID on gateway GATEWAY [keep backend rule]`"
LIST_FORM = "`list rules for gateway GATEWAY` or `list pending`"
RULES_FORM = "`rules GATEWAY` or `list rules for gateway GATEWAY`"
HISTORY_FORM = "`history` or `history gateway GATEWAY`"
VERB_FORM = "a command such as `authorize gateway GATEWAY to service NAME on 443`"

HELP_EXAMPLES = (
    "authorize gateway prod-gw to service orders.shop on 8080 for 4h because load test",
    'grant gateway "edge gateway" to service web in default on 80, 443',
    "allow gateway gw-0123456789abcdef0123456789abcdef to sg-bp1a2b3c4d on 8080-8090",
    "open gateway prod-gw to instance i-bp1a2b3c4d on 22 because debugging for 30m",
    "authorize gateway prod-gw to nodepool np1a2b in cluster c1a2b3 on all for 1w",
    "revoke gateway prod-gw from service orders.shop on 8080",
    "revoke rule 12345 on gateway prod-gw keep backend rule",
    "revoke REQ-7F3K2",
    "list rules for gateway prod-gw",
    "check gateway prod-gw to service orders",
    "list pending",
    "status REQ-7F3K2",
    "cancel REQ-7F3K2",
    "history gateway prod-gw",
)

HELP_TEXT = "\n".join(
    (
        "*Commands* (keywords in any case; a name with spaces goes in double quotes)",
        f"• {AUTHORIZE_FORM}. Also `allow`, `grant`, `open`, `give`.",
        f"• {REVOKE_FORM}. Also `remove`, `delete`.",
        f"• {LIST_FORM}, `status REQUEST_ID`, `cancel REQUEST_ID`, {HISTORY_FORM}, `help`.",
        f"• {CHECK_FORM}: can the gateway reach it? Read-only, answered privately.",
        "GATEWAY is a gateway id (gw- and 32 hex digits) or its exact name.",
        "PORTS: `8080`, `8080-8090`, `8080/8090`, lists joined by commas, spaces or `and`, "
        "or `all`.",
        "DURATION: `30m`, `4h`, `2d`, `1w` or `permanent` (the default). "
        "REASON: free text, at most 500 characters; a `for DURATION` at its end is the duration.",
        "REQUEST_ID looks like `REQ-7F3K2`.",
        "I also read everyday phrasings (`please allow prod-gw to reach orders on port 8080`, "
        "`show pending requests`) and Chinese keywords (`授权 网关 prod-gw 访问 服务 orders "
        "端口 8080`). When I have to guess, I show how I read the request and wait for your "
        "Confirm before sending it.",
        "*Examples*",
        *(f"• `{example}`" for example in HELP_EXAMPLES),
    )
)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.7)
    return matches[0] if matches else None


def unexpected(word: str, *, form: str, choices: Iterable[str] = ()) -> UsageError:
    """The error for a word the grammar cannot place: name it, suggest, show the form."""
    suggestion = suggest(word, choices)
    hint = f" Did you mean `{suggestion}`?" if suggestion else ""
    return UsageError(f"I don't understand `{shown(word)}` there.{hint} Type {form}.")


def needs(what: str, *, form: str) -> UsageError:
    """The error for a keyword written without the value it introduces."""
    return UsageError(f"`{what}` needs a value. Type {form}.")
