"""The message catalogue: both languages say the same things, with the same placeholders.

Every key has a text in English and Chinese with the same named fields, no Chinese text is
left in English (a text may be identical only when it holds nothing but placeholders,
emoji and punctuation), no key is defined twice, every key is used by the code and every
key the code names exists. ``SGBOT_LANGUAGE`` is checked at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import catalogue
from bot.__main__ import main
from bot.catalogue import en, placeholders, zh
from bot.settings import load_settings
from vocabulary.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    path
    for folder in ("bot", "handlers", "approvals", "vocabulary")
    for path in (ROOT / folder).rglob("*.py")
    if "catalogue" not in path.parts
]
# A key as the code names it: a dotted lower-case literal passed to ``say`` or kept in a table.
KEY_LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
SAID = re.compile(r"""\bsay\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
COMPUTED = re.compile(r"""f["']([a-z_]+(?:\.[a-z0-9_]+)*\.)\{""")
EMOJI = re.compile(r":[a-z0-9_+\-]+:")


@pytest.fixture
def chinese() -> Iterator[None]:
    catalogue.use("zh")
    yield
    catalogue.use("en")


def test_both_languages_have_the_same_keys() -> None:
    assert set(en.MESSAGES) == set(zh.MESSAGES)


@pytest.mark.parametrize("part", ["en", "zh"])
def test_no_key_is_defined_twice(part: str) -> None:
    parts = (en if part == "en" else zh).PARTS
    keys = [key for module in parts for key in module.MESSAGES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_a_key_has_the_same_placeholders_in_both(key: str) -> None:
    assert placeholders(en.MESSAGES[key]) == placeholders(zh.MESSAGES[key])


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_no_chinese_text_is_left_in_english(key: str) -> None:
    english, chinese_text = en.MESSAGES[key], zh.MESSAGES[key]
    if chinese_text != english:
        return
    bare = EMOJI.sub("", re.sub(r"\{[^{}]*\}", "", english))
    assert not re.search(r"[A-Za-z]{2,}", bare), f"{key} is not translated"


def test_every_key_the_code_says_exists() -> None:
    said = {key for path in SOURCES for key in SAID.findall(path.read_text(encoding="utf-8"))}
    assert said, "no say() calls found"
    assert said <= set(en.MESSAGES), sorted(said - set(en.MESSAGES))


def test_every_key_kept_in_a_table_exists() -> None:
    # Keys held in constants and tables (command forms, state labels) are said later.
    areas = {key.split(".")[0] for key in en.MESSAGES}
    kept = {
        key
        for path in SOURCES
        for key in KEY_LITERAL.findall(path.read_text("utf-8"))
        if key.split(".")[0] in areas
    }
    assert kept - set(en.MESSAGES) == set()


def test_every_key_is_used_by_the_code() -> None:
    texts = [path.read_text("utf-8") for path in SOURCES]
    named = {key for text in texts for key in KEY_LITERAL.findall(text)}
    # Keys built from an enum value (``f"state_name.{state.value}"``) count by their prefix.
    prefixes = tuple({prefix for text in texts for prefix in COMPUTED.findall(text)})
    # A ``….because`` variant is chosen beside its base key, when there is a reason to give.
    said = named | {f"{key}.because" for key in named}
    unused = {key for key in en.MESSAGES if key not in said and not key.startswith(prefixes)}
    assert not unused, sorted(unused)


def test_say_fills_named_fields_in_the_chosen_language(chinese: None) -> None:
    assert catalogue.say("time.in", amount="3 小时") == "3 小时后"
    catalogue.use("en")
    assert catalogue.say("time.in", amount="3 hours") == "in 3 hours"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="use en or zh"):
        catalogue.use("fr")
    assert catalogue.current() == "en"


def test_the_setting_takes_en_or_zh_and_refuses_anything_else() -> None:
    assert load_settings(SGBOT_LANGUAGE="ZH").language == "zh"
    assert load_settings().language == "en"
    with pytest.raises(ConfigError) as caught:
        load_settings(SGBOT_LANGUAGE="chinese")
    assert str(caught.value).startswith("SGBOT_LANGUAGE:")
    assert "use en or zh" in str(caught.value)


def test_sgbot_parse_explains_in_the_chosen_language(
    chinese: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("SGBOT_LANGUAGE", "zh")
    assert main(["parse", "授权 prod-gw 访问 orders 端口 8080"]) == 0
    assert "`prod-gw` 理解为网关" in capsys.readouterr().err
    assert main(["parse", "你好"]) == 2
    assert "没有命令" in capsys.readouterr().err
    assert main(["parse", "你好 世界"]) == 2
    assert "我不明白这里的 `世界`" in capsys.readouterr().err
