"""Request and incident ids: format, randomness source, normalisation; and the clocks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from approvals.clock import FixedClock, SystemClock
from approvals.ids import (
    CROCKFORD_ALPHABET,
    new_incident_id,
    new_request_id,
    normalise_request_id,
)
from vocabulary.commands import REQUEST_ID_RE
from vocabulary.errors import UsageError


def test_crockford_alphabet_leaves_out_ambiguous_letters() -> None:
    assert len(CROCKFORD_ALPHABET) == len(set(CROCKFORD_ALPHABET)) == 32
    assert not set("ILOU") & set(CROCKFORD_ALPHABET)


def test_seeded_random_gives_repeatable_valid_ids_over_the_whole_alphabet() -> None:
    ids = [new_request_id(random.Random(42)) for _ in range(3)]
    assert len(set(ids)) == 1
    source = random.Random(7)
    many = [new_request_id(source) for _ in range(2000)]
    assert all(REQUEST_ID_RE.fullmatch(request_id) for request_id in many)
    assert {char for request_id in many for char in request_id[4:]} == set(CROCKFORD_ALPHABET)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\x00\x00\x00\x00", "REQ-00000"),
        (b"\x00\x00\x00\x80", "REQ-00001"),  # only the top 25 of 32 bits are used
        (b"\x00\x00\x00\x7f", "REQ-00000"),
        (b"\xff\xff\xff\xff", "REQ-ZZZZZ"),
        (b"\x08\x00\x00\x00", "REQ-10000"),
    ],
)
def test_byte_source_bits_map_to_characters(raw: bytes, expected: str) -> None:
    asked: list[int] = []

    def source(count: int) -> bytes:
        asked.append(count)
        return raw

    assert new_request_id(source) == expected
    assert asked == [4]


def test_default_source_is_random_per_call() -> None:
    ids = {new_request_id() for _ in range(50)}
    assert len(ids) > 45
    assert all(REQUEST_ID_RE.fullmatch(request_id) for request_id in ids)


def test_incident_ids_have_eight_crockford_characters() -> None:
    incident = new_incident_id(random.Random(3))
    assert incident.startswith("INC-")
    assert len(incident) == 12
    assert set(incident[4:]) <= set(CROCKFORD_ALPHABET)
    assert new_incident_id(lambda count: b"\xff" * count) == "INC-ZZZZZZZZ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("REQ-7K2QD", "REQ-7K2QD"),
        ("req-7k2qd", "REQ-7K2QD"),
        ("  `REQ-7K2QD`  ", "REQ-7K2QD"),
        ("REQ 7K2QD", "REQ-7K2QD"),
        ("REQ_7K2QD", "REQ-7K2QD"),
        ("7k2qd", "REQ-7K2QD"),
        ("REQ-O1ILQ", "REQ-0111Q"),
    ],
)
def test_normalise_accepts_common_slips(text: str, expected: str) -> None:
    assert normalise_request_id(text) == expected


@pytest.mark.parametrize("text", ["", "REQ-", "REQ-7K2Q", "REQ-7K2QDX", "REQ-7K2QU", "GW-7K2QD"])
def test_normalise_refuses_what_is_not_an_id(text: str) -> None:
    with pytest.raises(UsageError, match="they look like REQ-"):
        normalise_request_id(text)


def test_fixed_clock_moves_only_when_told() -> None:
    start = datetime(2025, 3, 1, 17, 0, tzinfo=timezone(timedelta(hours=8)))
    clock = FixedClock(start)
    assert clock.now() == start
    assert clock.now().tzinfo is UTC
    assert clock.advance(timedelta(minutes=30)) == start + timedelta(minutes=30)
    assert clock.now() == start + timedelta(minutes=30)
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_fixed_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        FixedClock(datetime(2025, 3, 1))


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
