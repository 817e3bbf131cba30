"""The demo estate served by an emulator inside the calling process, on a free loopback port.

``sgbot serve --emulated-cloud`` uses it when no ``SGBOT_*_ENDPOINT`` names a running emulator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from standins.cloud.backend import Backend
from standins.cloud.server import Emulator, build_app
from standins.cloud.state import load_estate


@asynccontextmanager
async def demo_estate_served(key_id: str, secret: str) -> AsyncIterator[str]:
    """``host:port`` of the demo estate, accepting ``key_id``/``secret``, for the block."""
    emulator = Emulator(
        backend=Backend(load_estate()), access_key_id=key_id, access_key_secret=secret
    )
    runner = web.AppRunner(build_app(emulator), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
