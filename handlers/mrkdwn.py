"""Making untrusted text safe for Slack: escaping, formatting neutralisation and length limits.

Every piece of text that did not come from our own code (reasons, gateway, service and group
names, error messages carrying them) passes through one of these functions before it reaches a
Block Kit object. ``escape`` is for prose in ``mrkdwn``: it removes control and invisible format
characters, folds compatibility look-alikes with NFKC (a fullwidth less-than sign becomes
``<``), escapes ``&``, ``<`` and ``>`` so no mention, broadcast or link can be formed, keeps
balanced inline code spans (Slack formats nothing inside them) and replaces the ASCII emphasis
characters outside them by look-alikes Slack never reads as markup. ``code`` shows an
identifier as one inline code span; ``plain`` prepares ``plain_text``, which Slack never
parses. Each takes a limit and cuts with an ellipsis without splitting an entity or leaving a
code span open. The Block Kit limits live here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.catalogue import say

ELLIPSIS = "…"
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
SECTION_FIELDS_LIMIT = 10
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_ELEMENTS_LIMIT = 10
CONFIRM_TITLE_LIMIT = 100
CONFIRM_TEXT_LIMIT = 300
MESSAGE_BLOCKS_LIMIT = 50
SURFACE_BLOCKS_LIMIT = 100  # modals and the App Home
OPTIONS_LIMIT = 100
OPTION_LABEL_LIMIT = 75
OPTION_VALUE_LIMIT = 150
VIEW_TITLE_LIMIT = 24
FALLBACK_TEXT_LIMIT = 3000  # Slack cuts at 40,000; notifications show far less

# Outside code spans these would start bold, italic, strike or code; the replacements look alike.
_GRAVE_LOOKALIKE = "\u02cb"  # MODIFIER LETTER GRAVE ACCENT
_EMPHASIS_LOOKALIKES = str.maketrans(
    {
        "*": "\u2217",  # ASTERISK OPERATOR
        "_": "\u02cd",  # MODIFIER LETTER LOW MACRON
        "~": "\u223c",  # TILDE OPERATOR
        "`": _GRAVE_LOOKALIKE,
    }
)
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,30}")
_SLACK_CHANNEL_ID_RE = re.compile(r"[CGD][A-Z0-9]{2,30}")


def _clean(text: str, *, keep_newlines: bool) -> str:
    """NFKC-folded text without control or invisible format characters (bidi overrides, ZWJ)."""
    folded = unicodedata.normalize("NFKC", text)
    kept: list[str] = []
    for char in folded:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char in "\t\r\n":
            kept.append(" ")
        elif unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            kept.append(char)
    return "".join(kept)


def _entity(char: str) -> str:
    return _ENTITIES.get(char, char)


def _bounded(text: str, limit: int) -> tuple[str, bool]:
    """``text`` shortened to what can matter for ``limit`` output characters, and if it was.

    Cleaning 40 KB to show 75 characters wastes time, so input beyond a generous multiple of
    the limit is dropped first; the ellipsis then still says that text is missing.
    """
    bound = 4 * limit + 64
    return (text[:bound], True) if len(text) > bound else (text, False)


def _cut(pieces: Sequence[tuple[str, bool]], limit: int, *, shortened: bool = False) -> str:
    """Join ``(piece, inside_code)`` pieces; past ``limit`` end with an ellipsis, spans closed.

    A piece is never split, so an entity such as ``&amp;`` survives whole. A piece inside code
    is a character of a span whose backticks are separate pieces marked inside too.
    ``shortened`` says the input was already cut, so an ellipsis is due even if all fits.
    """
    if not shortened and sum(len(piece) for piece, _ in pieces) <= limit:
        return "".join(piece for piece, _ in pieces)
    kept: list[str] = []
    used = 0
    open_span = False
    for piece, inside_code in pieces:
        closing = 1 if inside_code and not (open_span and piece == "`") else 0
        if used + len(piece) + closing + len(ELLIPSIS) > limit:
            break
        kept.append(piece)
        used += len(piece)
        if piece == "`" and inside_code:
            open_span = not open_span
    if open_span:
        if kept[-1] == "`":
            kept.pop()
        else:
            kept.append("`")
    return "".join(kept) + ELLIPSIS


def _prose_pieces(text: str) -> list[tuple[str, bool]]:
    segments = text.split("`")
    # Backticks pair up in order, so odd segments sit inside a span when a closing backtick
    # follows; an unpaired, empty or multi-line span shows its backticks as look-alikes.
    pieces: list[tuple[str, bool]] = []
    for index, segment in enumerate(segments):
        paired = index % 2 == 1 and index < len(segments) - 1
        if paired and segment.strip() and "\n" not in segment:
            pieces.append(("`", True))
            pieces.extend((_entity(char), True) for char in segment)
            pieces.append(("`", True))
        else:
            if index % 2 == 1:
                pieces.append((_GRAVE_LOOKALIKE, False))
            pieces.extend(
                (_entity(char.translate(_EMPHASIS_LOOKALIKES)), False) for char in segment
            )
            if index % 2 == 1 and index < len(segments) - 1:
                pieces.append((_GRAVE_LOOKALIKE, False))
    return pieces


def escape(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Untrusted prose as inert ``mrkdwn`` of at most ``limit`` characters; newlines kept."""
    text, shortened = _bounded(text, limit)
    return _cut(_prose_pieces(_clean(text, keep_newlines=True)), limit, shortened=shortened)


def code(text: str, limit: int = 80) -> str:
    """An untrusted identifier as one inline code span of at most ``limit`` characters."""
    text, shortened = _bounded(text, limit)
    flat = " ".join(_clean(text, keep_newlines=False).split()).replace("`", "'")
    if not flat:
        return "` `"
    pieces = [("`", True), *((_entity(char), True) for char in flat), ("`", True)]
    return _cut(pieces, limit, shortened=shortened)


def plain(text: str, limit: int) -> str:
    """Untrusted text for a ``plain_text`` object: one line, cleaned, at most ``limit`` chars."""
    text, shortened = _bounded(text, limit)
    flat = " ".join(_clean(text, keep_newlines=False).split())
    return _cut([(char, False) for char in flat], limit, shortened=shortened)


def escape_entities(text: str) -> str:
    """Our own formatted ``mrkdwn`` with only ``&``, ``<`` and ``>`` escaped, as Slack asks."""
    return "".join(_entity(char) for char in text)


# A user id as the workflow writes it into a reason (it speaks no chat): U or W, then capitals
# and digits with at least one digit, so that words such as UNKNOWN stay words; not part of a
# longer name (sg-…, REQ-…), and never one that is already a mention.
_NAMED_PERSON_RE = re.compile(r"(?<![\w@-])[UW](?=[A-Z0-9]*[0-9])[A-Z0-9]{6,30}(?![\w-])")


def mention_people(text: str) -> str:
    """``text`` with the people the workflow named by user id shown as mentions."""
    return _NAMED_PERSON_RE.sub(lambda found: f"<@{found.group(0)}>", text)


def mention(user_id: str) -> str:
    """``<@U…>`` for a well-formed Slack user id; anything else is shown as inert code."""
    return f"<@{user_id}>" if _SLACK_USER_ID_RE.fullmatch(user_id) else code(user_id, 40)


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>" if _SLACK_CHANNEL_ID_RE.fullmatch(channel_id) else code(channel_id)


def date(at: datetime, layout: str | None = None) -> str:
    """A date each reader sees in their own time zone, with a UTC fallback for old clients."""
    fallback = at.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{layout or say('date.layout')}|{fallback}>"


def fit_lines(lines: Iterable[str], limit: int, *, more: str = "more.lines") -> str:
    """Whole lines joined by newlines within ``limit``, then ``…and N more`` for the rest;
    ``more`` is the catalogue key of that last line, which takes ``{count}``."""
    all_lines = list(lines)
    kept: list[str] = []
    used = 0
    for index, line in enumerate(all_lines):
        rest = len(all_lines) - index - 1
        tail = len("\n" + say(more, count=len(all_lines))) if rest else 0
        if used + len(line) + 1 + tail > limit:
            marker = say(more, count=len(all_lines) - index)
            return "\n".join([*kept, marker])
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def chunk_lines(lines: Iterable[str], limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Lines packed into texts of at most ``limit`` characters; a longer line is cut short."""
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        if current and used + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(line if len(line) <= limit else line[: limit - 1] + ELLIPSIS)
        used += len(current[-1]) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks
