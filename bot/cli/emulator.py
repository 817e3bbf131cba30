"""``sgbot emulator``: serve the wire-level MSE/ECS/CS emulator on one local port.

It accepts only the key pair in ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``ALIBABA_CLOUD_ACCESS_KEY_SECRET``
(the documented demo pair when unset), serves the built-in demo estate or ``--estate FILE``, and
prints ``sgbot emulator listening on http://HOST:PORT`` once it accepts connections. Other
regions (``--also-estate FILE``, ``--second-region``) are served one port each and announced on
the lines after it (``bot.cloud.emulator.regions``). A bad estate file exits with status 2 and
says what is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

DEMO_ACCESS_KEY_ID = "LTAIsgbotEmulatorDemo"
DEMO_ACCESS_KEY_SECRET = "sgbot-emulator-demo-secret"  # noqa: S105 - documented demo key
ESTATE_ERROR_STATUS = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="serve a local emulator of Alibaba Cloud MSE, ECS and CS",
        description="Serve signed MSE, ECS and CS APIs on one local port, for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=18080, help="port to listen on; 0 picks one")
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cloud.emulator.backend import Backend
    from bot.cloud.emulator.faults import FaultPlan, Faults
    from bot.cloud.emulator.readings import DEFAULT_LENIENT, Readings, parse_readings
    from bot.cloud.emulator.regions import SECOND_DEMO_ESTATE as SECOND
    from bot.cloud.emulator.regions import serve_regions
    from bot.cloud.emulator.server import Emulator
    from bot.cloud.emulator.state import EstateError, load_estate

    try:
        estate = load_estate(args.estate)
        more = [load_estate(path) for path in args.also_estate]
        if args.second_region:
            more.append(load_estate(Path(__file__).parents[1] / "cloud/emulator" / SECOND))
        plan = FaultPlan(
            latency_ms=args.latency_ms, throttle_fraction=args.throttle_fraction, seed=args.seed
        )
        readings = Readings(
            (DEFAULT_LENIENT | parse_readings(args.lenient)) - parse_readings(args.strict)
        )
    except EstateError as exc:
        print(f"sgbot emulator: {exc}", file=sys.stderr)
        return ESTATE_ERROR_STATUS
    except ValueError as exc:
        print(f"sgbot emulator: bad fault or reading flags: {exc}", file=sys.stderr)
        return ESTATE_ERROR_STATUS
    emulators = [
        Emulator(
            backend=Backend(each, readings),
            access_key_id=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID") or DEMO_ACCESS_KEY_ID,
            access_key_secret=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            or DEMO_ACCESS_KEY_SECRET,
            faults=Faults(plan),
        )
        for each in (estate, *more)
    ]

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await serve_regions(emulators, args.host, args.port, stop)

    asyncio.run(main())
    return 0
