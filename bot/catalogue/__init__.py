"""Every sentence sgbot shows a person, in English and Chinese, from one catalogue.

Messages are whole sentences keyed by id (``card.title.access``) with named placeholders
(``{request_id}``), so a translation may put the parts in whatever order its language wants;
callers never glue translated pieces together. ``use`` picks the language once at start-up
(``SGBOT_LANGUAGE``); ``say`` fills one message. Values are inserted as given: escaping
user text for Slack stays the caller's job. This package imports nothing else of sgbot, so
any layer (handlers, approvals, the cloud adapter, the error tree) may use it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Final, Literal, get_args

from bot.catalogue import en, zh

Language = Literal["en", "zh"]
LANGUAGES: Final[tuple[str, ...]] = get_args(Language)
CATALOGUES: Final[Mapping[str, Mapping[str, str]]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}

# Chosen once by the composition root; English until then, so tools and tests that never
# choose read the same texts as before.
_chosen: list[str] = ["en"]


def use(language: str) -> None:
    """Answer in ``language`` from now on; anything but ``en`` or ``zh`` is refused."""
    if language not in CATALOGUES:
        raise ValueError(f"{language!r} is not a language sgbot speaks; use en or zh")
    _chosen[0] = language


def current() -> str:
    return _chosen[0]


def say(key: str, **fields: object) -> str:
    """The message ``key`` in the chosen language with ``fields`` filled in."""
    return say_in(_chosen[0], key, **fields)


def say_in(language: str, key: str, **fields: object) -> str:
    """The message ``key`` in ``language``, whichever is chosen."""
    return CATALOGUES[language][key].format(**fields)


def placeholders(template: str) -> frozenset[str]:
    """The named fields a message expects, for the test that keeps languages in step."""
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )
