"""Cleaned chat text to pieces: the words the forgiving reader looks up, with their offsets.

``prepare`` undoes what chat adds around words, one character for one so offsets stay valid
in the text as typed: Slack code and bold marks become spaces (a code span holding spaces
becomes a quoted name), full-width punctuation its ASCII form, curly apostrophes straight,
and a dash or tilde between digits a range dash. ``split_pieces`` then cuts each token where
a piece of meaning ends: ``orders:8080``, ``tcp/8080``, ``prod-gw->orders``, trailing commas,
and unspaced Chinese at the keywords of the lexicon. A cut between two Chinese characters
next to a name is a guess (``生产网关访问`` could name one thing), so it is returned for the
reader to note; keyword-to-keyword cuts and cuts where the script changes are certain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from bot.grammar.lexicon import CHINESE_BREAKS, CHINESE_KEYWORDS, PHRASES, Term
from bot.grammar.text import QUOTES, Token, tokenize

# Full-width punctuation of Chinese input: comma, stop, ?, !, colon, semicolon, 、, brackets.
_FULL_WIDTH = str.maketrans(
    "\uff0c\u3002\uff1f\uff01\uff1a\uff1b\u3001\uff08\uff09\u2018\u2019", ",.?!:;,()''"
)
_CODE_BLOCK_RE = re.compile(r"```(.*?)```", re.DOTALL)
_CODE_SPAN_RE = re.compile(r"`([^`\n]+)`")
_BOLD_RE = re.compile(r"(?<!\S)\*(?=\S)([^*\n]*?\S)\*(?=[\s,.!?:;]|$)")
_DIGIT_DASH_RE = re.compile(r"(?<=\d)\s?[~\uff5e\u301c\u2013\u2014\uff0d]\s?(?=\d)")
_PROTOCOL_RE = re.compile(r"(tcp|udp|icmp|sctp|gre)[/:]?(\d.*)", re.IGNORECASE)
_PORT_PROTOCOL_RE = re.compile(r"(\d[\d,\-]*)/(tcp|udp|icmp|sctp)", re.IGNORECASE)
_NAME_PORT_RE = re.compile(r"(.*[^:\d].*?):(\d[\d,\-/]*)")
_ARROW_RE = re.compile(r"(->|=>|\u2192)")
_EDGE_PUNCTUATION = ",;!?()"
_REASON_PREFIX = "reason:"
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CHINESE_NUMBER = "一二两三四五六七八九十半"
_CHINESE_DURATION_RE = re.compile(
    rf"(\d+|[{_CHINESE_NUMBER}]+)\s*个?\s*(小时|钟头|分钟|分|天|日|周|星期|礼拜)"
)
_LONGEST_CHINESE = max((len(word) for word in CHINESE_KEYWORDS), default=1)


@dataclass(frozen=True, slots=True)
class Piece:
    """One word for the reader; ``start``/``end`` index the text as typed."""

    text: str
    start: int
    end: int
    quoted: bool = False
    unclosed: bool = False  # a quote that never ends: fine in a reason, refused as a name

    @property
    def key(self) -> str:
        """The piece as a lexicon key; quoted text never is one."""
        return "" if self.quoted else self.text.lower()


def prepare(text: str) -> str:
    """Chat decoration to plain words, keeping every character's offset."""
    text = text.translate(_FULL_WIDTH)
    text = _DIGIT_DASH_RE.sub(lambda match: "-".center(len(match.group(0))), text)
    stripped = text.strip()
    if len(stripped) > 2 and stripped[0] == stripped[-1] == "`" and stripped.count("`") == 2:
        return text.replace("`", " ")  # the whole request pasted as one code span
    text = _CODE_BLOCK_RE.sub(lambda match: "   " + match.group(1) + "   ", text)
    text = _CODE_SPAN_RE.sub(_code_span, text)
    return _BOLD_RE.sub(lambda match: " " + match.group(1) + " ", text)


def _code_span(match: re.Match[str]) -> str:
    inner = match.group(1)
    if any(char.isspace() for char in inner) and not any(char in QUOTES for char in inner):
        return f'"{inner}"'  # a name with spaces, marked as code: keep it one name
    return f" {inner} "


def split_pieces(text: str) -> tuple[list[Piece], list[str]]:
    """The pieces of prepared ``text`` and the Chinese runs cut by guess (for a note)."""
    pieces: list[Piece] = []
    guessed: list[str] = []
    for token in tokenize(text):
        if token.quoted:
            pieces.append(Piece(token.text, token.start, token.end, True, token.unclosed))
        else:
            pieces += _split_token(token, guessed)
    return pieces, guessed


def _split_token(token: Token, guessed: list[str]) -> list[Piece]:
    text, start = token.text, token.start
    if text.lower().startswith(_REASON_PREFIX) and len(text) > len(_REASON_PREFIX):
        cut = start + len(_REASON_PREFIX)
        return [
            Piece(_REASON_PREFIX, start, cut),
            Piece(text[len(_REASON_PREFIX) :], cut, token.end),
        ]
    return [
        shaped
        for edged in _split_edges(Piece(text, start, token.end))
        for shaped in _split_shapes(edged, guessed)
    ]


def _split_edges(piece: Piece) -> list[Piece]:
    """Leading and trailing punctuation as pieces of their own; a final full stop too."""
    text, start = piece.text, piece.start
    head = len(text) - len(text.lstrip(_EDGE_PUNCTUATION))
    body_end = len(text.rstrip(_EDGE_PUNCTUATION + "."))
    if head >= body_end or (head == 0 and body_end == len(text)):
        return [piece]
    if not text[body_end - 1].isalnum():
        return [piece]  # "sg-!!" is one (wrong) value, not "sg-" and an exclamation
    cut = [Piece(text[i], start + i, start + i + 1) for i in range(head)]
    cut.append(Piece(text[head:body_end], start + head, start + body_end))
    return cut + [Piece(text[i], start + i, start + i + 1) for i in range(body_end, len(text))]


def _split_shapes(piece: Piece, guessed: list[str]) -> list[Piece]:
    text, start = piece.text, piece.start
    arrow = _ARROW_RE.search(text)
    if arrow and arrow.group(0) != text:
        left, right = arrow.start(), arrow.end()
        cut = _split_shapes(Piece(text[:left], start, start + left), guessed) if left else []
        cut.append(Piece(arrow.group(0), start + left, start + right))
        if right < len(text):
            cut += _split_shapes(Piece(text[right:], start + right, piece.end), guessed)
        return cut
    for pattern in (_PROTOCOL_RE, _PORT_PROTOCOL_RE):
        match = pattern.fullmatch(text)
        if match:
            return [
                Piece(match.group(1), start, start + match.end(1)),
                Piece(match.group(2), start + match.start(2), piece.end),
            ]
    if _HAN_RE.search(text):
        return _segment(piece, guessed)
    match = _NAME_PORT_RE.fullmatch(text)
    if match and not text.lower().startswith(("http:", "https:")):
        colon = start + match.end(1)
        return [
            *_split_shapes(Piece(match.group(1), start, colon), guessed),
            Piece(":", colon, colon + 1),
            Piece(match.group(2), colon + 1, piece.end),
        ]
    return [piece]


def _segment(piece: Piece, guessed: list[str]) -> list[Piece]:
    """Unspaced Chinese cut at the lexicon's keywords and where the script changes."""
    text = piece.text
    spans: list[list[int]] = []  # [start, end, is_keyword] in ``text``
    index = 0
    while index < len(text):
        han = _is_han(text[index])
        in_han_name = bool(spans) and not spans[-1][2] and han and _is_han(text[index - 1])
        end = None if in_han_name else _duration_end(text, index)
        end = end or _keyword_end(text, index, breaks_only=in_han_name)
        if end is not None:
            spans.append([index, end, True])
            index = end
            continue
        previous = spans[-1] if spans else None
        if previous and not previous[2] and _is_han(text[index - 1]) == han:
            previous[1] = index + 1
        else:
            spans.append([index, index + 1, False])
        index += 1
    for left, right in pairwise(spans):
        if left[2] and PHRASES.get((text[left[0] : left[1]],)) is Term.BECAUSE:
            break  # what follows is the reason, free text: nothing there is a guess
        at_name = not (left[2] and right[2])
        if at_name and _is_han(text[left[1] - 1]) and _is_han(text[right[0]]):
            guessed.append(text)
            break
    pieces = [Piece(text[a:b], piece.start + a, piece.start + b) for a, b, _ in spans]
    return [edged for cut in pieces for edged in _split_edges(cut)]


def _is_han(char: str) -> bool:
    return _HAN_RE.match(char) is not None


def _duration_end(text: str, index: int) -> int | None:
    if index > 0 and text[index - 1].isdigit():
        return None
    match = _CHINESE_DURATION_RE.match(text, index)
    return match.end() if match else None


def _keyword_end(text: str, index: int, *, breaks_only: bool) -> int | None:
    """The end of the Chinese keyword at ``index``, longest first; None if none starts there.

    Inside a Chinese name only connectors and particles end it: a noun or verb there is part
    of the name (``订单服务``).
    """
    if not _is_han(text[index]):
        return None
    for size in range(min(_LONGEST_CHINESE, len(text) - index), 0, -1):
        word = text[index : index + size]
        if word in CHINESE_KEYWORDS and (not breaks_only or word in CHINESE_BREAKS):
            return index + size
    return None


def is_chinese(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def chinese_duration(text: str) -> str | None:
    """``4小时`` as ``4h``, ``两天`` as ``2d``, ``半小时`` as ``30m``; None if not one."""
    match = _CHINESE_DURATION_RE.fullmatch(text.replace(" ", ""))
    if match is None:
        return None
    number, unit = match.groups()
    if number == "半":
        return {"小时": "30m", "钟头": "30m", "天": "12h", "日": "12h"}.get(unit)
    amount = int(number) if number.isdigit() else _chinese_number(number)
    if amount is None:
        return None
    suffix = {"小时": "h", "钟头": "h", "分钟": "m", "分": "m", "天": "d", "日": "d"}.get(unit, "w")
    return f"{amount}{suffix}"


def _chinese_number(text: str) -> int | None:
    digits = {char: value for value, char in enumerate("零一二三四五六七八九", start=0)}
    digits["两"] = 2
    if text == "十":
        return 10
    if len(text) == 1:
        return digits.get(text)
    if len(text) == 2 and text[0] == "十":
        return 10 + digits[text[1]] if text[1] in digits else None
    if len(text) == 2 and text[1] == "十" and text[0] in digits:
        return digits[text[0]] * 10
    return None
