"""The emulator's admin API under ``/_emulator/``: faults, readings, state, reset and counts.

Unsigned and answered to loopback clients only (the server's middleware checks that).
"""

from __future__ import annotations

import json

from aiohttp import web

from standins.cloud.context import EMULATOR
from standins.cloud.faults import FaultPlan
from standins.cloud.readings import Readings, parse_readings


async def set_faults(request: web.Request) -> web.Response:
    try:
        plan = FaultPlan.model_validate(await request.json())
    except (ValueError, json.JSONDecodeError) as exc:
        return web.json_response({"error": str(exc)}, status=400)
    request.app[EMULATOR].apply_faults(plan)
    return web.json_response(plan.model_dump())


async def get_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[EMULATOR].faults.plan.model_dump())


async def clear_faults(request: web.Request) -> web.Response:
    request.app[EMULATOR].apply_faults(FaultPlan())
    return web.json_response({})


async def set_readings(request: web.Request) -> web.Response:
    """``{"lenient": [names]}``: the readings switched to the friendlier one; the rest strict."""
    try:
        payload = await request.json()
        names = payload.get("lenient", []) if isinstance(payload, dict) else None
        if not isinstance(names, list):
            raise ValueError('expected {"lenient": [reading, ...]}')
        lenient = parse_readings(str(name) for name in names)
    except (ValueError, json.JSONDecodeError) as exc:
        return web.json_response({"error": str(exc)}, status=400)
    backend = request.app[EMULATOR].backend
    backend.readings = Readings(lenient)
    return web.json_response(backend.readings.to_json())


async def get_readings(request: web.Request) -> web.Response:
    return web.json_response(request.app[EMULATOR].backend.readings.to_json())


async def get_state(request: web.Request) -> web.Response:
    return web.json_response(request.app[EMULATOR].backend.snapshot())


async def reset(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR]
    emulator.cancel_late_commits()
    emulator.backend.reset()
    emulator.calls.clear()
    emulator.peers.clear()
    return web.json_response({})


async def get_calls(request: web.Request) -> web.Response:
    return web.json_response(dict(request.app[EMULATOR].calls))


async def clear_calls(request: web.Request) -> web.Response:
    request.app[EMULATOR].calls.clear()
    request.app[EMULATOR].peers.clear()
    return web.json_response({})


async def get_connections(request: web.Request) -> web.Response:
    return web.json_response({"connections": len(request.app[EMULATOR].peers)})


def add_admin_routes(app: web.Application) -> None:
    app.router.add_post("/_emulator/faults", set_faults)
    app.router.add_get("/_emulator/faults", get_faults)
    app.router.add_delete("/_emulator/faults", clear_faults)
    app.router.add_post("/_emulator/readings", set_readings)
    app.router.add_get("/_emulator/readings", get_readings)
    app.router.add_get("/_emulator/state", get_state)
    app.router.add_post("/_emulator/reset", reset)
    app.router.add_get("/_emulator/calls", get_calls)
    app.router.add_delete("/_emulator/calls", clear_calls)
    app.router.add_get("/_emulator/connections", get_connections)
