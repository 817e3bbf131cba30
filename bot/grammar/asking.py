"""Forgiving queries and follow-ups, and the two revokes that name one thing (a rule, a request).

``list``/``show``/``what``/``查看`` pick their query by what follows: ``pending`` lists pending
requests, ``rules`` a gateway's rules, ``history`` the history, a request id (or ``status``)
its status. Around a request id, ``of``, ``my`` and ``request`` are dropped, and an id typed
on its own reads as its status (noted, though a status changes nothing). Each reader returns
strict-grammar text; anything left over is refused, naming the word.
"""

from __future__ import annotations

from bot.catalogue import say
from bot.grammar.lexicon import SUGGESTIONS, Term
from bot.grammar.usage import (
    BY_ID_FORMS,
    HISTORY_FORM,
    LIST_FORM,
    REVOKE_RULE_FORM,
    unexpected,
)
from bot.grammar.values import shown
from bot.grammar.words import Inferred, Word, Words, emit, request_id_word

_ID_FILLER = (Term.REQUEST, Term.OF, Term.FOR, Term.STATUS, Term.SHOW)
_LIST_FILLER = (Term.REQUEST, Term.OF, Term.FOR, Term.ON, Term.IN, Term.PENDING, Term.ALL)
_RULES_FILLER = (Term.RULES, Term.RULE, Term.OF, Term.FOR, Term.ON, Term.IN, Term.ALL)


def read_query(words: Words, verb: Word) -> str:
    rest = words.items[1:]
    terms = {word.term for word in rest}
    if verb.term is Term.HELP:
        return "help"
    if verb.term is Term.PENDING:
        _only(rest, _LIST_FILLER, form=LIST_FORM)
        return "list pending"
    if verb.term in (Term.STATUS, Term.CANCEL):
        return _by_id(str(verb.term), rest)
    if verb.term is Term.HISTORY or Term.HISTORY in terms:
        return _history(rest)
    if verb.term is Term.RULES or terms & {Term.RULES, Term.RULE}:
        return _rules(rest)
    if Term.PENDING in terms:
        _only(rest, _LIST_FILLER, form=LIST_FORM)
        return "list pending"
    if Term.STATUS in terms or request_id_word(rest) is not None:
        return _by_id("status", rest)
    _only(rest, (Term.ALL,), form=LIST_FORM)
    return "list"


def read_leading_id(words: Words, request: Word) -> str:
    """A request first: ``REQ-7F3K2 status``, ``REQ-7F3K2 cancel``, or ``REQ-7F3K2`` alone."""
    rest = words.items[1:]
    verbs = [word for word in rest if word.term in (Term.STATUS, Term.CANCEL, Term.REVOKE)]
    verb = verbs[0].term if verbs else None
    _only([word for word in rest if word not in verbs], (Term.OF, Term.REQUEST), form=LIST_FORM)
    if verb is None:
        words.note(Inferred.VERB, say("infer.status", word=shown(request.text)))
    return f"{verb or 'status'} {emit(request)}"


def read_revoke_of_one(words: Words) -> str | None:
    """``revoke rule …`` or ``revoke [my request] REQ-…`` as strict text; None otherwise."""
    rest = words.items[1:]
    if any(word.term is Term.RULE for word in rest):
        return _revoke_rule(rest)
    named = [word for word in rest if word.term not in (Term.REQUEST, Term.OF)]
    if len(named) == 1 and request_id_word(named) is not None:
        return f"revoke {emit(named[0])}"
    return None


def _by_id(verb: str, rest: list[Word]) -> str:
    values = [word for word in rest if word.is_value()]
    form = BY_ID_FORMS[verb]
    _only([word for word in rest if not word.is_value()], _ID_FILLER, form=form)
    if len(values) > 1:
        raise unexpected(values[1].text, form=form)
    return f"{verb} {emit(values[0])}" if values else verb


def _rules(rest: list[Word]) -> str:
    gateway = _gateway(rest, form=LIST_FORM, positional=True)
    return f"list rules for gateway {gateway}" if gateway else "rules"


def _history(rest: list[Word]) -> str:
    gateway = _gateway([w for w in rest if w.term is not Term.HISTORY], form=HISTORY_FORM)
    return f"history gateway {gateway}" if gateway else "history"


def _gateway(rest: list[Word], *, form: str, positional: bool = False) -> str | None:
    """The gateway a query names: ``gateway X``, or (for rules) ``X`` alone."""
    gateway: str | None = None
    index = 0
    while index < len(rest):
        word = rest[index]
        following = rest[index + 1] if index + 1 < len(rest) else None
        if word.term is Term.GATEWAY and following is not None and following.is_value():
            gateway, index = _once(gateway, following, form), index + 2
        elif word.is_value() and positional:
            gateway, index = _once(gateway, word, form), index + 1
        elif word.term in (*_RULES_FILLER, Term.GATEWAY):
            index += 1
        else:
            raise unexpected(word.text, form=form, choices=("gateway",))
    return gateway


def _once(current: str | None, word: Word, form: str) -> str:
    if current is not None:
        raise unexpected(word.text, form=form)
    return emit(word)


def _only(rest: list[Word], allowed: tuple[Term, ...], *, form: str) -> None:
    for word in rest:
        if word.term not in allowed or word.term is None:
            raise unexpected(word.text, form=form, choices=SUGGESTIONS)


def _revoke_rule(rest: list[Word]) -> str:
    rule: str | None = None
    gateway: str | None = None
    keep = False
    index = 0
    while index < len(rest):
        word = rest[index]
        following = rest[index + 1] if index + 1 < len(rest) else None
        if word.term is Term.RULE and following is not None and following.is_value() and not rule:
            rule, index = emit(following), index + 2
        elif (
            word.term in (Term.ON, Term.FROM, Term.GATEWAY)
            and following is not None
            and (following.is_value())
        ):
            gateway, index = _once(gateway, following, REVOKE_RULE_FORM), index + 2
        elif word.term is Term.KEEP:
            keep, index = True, index + 1
        elif word.term in (Term.RULE, Term.BACKEND, Term.AND, Term.OF, Term.ON, Term.GATEWAY):
            index += 1
        elif word.is_value() and gateway is None and rule is not None:
            gateway, index = emit(word), index + 1
        else:
            raise unexpected(word.text, form=REVOKE_RULE_FORM, choices=("on", "gateway", "keep"))
    parts = ["revoke", "rule", *([rule] if rule else []), "on", "gateway"]
    parts += [gateway] if gateway else []
    return " ".join([*parts, *(["keep", "backend", "rule"] if keep else [])])
