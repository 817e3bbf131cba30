"""What ``sgbot emulator`` runs: the emulator on one local port until SIGTERM or SIGINT.

It accepts only the key pair in ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``ALIBABA_CLOUD_ACCESS_KEY_SECRET``
(the documented demo pair when unset), serves the built-in demo estate or ``--estate FILE``, and
prints ``sgbot emulator listening on http://HOST:PORT`` once it accepts connections, then one
line per other region (``--also-estate``, ``--second-region``). A bad estate file exits with
status 2 and says what is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from standins.cloud.backend import Backend
from standins.cloud.faults import FaultPlan, Faults
from standins.cloud.keys import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
from standins.cloud.readings import DEFAULT_LENIENT, Readings, parse_readings
from standins.cloud.regions import SECOND_DEMO_ESTATE as SECOND
from standins.cloud.regions import serve_regions
from standins.cloud.server import Emulator
from standins.cloud.state import EstateError, load_estate

ESTATE_ERROR_STATUS = 2


def run(args: argparse.Namespace) -> int:
    try:
        estate = load_estate(args.estate)
        more = [load_estate(path) for path in args.also_estate]
        if args.second_region:
            more.append(load_estate(Path(__file__).parent / SECOND))
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
