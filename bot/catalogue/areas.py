"""The areas each language's catalogue is split into: one module per area of the bot.

Both languages have the same areas, so the list lives here once and each language package
gathers its own modules by it; a language missing an area fails at import, not at runtime.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Final

AREAS: Final[tuple[str, ...]] = (
    "request",
    "card",
    "errors",
    "messages",
    "lists",
    "forms",
    "grammar",
    "reasons",
    "paths",
    "syntax",
    "doctor",
    "drift",
    "policy",
    "extend",
    "regions",
)


def area_modules(language_package: str) -> tuple[ModuleType, ...]:
    """The area modules of ``bot.catalogue.en`` or ``bot.catalogue.zh``, in ``AREAS`` order."""
    return tuple(importlib.import_module(f"{language_package}.{area}") for area in AREAS)


def gathered(parts: tuple[ModuleType, ...]) -> dict[str, str]:
    messages: dict[str, str] = {}
    for part in parts:
        area_messages: dict[str, str] = part.MESSAGES
        messages.update(area_messages)
    return messages
