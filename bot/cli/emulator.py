"""``sgbot emulator``: serve the wire-level MSE/ECS/CS emulator on one local port.

It accepts only the key pair in ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``ALIBABA_CLOUD_ACCESS_KEY_SECRET``
(the documented demo pair when unset), serves the built-in demo estate or ``--estate FILE``, and
prints ``sgbot emulator listening on http://HOST:PORT`` once it accepts connections. Other
regions (``--also-estate FILE``, ``--second-region``) are served one port each and announced on
the lines after it (``standins.cloud.regions``). A bad estate file exits with status 2 and
says what is wrong. The emulator is a local stand-in (``standins.cloud``), loaded only when
this command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.subcommand import add_listen_address
from bot.optional import standins_required

SUMMARY = "serve a local emulator of Alibaba Cloud MSE, ECS and CS"
DESCRIPTION = "Serve signed MSE, ECS and CS APIs on one local port, for tests and demos."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_listen_address(parser, port=18080)
    parser.add_argument("--estate", type=Path, help="estate JSON file (default: the demo estate)")
    parser.add_argument(
        "--also-estate",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="serve another region's estate on a port of its own (repeatable)",
    )
    parser.add_argument(
        "--second-region",
        action="store_true",
        help="also serve the demo's second region (cn-shanghai) on a port of its own",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="delay every cloud call")
    parser.add_argument(
        "--throttle-fraction", type=float, default=0.0, help="share of calls to throttle (0-1)"
    )
    parser.add_argument("--seed", type=int, help="seed for throttling draws")
    parser.add_argument(
        "--lenient",
        action="append",
        default=[],
        metavar="READING",
        help="serve the friendlier reading of an ambiguous point (repeatable; 'all' for every "
        "one); docs/emulator.md lists the readings",
    )
    parser.add_argument(
        "--strict",
        action="append",
        default=[],
        metavar="READING",
        help="serve the stricter reading of a point that is lenient by default (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    with standins_required("sgbot emulator"):
        from standins.cloud.command import run as run_emulator
    return run_emulator(args)
