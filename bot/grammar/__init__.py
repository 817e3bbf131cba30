"""The chat grammar: text typed in Slack to a typed command, and back.

``parse_command`` is the only way text becomes a ``bot.commands`` command; it raises
``UsageError`` or ``IncompleteCommand`` and nothing else, whatever the input.
``render_command`` writes a command as canonical text that parses back to an equal command.
The package does no I/O: ``text`` unwraps and tokenizes, ``values`` reads ports, durations
and ids, ``parser`` holds the grammar, ``render`` its inverse and ``usage`` the help text.
"""

from bot.grammar.parser import parse_command
from bot.grammar.render import render_command
from bot.grammar.text import MAX_TEXT_CHARS, unwrap_slack_markup
from bot.grammar.usage import HELP_EXAMPLES, HELP_TEXT
from bot.grammar.values import format_duration, parse_ports

__all__ = [
    "HELP_EXAMPLES",
    "HELP_TEXT",
    "MAX_TEXT_CHARS",
    "format_duration",
    "parse_command",
    "parse_ports",
    "render_command",
    "unwrap_slack_markup",
]
