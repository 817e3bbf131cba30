"""The emulator's HTTP face: one aiohttp app serving MSE, ECS and CS plus the admin API.

Requests are told apart as the SDK sends them: ``x-acs-version`` 2019-05-31 is MSE and
2014-05-26 is ECS (RPC, the action in ``x-acs-action``), 2015-12-15 is CS (ROA, the action is the
path). Every cloud request must carry a valid ACS3-HMAC-SHA256 signature by the one configured
key; then it is counted, delayed and faulted as the fault plan says, and handed to the product's
handlers. ``/_emulator/`` is the unsigned admin API (``admin``), answered only to loopback
clients.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from standins.cloud import cs, ecs, mse
from standins.cloud.admin import add_admin_routes
from standins.cloud.context import EMULATOR, Emulator
from standins.cloud.errors import CloudError
from standins.cloud.faults import InjectedError, TimeoutThenSucceed, access_denied_detail
from standins.cloud.params import Params
from standins.cloud.signing import SignatureProblem, parse_authorization, verify

__all__ = ["Emulator", "build_app", "serve"]

log = logging.getLogger(__name__)

RPC_PRODUCTS = {"2019-05-31": ("mse", mse.ACTIONS), "2014-05-26": ("ecs", ecs.ACTIONS)}
CS_VERSION = "2015-12-15"
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class CloudCall:
    product: str
    action: str
    roa: bool


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


def _error(call: CloudCall, request_id: str, error: CloudError, emulator: Emulator) -> web.Response:
    denied = (
        access_denied_detail(call.product, call.action, emulator.backend.estate.account_id)
        if error.http_status == 403
        else None
    )
    headers = {"x-acs-request-id": request_id}
    if isinstance(error, InjectedError):
        headers |= error.headers
    if call.roa:
        body: dict[str, Any] = {
            "code": error.code,
            "message": error.message,
            "requestId": request_id,
            "status": error.http_status,
        }
        if not error.code:
            del body["code"]
        if denied:
            body["accessDeniedDetail"] = denied
    else:
        region = emulator.backend.estate.region_id
        body = {
            "RequestId": request_id,
            "HostId": f"{call.product}.{region}.aliyuncs.com",
            "Code": error.code,
            "Message": error.message,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product={call.product}",
        }
        if not error.code:
            del body["Code"]
        if denied:
            body["AccessDeniedDetail"] = denied
    return web.json_response(body, status=error.http_status, headers=headers)


def _identify(request: web.Request) -> CloudCall:
    version = request.headers.get("x-acs-version", "")
    if version in RPC_PRODUCTS:
        action = request.headers.get("x-acs-action") or request.query.get("Action", "")
        return CloudCall(RPC_PRODUCTS[version][0], action, roa=False)
    if version == CS_VERSION or request.path.startswith(("/clusters", "/api/v1/")):
        routed = cs.route(request.path)
        return CloudCall("cs", routed[0] if routed else "", roa=True)
    return CloudCall("unknown", "", roa=request.path != "/")


def _authenticate(request: web.Request, body: bytes, emulator: Emulator) -> None:
    authorization = parse_authorization(request.headers.get("Authorization"))
    if authorization.access_key_id != emulator.access_key_id:
        raise SignatureProblem(
            "InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404
        )
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    verify(
        authorization,
        secret=emulator.access_key_secret,
        method=request.method,
        path=request.rel_url.raw_path,
        raw_query=request.rel_url.raw_query_string,
        headers=headers,
        body=body,
    )


def _values(request: web.Request, body: bytes) -> dict[str, str]:
    values = dict(parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True))
    if request.content_type == FORM:
        values |= dict(parse_qsl(body.decode(), keep_blank_values=True))
    return values


def _dispatch(request: web.Request, call: CloudCall, body: bytes, emulator: Emulator) -> Any:
    params = Params(_values(request, body))
    if call.roa:
        routed = cs.route(request.path)
        assert routed is not None  # _identify found the action from this same path
        return routed[1](emulator.backend, routed[2], params)
    actions = RPC_PRODUCTS[request.headers["x-acs-version"]][1]
    if call.action not in actions:
        raise CloudError(
            404, "InvalidAction.NotFound", f"Specified api {call.action} is not found."
        )
    if call.product == "mse":
        return mse.dispatch(emulator.backend, call.action, params)
    return actions[call.action](emulator.backend, params)


async def handle_cloud(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR]
    request_id = _request_id()
    call = _identify(request)
    body = await request.read()
    try:
        try:
            _authenticate(request, body, emulator)
        except SignatureProblem as problem:
            raise CloudError(problem.http_status, problem.code, problem.message) from problem
        if not call.action:
            raise CloudError(404, "InvalidAction.NotFound", "Specified api is not found.")
        if request.method != ("GET" if call.roa else "POST"):
            raise CloudError(405, "UnsupportedHTTPMethod", "This method is not supported.")
        emulator.calls[call.action] += 1
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            emulator.peers.add((str(peer[0]), int(peer[1])))
        plan = emulator.faults.plan
        if plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        injected = emulator.faults.failure_for(call.action, _values(request, body))
        if injected:
            raise injected
        hold = emulator.faults.take_timeout(call.action)
        if hold is not None and hold.commit_after_ms is not None:
            reply = await _commit_late(emulator, request, call, body, hold)
        else:
            reply = _dispatch(request, call, body, emulator)
            if hold is not None:
                # The change is made; only the reply is late, as when a client times out.
                await asyncio.sleep(hold.delay_ms / 1000)
    except CloudError as error:
        log.info("%s %s -> %s %s", request_id, call.action, error.http_status, error.code)
        return _error(call, request_id, error, emulator)
    except Exception:
        # A bug here must still look like the cloud's own failure, not an HTML page.
        log.exception("%s %s failed", request_id, call.action)
        internal = CloudError(500, "InternalError", "The request processing has failed.")
        return _error(call, request_id, internal, emulator)
    if call.roa:
        return web.json_response(reply, headers={"x-acs-request-id": request_id})
    return web.json_response({"RequestId": request_id, **reply})


async def _commit_late(
    emulator: Emulator,
    request: web.Request,
    call: CloudCall,
    body: bytes,
    hold: TimeoutThenSucceed,
) -> Any:
    """Carry the call out ``commit_after_ms`` after it arrived; reply after ``delay_ms`` (or
    once it is carried out, if later). A task of its own: a client that gives up must not
    cancel the commit."""

    async def commit() -> Any:
        await asyncio.sleep((hold.commit_after_ms or 0) / 1000)
        return _dispatch(request, call, body, emulator)

    task = asyncio.create_task(commit())
    emulator.late.add(task)
    task.add_done_callback(emulator.late.discard)
    await asyncio.sleep(hold.delay_ms / 1000)
    return await asyncio.shield(task)


@web.middleware
async def loopback_only(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path.startswith("/_emulator/") and request.remote not in LOOPBACK:
        return web.json_response({"error": "the admin API answers loopback only"}, status=403)
    response: web.StreamResponse = await handler(request)
    return response


def build_app(emulator: Emulator) -> web.Application:
    app = web.Application(middlewares=[loopback_only])
    app[EMULATOR] = emulator
    add_admin_routes(app)
    app.router.add_route("*", "/{tail:.*}", handle_cloud)
    return app


async def serve(emulator: Emulator, host: str, port: int, stop: asyncio.Event) -> None:
    """Listen on ``host:port`` (0 picks a free port), announce it, and serve until ``stop``."""
    runner = web.AppRunner(build_app(emulator), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    print(f"sgbot emulator listening on http://{bound_host}:{bound_port}", flush=True)
    try:
        await stop.wait()
    finally:
        emulator.cancel_late_commits()
        await runner.cleanup()
