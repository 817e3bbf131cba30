"""The phrasing corpus: what people type reads as the command they mean, or is refused clearly.

A valid phrasing must give its command with exactly the inferences listed (none: it goes
straight through; some: sgbot shows its reading and asks to confirm), and its canonical form
must read back to the same command with nothing inferred. An invalid one must be refused
with a message naming the word and saying what to type.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.grammar import NeedsConfirmation, parse_command, read_command
from tests.grammar_corpus import chinese, english
from vocabulary.commands import Command
from vocabulary.errors import IncompleteCommand, UsageError, UserError

VALID = [*english.VALID, *chinese.VALID]
INVALID = [*english.INVALID, *chinese.INVALID]
MAX_DURATION = timedelta(days=30)


def test_the_corpus_is_large_and_has_no_repeats() -> None:
    texts = [text for text, *_ in VALID] + [text for text, _ in INVALID]
    assert len(texts) >= 150
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(("text", "expected", "inferred"), VALID)
def test_a_phrasing_reads_as_the_command_it_means(
    text: str, expected: Command, inferred: frozenset[str]
) -> None:
    reading = read_command(text, max_duration=MAX_DURATION)
    assert reading.command == expected
    assert {inference.kind.value for inference in reading.inferred} == inferred
    assert all(inference.note.strip() for inference in reading.inferred)


@pytest.mark.parametrize(("text", "expected", "inferred"), VALID)
def test_only_a_phrasing_without_inference_is_taken_as_it_is(
    text: str, expected: Command, inferred: frozenset[str]
) -> None:
    if inferred:
        with pytest.raises(NeedsConfirmation) as caught:
            parse_command(text)
        assert caught.value.reading.command == expected
        assert "I read this as" in str(caught.value)
    else:
        assert parse_command(text) == expected


@pytest.mark.parametrize(("text", "expected", "inferred"), VALID)
def test_the_canonical_form_reads_back_with_nothing_inferred(
    text: str, expected: Command, inferred: frozenset[str]
) -> None:
    del text, inferred
    reading = read_command(read_command(read_command_text(expected)).canonical)
    assert reading.command == expected
    assert reading.inferred == ()


def read_command_text(command: Command) -> str:
    from bot.grammar import render_command

    return render_command(command)


@pytest.mark.parametrize(("text", "word"), INVALID)
def test_an_invalid_phrasing_is_refused_naming_the_word(text: str, word: str) -> None:
    with pytest.raises(UserError) as caught:
        read_command(text, max_duration=MAX_DURATION)
    assert isinstance(caught.value, UsageError | IncompleteCommand)
    message = str(caught.value)
    assert word.lower() in message.lower()
    if isinstance(caught.value, UsageError):
        assert "type" in message.lower()
