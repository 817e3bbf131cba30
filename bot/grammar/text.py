"""Raw chat text to tokens: Slack markup, input hygiene and the tokenizer.

Everything the parser reads has passed through here. The leading bot mention is dropped,
Slack's ``<...>`` markup and ``&amp;``-style escapes are unwrapped, the text is NFC-normalised,
and characters that could hide or reorder what an approver reads are refused. Tokens keep
their offsets so free text (a reason) can be cut from the text exactly as it was typed.
``quote`` and ``escape_slack`` are the inverse operations the renderer uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.catalogue import say
from vocabulary.errors import UsageError

MAX_TEXT_CHARS = 4000
# Slack clients turn typed straight quotes into curly ones, so all three open and close a name.
QUOTES = frozenset('"\u201c\u201d')

_MARKUP_RE = re.compile(r"<([^<>]*)>")
_ENTITY_RE = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_LEADING_MENTION_RE = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^<>]*)?>")
# Zero-width characters arrive from copy and paste and carry no meaning in a command.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
# Bidirectional controls can make a name or port list read differently from what is parsed.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")
# What the checks refuse, in one class so a clean text is passed over in C rather than
# character by character: controls (category Cc) other than whitespace, surrogates (Cs) and
# the bidirectional controls.
_REFUSED_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(_BIDI_CONTROLS)) + "]"
)
_NON_SPACE_RE = re.compile(r"\S")  # \s is str.isspace in a str pattern
_SPACE_RE = re.compile(r"\s")


def unwrap_slack_markup(text: str) -> str:
    """Turn Slack's wire markup into the plain text the person saw.

    ``<@U1>`` becomes ``@U1`` (the id is stable, labels are not), ``<#C1|ops>`` ``#ops``,
    ``<!here>`` ``@here``, ``<http://x|x>`` its label, then ``&amp;``/``&lt;``/``&gt;`` decode
    in one pass so ``&amp;lt;`` stays the literal ``&lt;``.
    """
    unwrapped = _MARKUP_RE.sub(_unwrap_one, text)
    return _ENTITY_RE.sub(lambda match: _ENTITIES[match.group(1)], unwrapped)


def _unwrap_one(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):
        return target
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        return label or "@" + target[1:]
    return label or target


def clean_text(raw: str) -> str:
    """Length cap, bot mention, markup, NFC and character checks; the parser's input."""
    if len(raw) > MAX_TEXT_CHARS:
        raise UsageError(say("usage.text_too_long", length=len(raw), most=MAX_TEXT_CHARS))
    text = unwrap_slack_markup(_LEADING_MENTION_RE.sub("", raw, count=1))
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    refused = _REFUSED_RE.search(text)
    if refused is not None:
        code, position = f"U+{ord(refused.group()):04X}", refused.start() + 1
        raise UsageError(say("usage.bad_character", code=code, position=position))
    return text


@dataclass(frozen=True, slots=True)
class Token:
    """One word, or one quoted string with its quotes removed and escapes resolved.

    ``start``/``end`` are offsets into the cleaned text. An ``unclosed`` token is a quote
    that never ends; it runs to the end of the text and is only usable inside a reason.
    """

    text: str
    start: int
    end: int
    quoted: bool = False
    unclosed: bool = False

    @property
    def word(self) -> str:
        """The token as a keyword candidate; quoted text is never a keyword."""
        return "" if self.quoted else self.text.lower()


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    start = _NON_SPACE_RE.search(text)
    while start is not None:
        index = start.start()
        if text[index] in QUOTES:
            token = _quoted_token(text, index)
        else:
            space = _SPACE_RE.search(text, index)
            end = len(text) if space is None else space.start()
            token = Token(text[index:end], index, end)
        tokens.append(token)
        start = _NON_SPACE_RE.search(text, token.end)
    return tokens


def _quoted_token(text: str, start: int) -> Token:
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
        elif char in QUOTES:
            return Token("".join(chars), start, index + 1, quoted=True)
        else:
            chars.append(char)
            index += 1
    return Token(text[start:], start, len(text), quoted=True, unclosed=True)


def quote(value: str) -> str:
    """Double-quote ``value`` so ``tokenize`` reads it back as one token."""
    escaped = "".join("\\" + char if char in QUOTES or char == "\\" else char for char in value)
    return f'"{escaped}"'


def escape_slack(text: str) -> str:
    """Escape the three characters Slack escapes, so ``unwrap_slack_markup`` restores them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
