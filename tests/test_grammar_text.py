"""The text checks, taken in C by one pattern, against the rule they stand for, on every code
point: refuse controls (Unicode category Cc) other than whitespace, surrogates (Cs) and the
bidirectional controls; and the tokenizer's idea of a space is ``str.isspace``."""

from __future__ import annotations

import unicodedata

import pytest

from bot.grammar.text import clean_text, tokenize
from vocabulary.errors import UsageError

WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def refused_by_rule(char: str) -> bool:
    category = unicodedata.category(char)
    return (
        (category == "Cc" and char not in WHITESPACE_CONTROLS)
        or category == "Cs"
        or char in BIDI_CONTROLS
    )


def refused_by_clean_text(char: str) -> bool:
    try:
        clean_text(f"list {char}pending")
    except UsageError:
        return True
    return False


def test_every_code_point_is_refused_exactly_when_the_rule_says() -> None:
    differ = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if refused_by_rule(chr(code)) != refused_by_clean_text(chr(code))
    ]
    assert differ == []


def test_the_first_refused_character_is_named_with_its_position() -> None:
    with pytest.raises(UsageError, match=r"U\+0007.*6|6.*U\+0007"):
        clean_text("list \x07pending \u202e")


def test_tokens_split_on_every_unicode_space_and_nothing_else() -> None:
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    text = "".join(f"a{space}" for space in spaces) + "a"
    assert [token.text for token in tokenize(text)] == ["a"] * (len(spaces) + 1)
    assert [token.text for token in tokenize('open "a b"  c\u3000d')] == ["open", "a b", "c", "d"]
