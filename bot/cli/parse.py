"""``sgbot parse "<text>"``: check a phrasing without Slack.

Prints the command as JSON and exits 0. When reading it took inference, standard error says
how it was read (``read as: …``, which is what the bot asks people to confirm) and one
``inferred: …`` line per guess. A usage error (for an incomplete request, what is missing)
goes to standard error with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from pydantic import BaseModel

from vocabulary.errors import IncompleteCommand, UsageError

USAGE_STATUS = 2


SUMMARY = "parse a chat request and print it as JSON"
DESCRIPTION = "Parse chat text as sgbot would and print the command as JSON."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help='the request, e.g. "authorize gateway prod-gw to sg-1 on 80"')


def _jsonable(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    return value


def run(args: argparse.Namespace) -> int:
    from bot import catalogue
    from bot.grammar import read_command
    from bot.settings import load_settings

    settings = load_settings()
    catalogue.use(settings.language)
    try:
        reading = read_command(args.text, max_duration=settings.max_duration)
    except IncompleteCommand as exc:
        given = {key: _jsonable(value) for key, value in exc.given.items()}
        missing = {"verb": exc.verb, "missing": list(exc.missing), "given": given}
        print(f"incomplete: {exc}", file=sys.stderr)
        print(json.dumps(missing, default=str, ensure_ascii=False), file=sys.stderr)
        return USAGE_STATUS
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return USAGE_STATUS
    if reading.inferred:
        print(f"read as: {reading.shown}", file=sys.stderr)
        for inference in reading.inferred:
            print(f"inferred ({inference.kind.value}): {inference.note}", file=sys.stderr)
    print(reading.command.model_dump_json(indent=2))
    return 0
