"""What the grammar tells people: the command forms, the help text and usage errors.

Forms use upper-case placeholders rather than ``<gw>`` so the text is safe as Slack mrkdwn,
where angle brackets are markup. ``unexpected`` builds the one usage error every parse step
raises for a word it cannot place, with a difflib suggestion for a mistyped keyword.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bot.catalogue import current, say, say_in
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

# Command forms are catalogue keys: a refusal shows the form in the reply language.
TARGET_FORM = "syntax.target"
AUTHORIZE_FORM = "syntax.authorize"
REVOKE_FORM = "syntax.revoke"
CHECK_FORM = "syntax.check"
REVOKE_RULE_FORM = "syntax.revoke_rule"
LIST_FORM = "syntax.list"
RULES_FORM = "syntax.rules"
HISTORY_FORM = "syntax.history"
VERB_FORM = "syntax.verb"
VERB_OR_HELP_FORM = "syntax.verb_or_help"
A_TARGET_FORM = "syntax.a_target"
BY_ID_FORMS = {"status": "syntax.status", "cancel": "syntax.cancel"}

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


def help_text(language: str | None = None) -> str:
    """The ``help`` answer in ``language`` (the chosen one by default); forms stay as typed."""
    return say_in(
        language or current(),
        "help.text",
        authorize=say_in(language or current(), AUTHORIZE_FORM),
        revoke=say_in(language or current(), REVOKE_FORM),
        list=say_in(language or current(), LIST_FORM),
        history=say_in(language or current(), HISTORY_FORM),
        check=say_in(language or current(), CHECK_FORM),
        examples="\n".join(f"• `{example}`" for example in HELP_EXAMPLES),
    )


HELP_TEXT = help_text("en")


def suggest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.7)
    return matches[0] if matches else None


def unexpected(word: str, *, form: str, choices: Iterable[str] = ()) -> UsageError:
    """The error for a word the grammar cannot place: name it, suggest, show the form
    (``form`` is the catalogue key of a command form, ``syntax.…``)."""
    suggestion = suggest(word, choices)
    if suggestion:
        text = say(
            "usage.unexpected_suggest", word=shown(word), suggestion=suggestion, form=say(form)
        )
        return UsageError(text)
    return UsageError(say("usage.unexpected", word=shown(word), form=say(form)))


def needs(what: str, *, form: str) -> UsageError:
    """The error for a keyword written without the value it introduces."""
    return UsageError(say("usage.needs_value", what=what, form=say(form)))
