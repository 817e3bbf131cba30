"""The strict grammar: the recursive-descent parser every reading of chat text ends in.

The first word picks the verb; ``authorize`` and ``revoke gateway`` read keyword clauses
(``gateway``, ``to``/``from``, ``on``, ``for``, ``because``) in any order, so a request missing
some of them becomes an ``IncompleteCommand`` that carries what was given. Everything else
that does not fit raises a ``UsageError`` naming the word and the form to type instead. Only
the change verbs (``authorize``, ``revoke``) are ever incomplete: they have forms to fill in.
Text in this grammar's own form (what ``render_command`` writes) is read here exactly; the
forgiving reader (``bot.grammar.reading``) writes other phrasings in this form and parses that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.catalogue import say
from bot.grammar.clauses import (
    NO_STOPS,
    REASON_PREFIX,
    Cursor,
    parse_target,
    take_duration,
    take_ports,
    take_reason,
    take_region,
)
from bot.grammar.text import clean_text
from bot.grammar.usage import (
    AUTHORIZE_FORM,
    AUTHORIZE_VERBS,
    BY_ID_FORMS,
    CHECK_FORM,
    HISTORY_FORM,
    LIST_FORM,
    REVOKE_FORM,
    REVOKE_RULE_FORM,
    REVOKE_VERBS,
    RULES_FORM,
    VERB_FORM,
    VERB_OR_HELP_FORM,
    VERBS,
    needs,
    unexpected,
)
from bot.grammar.values import (
    DurationSpec,
    check_duration,
    gateway_ref,
    request_id,
    rule_id,
)
from vocabulary.commands import (
    Authorize,
    Cancel,
    Check,
    Command,
    GatewayRef,
    Help,
    History,
    ListPending,
    ListRules,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    ServiceTarget,
    Status,
    Target,
)
from vocabulary.errors import IncompleteCommand, UsageError


@dataclass
class _ChangeParts:
    """The clauses of a change request read so far; None is not given (yet)."""

    gateway: GatewayRef | None = None
    region: str | None = None
    target: Target | None = None
    ports: tuple[PortRange, ...] | None = None
    duration: DurationSpec | None = None
    reason: str | None = None

    def put(self, field: str, value: object) -> None:
        if value is None:
            return
        if getattr(self, field) is not None:
            raise UsageError(say(f"usage.twice.{field}"))
        setattr(self, field, value)

    def given(self) -> dict[str, Any]:
        parts = {
            "gateway": self.gateway,
            "target": self.target,
            "ports": self.ports,
            "duration": self.duration.value if self.duration else None,
            "reason": self.reason,
        }
        return {name: value for name, value in parts.items() if value is not None}

    def complete(self, verb: str) -> tuple[GatewayRef, Target, tuple[PortRange, ...]]:
        if self.gateway is None or self.target is None or self.ports is None:
            names = ("gateway", "target", "ports")
            missing = tuple(name for name in names if getattr(self, name) is None)
            raise IncompleteCommand(verb, self.given(), missing)
        return self.gateway, self.target, self.ports


def parse_strict(text: str, *, max_duration: timedelta | None = None) -> Command:
    """Parse chat text by the strict grammar alone; raise ``UsageError`` or
    ``IncompleteCommand`` and nothing else."""
    return parse_clean(clean_text(text), max_duration=max_duration)


def parse_clean(text: str, *, max_duration: timedelta | None = None) -> Command:
    """``parse_strict`` of text that has already been through ``clean_text``."""
    cursor = Cursor(text)
    first = cursor.peek()
    if first is None:
        raise UsageError(say("usage.no_command", form=say(VERB_FORM)))
    cursor.position += 1
    verb = first.word
    if verb in AUTHORIZE_VERBS:
        return _parse_authorize(cursor, max_duration)
    if verb in REVOKE_VERBS:
        return _parse_revoke(cursor)
    if verb == "list":
        return _parse_list(cursor)
    if verb == "rules":
        return _parse_rules(cursor)
    if verb in ("status", "cancel"):
        form = BY_ID_FORMS[verb]
        request = request_id(cursor.require_value(NO_STOPS, what=verb, form=form).text)
        cursor.expect_end(form)
        return Status(request_id=request) if verb == "status" else Cancel(request_id=request)
    if verb == "history":
        return _parse_history(cursor)
    if verb == "help":
        return Help()
    if verb == "check":
        return _parse_check(cursor)
    raise unexpected(first.text, form=VERB_OR_HELP_FORM, choices=VERBS)


def _parse_authorize(cursor: Cursor, max_duration: timedelta | None) -> Authorize:
    parts = _parse_change(cursor, target_word="to", with_terms=True, form=AUTHORIZE_FORM)
    duration = parts.duration.value if parts.duration else None
    if max_duration is not None:
        check_duration(duration, max_duration)
    gateway, target, ports = parts.complete("authorize")
    return Authorize(
        gateway=gateway,
        region=parts.region,
        target=target,
        ports=ports,
        duration=duration,
        reason=parts.reason,
    )


def _parse_check(cursor: Cursor) -> Check:
    parts = _parse_change(cursor, target_word="to", with_terms=False, form=CHECK_FORM)
    if parts.gateway is None or parts.target is None:
        missing = "_".join(n for n in ("gateway", "target") if getattr(parts, n) is None)
        raise UsageError(say(f"usage.check_needs.{missing}", form=say(CHECK_FORM)))
    if parts.ports is None and not isinstance(parts.target, ServiceTarget):
        raise UsageError(say("usage.check_ports", form=say(CHECK_FORM)))
    return Check(
        gateway=parts.gateway, region=parts.region, target=parts.target, ports=parts.ports or ()
    )


def _parse_revoke(cursor: Cursor) -> RevokeTarget | RevokeRule | RevokeRequest:
    token = cursor.peek()
    if token is not None and token.word == "rule":
        cursor.position += 1
        return _parse_revoke_rule(cursor)
    if token is not None and token.word.startswith("req-"):
        cursor.position += 1
        command = RevokeRequest(request_id=request_id(token.text))
        cursor.expect_end(REVOKE_FORM)
        return command
    parts = _parse_change(cursor, target_word="from", with_terms=False, form=REVOKE_FORM)
    gateway, target, ports = parts.complete("revoke")
    return RevokeTarget(gateway=gateway, region=parts.region, target=target, ports=ports)


def _parse_change(cursor: Cursor, *, target_word: str, with_terms: bool, form: str) -> _ChangeParts:
    clause_words = ("gateway", target_word, "on", *(("for", "because") if with_terms else ()))
    stops = frozenset(clause_words)
    parts = _ChangeParts()
    while (token := cursor.peek()) is not None:
        cursor.position += 1
        word = token.word
        if word == "gateway":
            name = cursor.take_value(stops)
            parts.put("gateway", gateway_ref(name.text) if name else None)
            parts.put("region", take_region(cursor))
        elif word == target_word:
            parts.put("target", parse_target(cursor, stops))
        elif word == "on":
            parts.put("ports", take_ports(cursor, stops))
        elif with_terms and word == "for":
            parts.put("duration", take_duration(cursor))
        elif with_terms and (word == "because" or word.startswith(REASON_PREFIX)):
            start = token.end if word == "because" else token.start + len(REASON_PREFIX)
            reason, trailing_duration = take_reason(cursor, start)
            parts.put("reason", reason)
            parts.put("duration", trailing_duration)
        else:
            choices = (*clause_words, "reason:") if with_terms else (*clause_words, "rule")
            raise unexpected(token.text, form=form, choices=choices)
    return parts


def _parse_revoke_rule(cursor: Cursor) -> RevokeRule:
    stops = frozenset({"on", "from", "gateway", "keep"})
    first = cursor.take_value(stops)
    rule = rule_id(first.text) if first else None
    gateway: GatewayRef | None = None
    region: str | None = None
    keep_backend_rule = False
    while (token := cursor.peek()) is not None:
        cursor.position += 1
        if token.word in ("on", "from", "gateway"):
            cursor.take_word("gateway")
            name = cursor.take_value(stops)
            if name is not None and gateway is not None:
                raise UsageError(say("usage.twice.gateway"))
            gateway = gateway_ref(name.text) if name else gateway
            region = take_region(cursor) or region
        elif token.word == "keep" and cursor.take_word("backend"):
            cursor.take_word("rule", "rules")
            keep_backend_rule = True
        else:
            raise unexpected(token.text, form=REVOKE_RULE_FORM, choices=("on", "gateway", "keep"))
    if rule is None or gateway is None:
        given = {"rule_id": rule, "gateway": gateway}
        missing = tuple(name for name, value in given.items() if value is None)
        present = {name: value for name, value in given.items() if value is not None}
        raise IncompleteCommand("revoke", present, missing)
    return RevokeRule(
        gateway=gateway, region=region, rule_id=rule, keep_backend_rule=keep_backend_rule
    )


def _parse_list(cursor: Cursor) -> ListPending | ListRules:
    if cursor.take_word("pending"):
        cursor.expect_end(LIST_FORM)
        return ListPending()
    token = cursor.peek()
    if token is None:
        raise needs("list", form=LIST_FORM)
    if cursor.take_word("rules") or token.word == "gateway":
        return _parse_rules(cursor)
    raise unexpected(token.text, form=LIST_FORM, choices=("rules", "pending", "gateway"))


def _parse_rules(cursor: Cursor) -> ListRules:
    if cursor.peek() is None:
        return ListRules()  # every gateway of every region
    cursor.take_word("for", "on", "of")
    cursor.take_word("gateway")
    name = cursor.require_value(NO_STOPS, what="gateway", form=RULES_FORM)
    region = take_region(cursor)
    cursor.expect_end(RULES_FORM)
    return ListRules(gateway=gateway_ref(name.text), region=region)


def _parse_history(cursor: Cursor) -> History:
    if cursor.peek() is None:
        return History()
    cursor.take_word("for", "of", "on")
    if not cursor.take_word("gateway"):
        token = cursor.peek()
        if token is None:
            raise needs("history for", form=HISTORY_FORM)
        raise unexpected(token.text, form=HISTORY_FORM, choices=("gateway",))
    name = cursor.require_value(NO_STOPS, what="gateway", form=HISTORY_FORM)
    cursor.expect_end(HISTORY_FORM)
    return History(gateway=gateway_ref(name.text))
