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
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if (
            (category == "Cc" and char not in _WHITESPACE_CONTROLS)
            or category == "Cs"
            or char in _BIDI_CONTROLS
        ):
            raise UsageError(
                say("usage.bad_character", code=f"U+{ord(char):04X}", position=position)
            )
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
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        if text[index] in QUOTES:
            token = _quoted_token(text, index)
        else:
            end = index
            while end < len(text) and not text[end].isspace():
                end += 1
            token = Token(text[index:end], index, end)
        tokens.append(token)
        index = token.end
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
