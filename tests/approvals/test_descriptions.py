"""Rule descriptions: what sgbot writes on a rule and reads back from one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from approvals.descriptions import ParsedDescription, parse_description, rule_description


def test_permanent_grant_names_only_the_request() -> None:
    assert rule_description("REQ-7F3K2", None) == "sgbot REQ-7F3K2"
    assert parse_description("sgbot REQ-7F3K2") == ParsedDescription("REQ-7F3K2", None)


def test_time_bound_grant_rounds_its_end_up_to_the_minute() -> None:
    end = datetime(2026, 12, 4, 2, 41, 0, 1, tzinfo=UTC)
    assert rule_description("REQ-7F3K2", end) == "sgbot REQ-7F3K2 until 2026-12-04T02:42Z"
    exact = datetime(2026, 12, 4, 2, 42, tzinfo=UTC)
    assert rule_description("REQ-7F3K2", exact) == "sgbot REQ-7F3K2 until 2026-12-04T02:42Z"


def test_end_is_written_in_utc_whatever_zone_it_was_given_in() -> None:
    shanghai = timezone(timedelta(hours=8))
    end = datetime(2026, 12, 4, 10, 42, tzinfo=shanghai)
    assert rule_description("REQ-7F3K2", end).endswith("until 2026-12-04T02:42Z")


def test_naive_end_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        rule_description("REQ-7F3K2", datetime(2026, 12, 4, 2, 42))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sgbot REQ-7F3K2 until 2026-12-04T02:42Z",
            ParsedDescription("REQ-7F3K2", datetime(2026, 12, 4, 2, 42, tzinfo=UTC)),
        ),
        # Words after the prefix are for later versions; readers keep working.
        ("sgbot REQ-7F3K2 (load test)", ParsedDescription("REQ-7F3K2", None)),
        (
            "sgbot REQ-7F3K2 until 2026-12-04T02:42Z by U0ALICE",
            ParsedDescription("REQ-7F3K2", datetime(2026, 12, 4, 2, 42, tzinfo=UTC)),
        ),
        ("made by hand", None),
        ("", None),
        ("sgbot REQ-7F3KI", None),  # I is not in the id alphabet
        (" sgbot REQ-7F3K2", None),
        ("SGBOT REQ-7F3K2", None),
        ("sgbot REQ-7F3K2 until 2026-13-04T02:42Z", None),  # shaped like ours, no real instant
    ],
)
def test_parse(text: str, expected: ParsedDescription | None) -> None:
    assert parse_description(text) == expected


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2999, 1, 1)))
def test_round_trip_never_ends_before_the_real_end(instant: datetime) -> None:
    end = instant.replace(tzinfo=UTC)
    parsed = parse_description(rule_description("REQ-7F3K2", end))
    assert parsed is not None
    assert parsed.until is not None
    assert end <= parsed.until < end + timedelta(minutes=1)
