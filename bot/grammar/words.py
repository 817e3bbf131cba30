"""Pieces to words, and what every forgiving reader shares: notes, values, durations, reasons.

``Words`` looks phrases up in the lexicon (longest first), cuts off the reason (everything
after ``because``/``因为``, kept exactly as typed), drops filler and notes what it inferred.
A word with no ``term`` is a value: a name, a number, an id. ``emit`` writes a value back as
one strict-grammar token, quoted when the strict tokenizer would read it otherwise.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.catalogue import say
from bot.grammar.lexicon import KIND_NOUNS, LONGEST_PHRASE, NOT_NAMES, PHRASES, SUGGESTIONS, Term
from bot.grammar.pieces import Piece, chinese_duration, prepare, split_pieces
from bot.grammar.text import QUOTES, quote
from bot.grammar.usage import KEYWORDS, unexpected
from bot.grammar.values import PERMANENT_WORDS, match_duration, shown
from vocabulary.errors import UsageError

_PORTS_RE = re.compile(r"\d[\d,\-/]*")
_REQUEST_SHAPE_RE = re.compile(r"req-[0-9a-z]{5}", re.IGNORECASE)
_GLUED_DURATION_RE = re.compile(r"(\d+)(hrs?|hours?|mins?|minutes?|days?|wks?|weeks?)")
_UNIT_ONLY = {"hour": "1h", "day": "1d", "week": "1w", "minute": "1m"}
_PUNCTUATION = frozenset(",.;!?()")
_REASON_LEAD = ":\uff1a-= \t"
_REASON_TRAIL = ",.;!? \t\n\uff0c\u3002\uff1b\uff01\uff1f"


class Inferred(StrEnum):
    """What the reader supplied that the person did not type as the strict grammar has it."""

    ROLE = "role"  # a value's role (gateway, service, cluster) taken from position or shape
    VERB = "verb"  # a verb read from a synonym that changes something (``close``) or from nothing
    DROPPED = "dropped"  # a word left out that could matter (``temporarily``, a revoke's reason)
    SPLIT = "split"  # unspaced Chinese cut into words where a name ends


@dataclass(frozen=True, slots=True)
class Inference:
    kind: Inferred
    note: str  # plain text; user words are shortened and sit in backticks


@dataclass(frozen=True, slots=True)
class Word:
    """A phrase of the lexicon (``term``) or a value (``term`` None, one piece)."""

    term: Term | None
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return " ".join(piece.text for piece in self.pieces)

    @property
    def key(self) -> str:
        return " ".join(piece.key for piece in self.pieces)

    @property
    def quoted(self) -> bool:
        return self.pieces[0].quoted

    def is_value(self) -> bool:
        return self.term is None

    def is_port_like(self) -> bool:
        return self.term is None and not self.quoted and _PORTS_RE.fullmatch(self.text) is not None


@dataclass
class Words:
    """The words of one request after the reason is cut off and filler dropped."""

    text: str  # the cleaned text as typed; reasons are cut from it
    items: list[Word]
    reason: str | None = None
    reason_duration: list[Word] = field(default_factory=list)
    inferred: list[Inference] = field(default_factory=list)
    dropped: list[Word] = field(default_factory=list)  # soft words, noted by the reader

    def note(self, kind: Inferred, note: str) -> None:
        self.inferred.append(Inference(kind, note))


def read_words(cleaned: str) -> Words:
    pieces, guessed = split_pieces(prepare(cleaned))
    words = Words(cleaned, _phrases(pieces))
    for run in guessed:
        words.note(Inferred.SPLIT, say("infer.split", word=shown(run)))
    _cut_reason(words)
    while words.items and words.items[0].is_value() and words.items[0].text.startswith("@"):
        words.items.pop(0)  # a leading address: "@sgbot", or a mention of the bot unwrapped
    words.items = _names_after_nouns(words.items)
    words.dropped = [word for word in words.items if word.term is Term.SOFT]
    words.items = [word for word in words.items if word.term not in (Term.NOISE, Term.SOFT)]
    return words


def _names_after_nouns(items: list[Word]) -> list[Word]:
    """A filler word right after ``gateway``, ``service``… is the name it introduces
    (``gateway a``), never filler to drop."""
    named = list(items)
    for index in range(1, len(named)):
        word, before = named[index], named[index - 1]
        takes_name = before.term in KIND_NOUNS or before.term is Term.NAMESPACE
        filler = word.term in (Term.NOISE, Term.SOFT) and word.text not in _PUNCTUATION
        if takes_name and filler and len(word.pieces) == 1:
            named[index] = Word(None, word.pieces)
    return named


def _phrases(pieces: list[Piece]) -> list[Word]:
    words: list[Word] = []
    index = 0
    while index < len(pieces):
        for size in range(min(LONGEST_PHRASE, len(pieces) - index), 0, -1):
            span = pieces[index : index + size]
            if any(piece.quoted for piece in span):
                continue
            term = PHRASES.get(tuple(piece.key for piece in span))
            if term is not None:
                words.append(Word(term, tuple(span)))
                index += size
                break
        else:
            words.append(Word(None, (pieces[index],)))
            index += 1
    return words


def _cut_reason(words: Words) -> None:
    """Everything after the first ``because`` is the reason, as typed, less trailing filler.

    A ``for DURATION`` ending the reason is the duration, as in the strict grammar.
    """
    at = next((i for i, word in enumerate(words.items) if word.term is Term.BECAUSE), None)
    if at is None:
        return
    start = words.items[at].pieces[-1].end
    rest = words.items[at + 1 :]
    words.items = words.items[:at]
    while rest and rest[-1].term is Term.NOISE:
        rest.pop()
    fors = [i for i, word in enumerate(rest) if word.term is Term.FOR]
    if fors and fors[-1] > 0:
        tail = rest[fors[-1] + 1 :]
        spec = duration_of(tail)
        if spec is not None and spec[1] == len(tail):
            words.reason_duration = rest[fors[-1] :]
            rest = rest[: fors[-1]]
            while rest and rest[-1].term is Term.NOISE:
                rest.pop()
    end = rest[-1].pieces[-1].end if rest else start
    words.reason = words.text[start:end].lstrip(_REASON_LEAD).rstrip(_REASON_TRAIL)


def duration_of(words: list[Word]) -> tuple[str, int] | None:
    """The duration at the start of ``words`` in the strict grammar's form, and its size."""
    if not words:
        return None
    first = words[0]
    if first.term is Term.PERMANENT:
        return "permanent", 1
    if not first.is_value() or first.quoted:
        return None
    chinese = chinese_duration(first.text)
    if chinese is not None:
        return chinese, 1
    glued = _GLUED_DURATION_RE.fullmatch(first.key)
    if glued:
        return f"{glued.group(1)}{glued.group(2)[0]}", 1
    keys = [first.key]
    if len(words) > 1 and words[1].is_value() and not words[1].quoted:
        keys.append(words[1].key)
    spec = match_duration(keys)
    if spec is not None:
        return (" ".join(keys[: spec.size]) if spec.value else "permanent"), spec.size
    if first.key.rstrip("s") in _UNIT_ONLY:
        return _UNIT_ONLY[first.key.rstrip("s")], 1
    if first.key == "half" and len(words) > 1 and words[1].key == "hour":
        return "30m", 2
    return None


def is_duration_word(word: Word) -> bool:
    """A bare word that can only be a duration: ``4h``, ``4小时``, ``permanently``."""
    if word.term is Term.PERMANENT:
        return True
    if not word.is_value() or word.quoted:
        return False
    text = word.key
    glued = _GLUED_DURATION_RE.fullmatch(text) is not None
    token = re.fullmatch(r"[0-9]+[smhdw]", text) is not None
    return glued or token or chinese_duration(word.text) is not None or text in PERMANENT_WORDS


def emit(word: Word) -> str:
    """A value as one strict token: bare when it reads back as itself, else quoted."""
    text = word.text
    if word.pieces[0].unclosed:
        raise UsageError(say("usage.unclosed_quote", word=shown(text)))
    plain = (
        not word.quoted
        and text.lower() not in KEYWORDS
        and not text.lower().startswith("reason:")
        and not any(char.isspace() or char in QUOTES or char == "\\" for char in text)
    )
    return text if plain else quote(text)


def check_name(word: Word, *, form: str) -> None:
    """Refuse a value placed by position that is no name: ``it``, or a mistyped keyword."""
    key = word.key
    if word.quoted:
        return
    if key in NOT_NAMES or key.startswith("-"):
        raise unexpected(word.text, form=form)
    close = difflib.get_close_matches(key, SUGGESTIONS, n=1, cutoff=0.8)
    if close:
        raise unexpected(word.text, form=form, choices=SUGGESTIONS)


def refuse_protocol(word: Word) -> UsageError:
    return UsageError(say("usage.tcp_only", word=shown(word.text)))


def refuse_target(word: Word) -> UsageError:
    return UsageError(say("usage.bad_target_kind", word=shown(word.text)))


def request_id_word(items: list[Word]) -> Word | None:
    """The one request id among ``items`` (values shaped like ``REQ-XXXXX``), if any."""
    ids = [word for word in items if word.is_value() and _REQUEST_SHAPE_RE.fullmatch(word.key)]
    return ids[0] if len(ids) == 1 else None
