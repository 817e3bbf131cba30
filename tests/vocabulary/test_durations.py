"""Durations, and the one rule on how long a grant may be: the chat grammar, the request form
and the workflow refuse a too-long grant with the same words (one catalogue entry)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.grammar import parse_command
from bot.grammar.values import check_duration, duration_refusal
from handlers.ids import BlockId
from handlers.views import command_from_form
from tests.slack.test_form_values import form
from vocabulary.durations import exceeds, format_duration, parse_duration
from vocabulary.errors import UsageError

DAY = timedelta(days=1)
SAID = "`1w` is longer than the longest grant allowed, 1d. Type `for 1d` or less."


@pytest.mark.parametrize("text", ["90s", "30m", "4h", "2d", "1w"])
def test_a_duration_reads_back_as_written(text: str) -> None:
    assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize("text", ["0h", "4 hours", "h", "-1d"])
def test_a_malformed_duration_says_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match=r"must be longer than zero|write e\.g\. 30m"):
        parse_duration(text)


def test_the_longest_grant_and_shorter_ones_pass() -> None:
    assert not exceeds(DAY, DAY)
    assert not exceeds(timedelta(hours=4), DAY)
    assert not exceeds(None, DAY)  # permanent requests are the policy's to flag
    assert exceeds(DAY + timedelta(seconds=1), DAY)
    assert duration_refusal(DAY, DAY) is None
    check_duration(DAY, DAY)


def test_a_longer_grant_is_refused_saying_what_to_ask_for() -> None:
    assert duration_refusal(timedelta(weeks=1), DAY) == SAID
    with pytest.raises(UsageError) as refused:
        check_duration(timedelta(weeks=1), DAY)
    assert str(refused.value) == SAID


def test_chat_and_the_form_say_the_same_words() -> None:
    with pytest.raises(UsageError) as typed:
        parse_command("authorize gateway prod-gw to sg-bp1abc on 443 for 1w", max_duration=DAY)
    command, errors = command_from_form(form(service="orders", duration="1w"), DAY)
    assert command is None
    assert str(typed.value) == errors[BlockId.DURATION] == SAID
