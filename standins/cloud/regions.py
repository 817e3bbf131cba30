"""Several regions from one emulator: one estate and one port per region.

MSE and CS requests carry no region; only the endpoint host does. So a region is a port here:
each estate gets an emulator of its own on a port of its own, and a client reaches a region by
its endpoint, as it would reach ``mse.<region>.aliyuncs.com``. The first estate is announced
as ``sgbot emulator listening on URL`` (what readers of a one-region emulator wait for); each
further one as ``sgbot emulator region REGION listening on URL``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

from standins.cloud.server import Emulator, build_app

SECOND_DEMO_ESTATE = "demo_estate_shanghai.json"
REGION_PREFIX = "sgbot emulator region "


async def serve_regions(
    emulators: Sequence[Emulator], host: str, port: int, stop: asyncio.Event
) -> None:
    """Serve each emulator on its own port (the first on ``port``) until ``stop``."""
    runners: list[web.AppRunner] = []
    try:
        for index, emulator in enumerate(emulators):
            runner = web.AppRunner(build_app(emulator), access_log=None)
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, host, port if index == 0 else 0).start()
        for index, (emulator, runner) in enumerate(zip(emulators, runners, strict=True)):
            bound_host, bound_port = runner.addresses[0][:2]
            url = f"http://{bound_host}:{bound_port}"
            region = emulator.backend.estate.region_id
            line = f"{REGION_PREFIX}{region} listening on {url}"
            print(f"sgbot emulator listening on {url}" if index == 0 else line, flush=True)
        await stop.wait()
    finally:
        for emulator in emulators:
            emulator.cancel_late_commits()
        for runner in runners:
            await runner.cleanup()
