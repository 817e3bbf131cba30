"""The ``sgbot`` command line: the composition root for every process sgbot runs.

Each subcommand lives in its own module under ``bot.cli``, named by its file, giving what
``bot.cli.subcommand`` reads: its help texts, ``add_arguments(parser)`` and ``run(args)``, a
callable taking the parsed arguments and returning an exit status. Modules are imported here,
not at package import, so ``sgbot --help`` stays fast and importing ``bot`` reads nothing from
the environment.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.cli.subcommand import add_subcommand
from vocabulary.errors import ConfigError

SUBCOMMANDS = (
    "bot.cli.parse",
    "bot.cli.emulator",
    "bot.cli.serve",
    "bot.cli.socket",
    "bot.cli.worker",
    "bot.cli.audit",
    "bot.cli.reconcile",
    "bot.cli.check",
    "bot.cli.demo",
    "bot.cli.policy",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sgbot",
        description="Slack ChatOps for Alibaba Cloud MSE gateway security group authorization.",
    )
    subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
    for module_name in SUBCOMMANDS:
        add_subcommand(subparsers, importlib.import_module(module_name))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except ConfigError as exc:
        print(f"sgbot: configuration error: {exc}", file=sys.stderr)
        return 78  # EX_CONFIG
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
