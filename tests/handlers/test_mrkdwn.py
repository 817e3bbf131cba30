"""Escaping and cutting of untrusted text, by example and by property."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import mrkdwn

HOSTILE_PIECES = [
    "<!channel>",
    "<!here|here>",
    "<@U123>",
    "<#C123>",
    "<https://evil.example|click>",
    "＜!channel＞",  # noqa: RUF001 - fullwidth look-alikes are the point
    "&lt;!channel&gt;",
]
BROKEN_ENTITY_RE = re.compile(r"&(?!amp;|lt;|gt;)")


@pytest.mark.parametrize("piece", HOSTILE_PIECES)
def test_escape_leaves_no_markup(piece: str) -> None:
    escaped = mrkdwn.escape(f"please {piece} now")
    assert "<" not in escaped
    assert ">" not in escaped
    assert not BROKEN_ENTITY_RE.search(escaped)


def test_escape_turns_an_already_escaped_entity_into_visible_text() -> None:
    assert mrkdwn.escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"


@pytest.mark.parametrize("marked", ["*bold*", "_italic_", "~strike~", "a `b c"])
def test_escape_neutralises_emphasis_outside_code(marked: str) -> None:
    escaped = mrkdwn.escape(marked)
    assert not set("*_~`") & set(escaped)
    assert len(escaped) == len(marked)


def test_escape_keeps_balanced_code_spans_and_their_content() -> None:
    escaped = mrkdwn.escape("type `list rules for gateway *x*` then `<!here>`")
    assert escaped == "type `list rules for gateway *x*` then `&lt;!here&gt;`"


def test_escape_removes_control_and_invisible_format_characters() -> None:
    escaped = mrkdwn.escape("a\x00b\x07c\u202ed\u200be\ufefff\ttab\nline")
    assert escaped == "abcdef tab\nline"


@pytest.mark.parametrize("limit", [5, 10, 75, 150, 2000, 3000])
def test_escape_cuts_long_text_at_the_limit_with_an_ellipsis(limit: int) -> None:
    escaped = mrkdwn.escape("&<>*" * 20_000, limit)
    assert len(escaped) <= limit
    assert escaped.endswith(mrkdwn.ELLIPSIS)
    assert not BROKEN_ENTITY_RE.search(escaped)


def test_huge_input_is_cut_even_when_what_survives_cleaning_would_fit() -> None:
    escaped = mrkdwn.escape("\x00" * 40_000 + "<!channel>", 75)
    assert escaped == mrkdwn.ELLIPSIS


def test_a_cut_inside_a_code_span_closes_it() -> None:
    escaped = mrkdwn.escape("ab `cdefghijklmnop` tail", 10)
    assert escaped == "ab `cdef`…"


def test_code_is_one_span_without_inner_backticks() -> None:
    assert mrkdwn.code("my `svc` <x>\nnext") == "`my 'svc' &lt;x&gt; next`"
    assert mrkdwn.code("x" * 500, 40).count("`") == 2
    assert len(mrkdwn.code("x" * 500, 40)) == 40


def test_plain_is_one_clean_line_within_its_limit() -> None:
    assert mrkdwn.plain("a\nb\x00c  d", 10) == "a bc d"
    assert mrkdwn.plain("y" * 100, 75) == "y" * 74 + mrkdwn.ELLIPSIS


@pytest.mark.parametrize(
    ("user_id", "expected"),
    [
        ("U0ALICE", "<@U0ALICE>"),
        ("W12345", "<@W12345>"),
        ("U1> <!channel", "`U1&gt; &lt;!channel`"),
    ],
)
def test_mention_only_formats_well_formed_ids(user_id: str, expected: str) -> None:
    assert mrkdwn.mention(user_id) == expected


def test_date_token_carries_the_timestamp_and_a_utc_fallback() -> None:
    at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    assert mrkdwn.date(at) == (
        f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|2025-03-01 09:30 UTC>"
    )


@pytest.mark.parametrize("limit", [30, 100, 500])
def test_fit_lines_keeps_whole_lines_and_counts_the_rest(limit: int) -> None:
    lines = [f"line {index:03d}" for index in range(100)]
    fitted = mrkdwn.fit_lines(lines, limit)
    assert len(fitted) <= limit
    *kept, marker = fitted.splitlines()
    assert kept == lines[: len(kept)]
    assert marker == f"…and {100 - len(kept)} more"


def test_chunk_lines_packs_every_line_within_the_limit() -> None:
    lines = [f"{index} " + "x" * (index % 90) for index in range(400)]
    chunks = mrkdwn.chunk_lines(lines, 500)
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert "\n".join(chunks).splitlines() == lines


@given(text=st.text(), limit=st.integers(min_value=3, max_value=400))
def test_escape_output_is_always_inert_and_bounded(text: str, limit: int) -> None:
    escaped = mrkdwn.escape(text, limit)
    assert len(escaped) <= limit
    assert "<" not in escaped
    assert ">" not in escaped
    assert not BROKEN_ENTITY_RE.search(escaped)
    assert escaped.count("`") % 2 == 0
    outside_code = escaped.split("`")[::2]
    assert not any(set("*_~") & set(part) for part in outside_code)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("revoked by U0ALICE", "revoked by <@U0ALICE>"),
        ("adopted by W012ABCDEF in DR-1", "adopted by <@W012ABCDEF> in DR-1"),
        ("UNKNOWN gateway, USERSX", "UNKNOWN gateway, USERSX"),  # words, not ids: no digit
        ("already <@U0BOB>", "already <@U0BOB>"),  # a mention stays one mention
        ("sg-U0ALICE1 and REQ-U0A1B2C", "sg-U0ALICE1 and REQ-U0A1B2C"),
    ],
)
def test_mention_people_shows_ids_the_workflow_wrote_as_mentions(text: str, shown: str) -> None:
    assert mrkdwn.mention_people(text) == shown
