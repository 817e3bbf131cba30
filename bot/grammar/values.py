"""Value parsers of the grammar: ports, durations, ids, gateway references and reasons.

Each takes the text of one clause and returns a typed value from ``vocabulary.commands`` or raises a
``UsageError`` that names the offending text and says what to type instead. Request ids are
upper-cased and Crockford's look-alikes are folded (``I``/``L`` to ``1``, ``O`` to ``0``), so
``req-7f3kl`` and ``REQ-7F3K1`` name the same request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.catalogue import say
from bot.grammar.text import tokenize
from vocabulary.commands import (
    GATEWAY_ID_RE,
    MAX_PORT,
    REQUEST_ID_RE,
    GatewayRef,
    PortRange,
    merge_port_ranges,
)
from vocabulary.durations import exceeds, format_duration, parse_duration
from vocabulary.errors import UsageError

MAX_SHOWN_CHARS = 40
MAX_RULE_ID = 2**63 - 1
PERMANENT_WORDS = frozenset({"permanent", "permanently", "forever"})

_PORT_PIECE_RE = re.compile(r"([0-9]+)(?:([-/])([0-9]+))?")
_PORT_SEPARATOR_RE = re.compile(r"[,\s]+")
_DURATION_TOKEN_RE = re.compile(r"[0-9]+[smhdw]")
_UNIT_WORDS = {
    **dict.fromkeys(("sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("day", "days"), "d"),
    **dict.fromkeys(("wk", "wks", "week", "weeks"), "w"),
}
_REQUEST_SHAPE_RE = re.compile(r"req-([0-9a-z]{5})", re.IGNORECASE)
_CROCKFORD_ALIASES = str.maketrans("ILO", "110")
_SECURITY_GROUP_RE = re.compile(r"sg-[0-9a-z]+")
_INSTANCE_RE = re.compile(r"i-[0-9a-z]+")


def shown(text: str) -> str:
    """User text fit to quote in a reply: bounded and unable to close a code span."""
    flat = " ".join(text.split()).replace("`", "'")
    return flat if len(flat) <= MAX_SHOWN_CHARS else flat[: MAX_SHOWN_CHARS - 1] + "…"


def parse_ports(text: str) -> tuple[PortRange, ...]:
    """``8080``, ``8080-8090``, ``8080/8090``, ``all``, separated by commas, spaces or ``and``.

    Overlapping and adjacent ranges are merged and the result is sorted.
    """
    pieces = [piece for piece in _PORT_SEPARATOR_RE.split(text) if piece and piece.lower() != "and"]
    if not pieces:
        raise UsageError(say("usage.no_ports"))
    return merge_port_ranges([_port_range(piece) for piece in pieces])


def _port_range(piece: str) -> PortRange:
    if piece.lower() == "all":
        return PortRange(start=1, end=MAX_PORT)
    match = _PORT_PIECE_RE.fullmatch(piece)
    if match is None:
        raise UsageError(say("usage.not_a_port", word=shown(piece)))
    start = _port_number(match.group(1))
    end = _port_number(match.group(3)) if match.group(3) else start
    if start > end:
        raise UsageError(say("usage.range_backwards", word=shown(piece), start=start, end=end))
    return PortRange(start=start, end=end)


def _port_number(digits: str) -> int:
    # Compare the digit count first so a pasted 4,000-digit number never becomes an int.
    if len(digits) > len(str(MAX_PORT)) or not 1 <= int(digits) <= MAX_PORT:
        raise UsageError(say("usage.port_out_of_range", word=shown(digits), most=MAX_PORT))
    return int(digits)


@dataclass(frozen=True, slots=True)
class DurationSpec:
    """A duration read from words: ``value`` None is permanent; ``size`` words were used."""

    value: timedelta | None
    size: int


def match_duration(words: Sequence[str]) -> DurationSpec | None:
    """Read a duration at the start of lower-cased ``words``; None if they start otherwise.

    Words shaped like a duration but unusable (``0h``, ``99999999999w``) raise instead, so
    ``for 0h`` is an error rather than a reason.
    """
    if not words:
        return None
    first = words[0]
    if first in PERMANENT_WORDS:
        return DurationSpec(None, 1)
    if _DURATION_TOKEN_RE.fullmatch(first):
        return DurationSpec(_timedelta(first), 1)
    if first.isascii() and first.isdigit() and len(words) > 1 and words[1] in _UNIT_WORDS:
        return DurationSpec(_timedelta(first + _UNIT_WORDS[words[1]]), 2)
    return None


def _timedelta(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except (ValueError, OverflowError):
        raise UsageError(say("usage.bad_duration", word=shown(text))) from None


def split_reason(raw: str) -> tuple[str, DurationSpec | None]:
    """Cut a trailing ``for <duration>`` off free text; a lone quoted string loses its quotes."""
    tokens = tokenize(raw)
    words = [token.word for token in tokens]
    duration = None
    for size in (1, 2):
        at = len(tokens) - size - 1
        if at >= 1 and words[at] == "for":
            spec = match_duration(words[at + 1 :])
            if spec is not None and spec.size == size:
                tokens, duration = tokens[:at], spec
                break
    if not tokens:
        return "", duration
    if len(tokens) == 1 and tokens[0].quoted and not tokens[0].unclosed:
        return tokens[0].text, duration
    return raw[tokens[0].start : tokens[-1].end], duration


def request_id(text: str) -> str:
    match = _REQUEST_SHAPE_RE.fullmatch(text)
    normalised = "REQ-" + match.group(1).upper().translate(_CROCKFORD_ALIASES) if match else ""
    if not REQUEST_ID_RE.fullmatch(normalised):
        raise UsageError(say("usage.bad_request_id", word=shown(text)))
    return normalised


def gateway_ref(text: str) -> GatewayRef:
    """A ``gw-`` + 32 hex id (any case) becomes the lower-case id; anything else is a name."""
    lowered = text.lower()
    return GatewayRef(value=lowered if GATEWAY_ID_RE.fullmatch(lowered) else text)


def rule_id(text: str) -> int:
    digits = text.removeprefix("#")
    is_number = digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_RULE_ID))
    if not is_number or not 1 <= int(digits) <= MAX_RULE_ID:
        raise UsageError(say("usage.bad_rule_id", word=shown(text)))
    return int(digits)


def security_group_id(text: str) -> str:
    lowered = text.lower()
    if not _SECURITY_GROUP_RE.fullmatch(lowered):
        raise UsageError(say("usage.bad_group_id", word=shown(text)))
    return lowered


def instance_id(text: str) -> str:
    lowered = text.lower()
    if not _INSTANCE_RE.fullmatch(lowered):
        raise UsageError(say("usage.bad_instance_id", word=shown(text)))
    return lowered


def duration_refusal(duration: timedelta | None, longest: timedelta) -> str | None:
    """What to tell someone who asked for ``duration`` when grants last at most ``longest``,
    or None when it may be granted: the one message the chat, the form and the workflow use."""
    if duration is None or not exceeds(duration, longest):
        return None
    return say(
        "usage.duration_too_long", asked=format_duration(duration), longest=format_duration(longest)
    )


def check_duration(duration: timedelta | None, longest: timedelta) -> None:
    """``UsageError`` with ``duration_refusal``'s words when ``duration`` is too long."""
    refusal = duration_refusal(duration, longest)
    if refusal is not None:
        raise UsageError(refusal)
