"""The chat grammar: text typed in Slack to a typed command, and back.

``read_command`` is the only way text becomes a ``vocabulary.commands`` command: it returns a
``Reading`` (the command and what had to be inferred to read it) or raises ``UsageError`` or
``IncompleteCommand``, whatever the input. ``parse_command`` returns the command only when
nothing was inferred (``NeedsConfirmation`` otherwise). ``render_command`` writes a command as
canonical text that parses back to an equal command with nothing inferred. The package does
no I/O: ``text`` unwraps and tokenizes, ``values`` reads ports, durations and ids, ``parser``
holds the strict grammar, ``render`` its inverse and ``usage`` the help text; ``lexicon``,
``pieces``, ``words``, ``changes`` and ``asking`` are the forgiving reader, and ``reading``
puts the two together.
"""

from bot.grammar.reading import NeedsConfirmation, Reading, parse_command, read_command
from bot.grammar.render import render_command, render_target
from bot.grammar.text import MAX_TEXT_CHARS, unwrap_slack_markup
from bot.grammar.usage import HELP_EXAMPLES, HELP_TEXT
from bot.grammar.values import parse_ports
from bot.grammar.words import Inference, Inferred
from vocabulary.durations import format_duration

__all__ = [
    "HELP_EXAMPLES",
    "HELP_TEXT",
    "MAX_TEXT_CHARS",
    "Inference",
    "Inferred",
    "NeedsConfirmation",
    "Reading",
    "format_duration",
    "parse_command",
    "parse_ports",
    "read_command",
    "render_command",
    "render_target",
    "unwrap_slack_markup",
]
