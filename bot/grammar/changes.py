"""Forgiving ``authorize`` and ``revoke``: clauses in any shape, written back in the strict form.

A request names two roles: the gateway (after the verb, ``from``, or ``gateway``/``网关``) and
the target (after ``to``/``reach``/``访问``, or a target noun). A role given by its noun, before
or after the value (``the orders service``), or by an id's own shape (``gw-…``, ``sg-…``,
``i-…``) is certain; one taken from its position alone is noted, and so is a cluster known
only by the shape of its id. In a revoke, ``from`` names the target (``revoke A from B``)
unless a ``to`` names it (``close port 80 from A to B``). Ports may come with or without
``on``/``port``/``端口``, with ``tcp`` anywhere and ranges written ``A to B``; another protocol
is refused. What is missing stays missing: the strict parser reports it as incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.catalogue import say
from bot.grammar.clauses import DURATION_FORM, not_a_duration
from bot.grammar.lexicon import KIND_NOUNS, SUGGESTIONS, Term
from bot.grammar.usage import AUTHORIZE_FORM, REVOKE_FORM, needs, unexpected
from bot.grammar.values import shown
from bot.grammar.words import (
    Inferred,
    Word,
    Words,
    check_name,
    duration_of,
    emit,
    is_duration_word,
    refuse_protocol,
    refuse_target,
)
from vocabulary.commands import GATEWAY_ID_RE
from vocabulary.errors import UsageError

_CLUSTER_ID_RE = re.compile(r"c[0-9a-f]{32}")
_NAMESPACE_FORM = "syntax.namespace"
_PORT_WORDS = (Term.ON, Term.PORT, Term.TCP)
_TARGET_WORDS = {
    Term.SERVICE: "service",
    Term.SECURITY_GROUP: "sg",
    Term.INSTANCE: "instance",
    Term.CLUSTER: "cluster",
    Term.NODEPOOL: "nodepool",
}


@dataclass
class _Request:
    """The clauses read so far, as strict-grammar words."""

    gateway: str | None = None
    target_kind: Term | None = None
    target: list[str] = field(default_factory=list)
    namespace: str | None = None
    ports: list[str] | None = None
    duration: list[str] | None = None

    def set_gateway(self, value: str) -> None:
        if self.gateway is not None:
            raise UsageError(say("usage.twice.gateway"))
        self.gateway = value

    def set_target(self, kind: Term, words: list[str]) -> None:
        if self.target_kind is Term.CLUSTER and kind is Term.NODEPOOL:
            self.target = [*words, "in", *self.target]  # 集群 C 的 节点池 NP
        elif self.target_kind is Term.NODEPOOL and kind is Term.CLUSTER and "in" not in self.target:
            self.target = [*self.target, "in", *words]
        elif self.target_kind is not None:
            raise UsageError(say("usage.twice.target"))
        else:
            self.target = words
        self.target_kind = kind if self.target_kind is None else Term.NODEPOOL


class ChangeReader:
    """Reads the words after an ``authorize`` or ``revoke`` verb into strict text."""

    def __init__(self, words: Words, verb: Word) -> None:
        self.words = words
        self.items = words.items
        self.revoking = verb.term is not Term.AUTHORIZE
        self.form = REVOKE_FORM if self.revoking else AUTHORIZE_FORM
        self.request = _Request()
        self.from_is_gateway = not self.revoking or any(w.term is Term.TO for w in self.items)

    def read(self) -> str:
        index = 1
        while index < len(self.items):
            index = self._clause(index)
        self._finish_duration()
        return self._strict_text()

    def _clause(self, index: int) -> int:
        word = self.items[index]
        term = word.term
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        if term in KIND_NOUNS:
            return self._role(index, side=None)
        if term is Term.TO:
            return self._role(index + 1, side=Term.SERVICE)
        if term is Term.FROM:
            return self._role(
                index + 1, side=Term.GATEWAY if self.from_is_gateway else Term.SERVICE
            )
        if (
            term in _PORT_WORDS
            or word.is_port_like()
            or (term is Term.ALL and following is not None and following.term is Term.PORT)
        ):
            return self._ports(index)
        if term is Term.FOR:
            return self._for(index)
        if is_duration_word(word):
            return self._duration(index, index)
        if term is Term.NAMESPACE:
            return self._namespace(index + 1)
        if term is Term.IN:
            return self._in(index + 1)
        if term in (Term.OF, Term.AND):
            return index + 1
        if term is None and index == 1:
            return self._role(index, side=Term.GATEWAY)
        if term is Term.OTHER_PROTOCOL:
            raise refuse_protocol(word)
        if term is Term.UNSUPPORTED_TARGET:
            raise refuse_target(word)
        # A known word in the wrong place is no typo: suggest only for unknown words.
        raise unexpected(word.text, form=self.form, choices=SUGGESTIONS if term is None else ())

    def _role(self, index: int, *, side: Term | None) -> int:
        """A role phrase: ``NOUN VALUE``, ``VALUE NOUN`` or a bare ``VALUE`` on ``side``."""
        if index >= len(self.items):
            return index
        word = self.items[index]
        if word.term is Term.UNSUPPORTED_TARGET:
            raise refuse_target(word)
        kind = word.term if word.term in KIND_NOUNS else None
        if kind is not None:
            value = self._value_at(index + 1)
            if value is None:
                if kind is not Term.GATEWAY:
                    self.request.set_target(kind, [_TARGET_WORDS[kind]])
                return index + 1
            self._assign(kind, value)
            return index + 2
        if not word.is_value() or side is None or word.is_port_like():
            return index  # nothing given here; what is missing shows as incomplete
        after = self.items[index + 1] if index + 1 < len(self.items) else None
        beyond = self._value_at(index + 2)
        if after is not None and after.term in KIND_NOUNS and beyond is None:
            self._assign(after.term, word)  # the postfix noun: "the orders service"
            return index + 2
        self._assign(self._positional_kind(word, side), word)
        return index + 1

    def _positional_kind(self, word: Word, side: Term) -> Term:
        key = word.key
        if side is Term.GATEWAY:
            if GATEWAY_ID_RE.fullmatch(key) is None:
                check_name(word, form=self.form)
                self.words.note(Inferred.ROLE, say("infer.gateway", word=shown(word.text)))
            return Term.GATEWAY
        if key.startswith("sg-"):
            return Term.SECURITY_GROUP
        if key.startswith("i-"):
            return Term.INSTANCE
        if _CLUSTER_ID_RE.fullmatch(key):
            self.words.note(Inferred.ROLE, say("infer.cluster", word=shown(word.text)))
            return Term.CLUSTER
        check_name(word, form=self.form)
        self.words.note(Inferred.ROLE, say("infer.service", word=shown(word.text)))
        return Term.SERVICE

    def _value_at(self, index: int) -> Word | None:
        """The name at ``index``, if there is one; a port number is never a name."""
        if index < len(self.items) and self.items[index].is_value():
            word = self.items[index]
            return None if word.is_port_like() else word
        return None

    def _assign(self, kind: Term, value: Word) -> None:
        if kind is Term.GATEWAY:
            self.request.set_gateway(emit(value))
        else:
            self.request.set_target(kind, [_TARGET_WORDS[kind], emit(value)])

    def _ports(self, index: int) -> int:
        explicit = self.items[index].term in _PORT_WORDS
        found: list[str] = []
        while index < len(self.items):
            word = self.items[index]
            following = self.items[index + 1] if index + 1 < len(self.items) else None
            if word.term in (*_PORT_WORDS, Term.AND):
                index += 1
            elif word.term is Term.OTHER_PROTOCOL:
                raise refuse_protocol(word)
            elif (
                word.term in (Term.THROUGH, Term.TO)
                and found
                and following is not None
                and (following.is_port_like())
            ):
                found[-1] = f"{found[-1]}-{following.text}"
                index += 2
            elif word.is_port_like():
                found.append(word.text)
                index += 1
            elif word.term is Term.ALL:
                found.append("all")
                index += 1
            elif explicit and word.is_value() and not is_duration_word(word):
                found.append(word.text)  # not a port: the strict parser says so, naming it
                index += 1
            else:
                break
        if found:
            if self.request.ports is not None:
                raise UsageError(say("usage.twice.ports"))
            self.request.ports = found
        return index

    def _for(self, index: int) -> int:
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        if following is not None and (
            following.term is Term.GATEWAY or GATEWAY_ID_RE.fullmatch(following.key)
        ):
            return self._role(index + 1, side=Term.GATEWAY)  # "open 8080 for gateway X"
        return self._duration(index + 1, index)

    def _duration(self, index: int, intro: int) -> int:
        if self.revoking:
            raise unexpected(self.items[intro].text, form=REVOKE_FORM)
        if self.request.duration is not None:
            raise UsageError(say("usage.twice.duration"))
        spec = duration_of(self.items[index:])
        if spec is None:
            if index >= len(self.items):
                raise needs(self.items[intro].text, form=DURATION_FORM)
            raise not_a_duration(self.items[index].text)
        self.request.duration = [spec[0]]
        return index + spec[1]

    def _finish_duration(self) -> None:
        """A ``for DURATION`` that ended the reason."""
        tail = self.words.reason_duration
        if not tail:
            return
        if self.revoking:
            raise unexpected(tail[0].text, form=REVOKE_FORM)
        if self.request.duration is not None:
            raise UsageError(say("usage.twice.duration"))
        spec = duration_of(tail[1:])
        self.request.duration = [spec[0]] if spec else None

    def _namespace(self, index: int) -> int:
        value = self._value_at(index)
        if value is None:
            raise needs("namespace", form=_NAMESPACE_FORM)
        if self.request.namespace is not None:
            raise UsageError(say("usage.twice.namespace"))
        self.request.namespace = emit(value)
        return index + 1

    def _in(self, index: int) -> int:
        word = self.items[index] if index < len(self.items) else None
        if word is not None and word.term is Term.NAMESPACE:
            return self._namespace(index + 1)
        if word is not None and word.term is Term.CLUSTER:
            return self._role(index, side=None)
        value = self._value_at(index)
        if value is None:
            raise needs("in", form=_NAMESPACE_FORM)
        after = self.items[index + 1] if index + 1 < len(self.items) else None
        if after is not None and after.term is Term.NAMESPACE:
            self._namespace(index)  # "in the shop namespace"
            return index + 2
        if self.request.target_kind is Term.NODEPOOL and "in" not in self.request.target:
            self.request.target += ["in", "cluster", emit(value)]
            return index + 1
        return self._namespace(index)

    def _strict_text(self) -> str:
        request = self.request
        if request.namespace is not None:
            if request.target_kind is not Term.SERVICE:
                raise UsageError(say("usage.namespace_needs_service", form=say(_NAMESPACE_FORM)))
            request.target += ["in", request.namespace]
        verb, into = ("revoke", "from") if self.revoking else ("authorize", "to")
        parts = [verb]
        parts += ["gateway", request.gateway] if request.gateway else []
        parts += [into, *request.target] if request.target else []
        parts += ["on", *request.ports] if request.ports else []
        parts += ["for", *request.duration] if request.duration else []
        return " ".join(parts)
