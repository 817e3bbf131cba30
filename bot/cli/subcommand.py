"""What ``sgbot`` reads from each subcommand module to build its parser.

A module under ``bot.cli`` names itself by its file and gives ``SUMMARY`` (one line for
``sgbot --help``), ``DESCRIPTION`` (for its own ``--help``), ``add_arguments(parser)`` and
``run(args) -> exit status``; a module whose sub-actions each set ``func`` has no ``run``.
"""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Any


def add_subcommand(subparsers: Any, module: ModuleType) -> None:
    name = module.__name__.rsplit(".", 1)[-1]
    parser = subparsers.add_parser(name, help=module.SUMMARY, description=module.DESCRIPTION)
    module.add_arguments(parser)
    run = getattr(module, "run", None)
    if run is not None:
        parser.set_defaults(func=run)


def add_listen_address(parser: argparse.ArgumentParser, *, port: int) -> None:
    """``--host`` and ``--port`` for a subcommand that serves on a local address."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=port, help="port to listen on; 0 picks one")
