"""Socket Mode of the local Slack: ``apps.connections.open``, the WebSocket, envelopes and acks.

``SocketHub`` is what Slack keeps for an app in Socket Mode: the app-level (``xapp-``) token,
single-use WebSocket URLs handed out by ``apps.connections.open`` (a Web API method in
``methods``), the open connections (each greeted with a ``hello``) and every envelope sent with
the ack that came back. Like Slack, each envelope goes to one open connection; ``disconnect``
asks every connection to reconnect. Envelope and ack bookkeeping is guarded by a lock because
tests read it from other threads; the connections themselves are only touched on the server's
loop. ``add_socket_routes`` puts the WebSocket and the ``/_local/socket/…`` admin routes on the
local Slack's aiohttp application.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from standins.slack.workspace import JsonObject, Workspace

ENVELOPE_KINDS = frozenset({"slash_commands", "interactive", "events_api"})
# Interactions whose ack body Slack uses (an options list, modal errors); clicks carry none.
RESPONSE_PAYLOAD_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})
DEBUG_INFO = {"host": "applink-local", "build_number": 1, "approximate_connection_time": 18060}


class NoSocketConnection(RuntimeError):
    """An envelope was sent while no app had a Socket Mode connection open."""


@dataclass
class _Delivery:
    """When an envelope was sent, and its ack once it came (``acked_at`` None until then)."""

    sent_at: float
    acked_at: float | None = None
    ack_payload: JsonObject | None = None


@dataclass(frozen=True)
class SocketAck:
    """The app's ack of one envelope; ``payload`` is the optional response payload."""

    envelope_id: str
    payload: JsonObject | None
    sent_at: float
    acked_at: float


@dataclass
class _Connection:
    serial: int
    socket: web.WebSocketResponse


@dataclass
class SocketHub:
    """Socket Mode state for the one app the local workspace has installed."""

    workspace: Workspace
    app_token: str
    origin: str | None = None
    _tickets: set[str] = field(default_factory=set)
    _connections: list[_Connection] = field(default_factory=list)
    _serials: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _next_pick: int = 0
    _deliveries: dict[str, _Delivery] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open_connection(self) -> JsonObject:
        """``apps.connections.open``: a single-use WebSocket URL on this server."""
        if self.origin is None:
            raise RuntimeError("the local Slack is not listening")
        ticket = secrets.token_urlsafe(16)
        self._tickets.add(ticket)
        return {"url": f"{self.origin.replace('http://', 'ws://', 1)}/socket-mode/{ticket}"}

    def connections(self) -> list[int]:
        """Serial numbers (1, 2, … in opening order) of the connections open now."""
        with self._lock:
            return [connection.serial for connection in self._connections]

    async def send(self, kind: str, payload: JsonObject) -> str:
        """Send one envelope to one open connection (round robin) and return its id."""
        if kind not in ENVELOPE_KINDS:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_KINDS)}")
        with self._lock:
            open_now = [c for c in self._connections if not c.socket.closed]
            if not open_now:
                raise NoSocketConnection("no Socket Mode connection is open")
            connection = open_now[self._next_pick % len(open_now)]
            self._next_pick += 1
            envelope = _envelope(kind, payload)
            self._deliveries[envelope["envelope_id"]] = _Delivery(self.workspace.clock())
        await connection.socket.send_json(envelope)
        return str(envelope["envelope_id"])

    async def disconnect(self, reason: str) -> None:
        """Ask every connection to go away, as Slack does before it recycles a host."""
        with self._lock:
            open_now = list(self._connections)
        for connection in open_now:
            await connection.socket.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-local"}}
            )

    def ack(self, envelope_id: str) -> SocketAck | None:
        with self._lock:
            delivery = self._deliveries.get(envelope_id)
            if delivery is None or delivery.acked_at is None:
                return None
            return SocketAck(envelope_id, delivery.ack_payload, delivery.sent_at, delivery.acked_at)

    def _record_ack(self, raw: str) -> None:
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            return
        if not isinstance(message, dict):
            return
        payload = message.get("payload")
        with self._lock:
            delivery = self._deliveries.get(str(message.get("envelope_id")))
            # Slack keeps the first ack of an envelope and ignores any repeat.
            if delivery is None or delivery.acked_at is not None:
                return
            delivery.acked_at = self.workspace.clock()
            delivery.ack_payload = payload if isinstance(payload, dict) else None

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """One WebSocket connection for the length of its life."""
        ticket = request.match_info["ticket"]
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid or already used Socket Mode URL")
        self._tickets.discard(ticket)
        # autoping answers the client's pings with pongs that echo their data.
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        connection = _Connection(next(self._serials), socket)
        with self._lock:
            self._connections.append(connection)
            count = len(self._connections)
        try:
            await socket.send_json(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": DEBUG_INFO,
                    "connection_info": {"app_id": self.workspace.directory.api_app_id},
                }
            )
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._record_ack(message.data)
        finally:
            with self._lock:
                self._connections.remove(connection)
        return socket

    async def close_all(self) -> None:
        with self._lock:
            open_now = list(self._connections)
        for connection in open_now:
            await connection.socket.close()


def _envelope(kind: str, payload: JsonObject) -> JsonObject:
    envelope: JsonObject = {"envelope_id": str(uuid.uuid4()), "payload": payload, "type": kind}
    if kind == "events_api":
        envelope |= {"accepts_response_payload": False, "retry_attempt": 0, "retry_reason": ""}
    elif kind == "slash_commands":
        envelope["accepts_response_payload"] = True
    else:
        envelope["accepts_response_payload"] = payload.get("type") in RESPONSE_PAYLOAD_INTERACTIONS
    return envelope


def add_socket_routes(app: web.Application, hub: SocketHub) -> None:
    """The WebSocket and the ``/_local/socket/…`` admin routes."""

    async def admin_send(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
            raise web.HTTPBadRequest(text="send {kind, payload} with payload a JSON object")
        try:
            envelope_id = await hub.send(str(body.get("kind")), body["payload"])
        except ValueError as err:
            raise web.HTTPBadRequest(text=str(err)) from err
        except NoSocketConnection as err:
            raise web.HTTPConflict(text=str(err)) from err
        return web.json_response({"envelope_id": envelope_id})

    async def admin_ack(request: web.Request) -> web.Response:
        ack = hub.ack(request.query.get("envelope_id", ""))
        if ack is None:
            return web.json_response({"acked": False})
        return web.json_response({"acked": True, "payload": ack.payload})

    async def close_sockets(_: web.Application) -> None:
        await hub.close_all()

    app.router.add_get("/socket-mode/{ticket}", hub.serve)
    app.router.add_post("/_local/socket/send", admin_send)
    app.router.add_get("/_local/socket/ack", admin_ack)
    # Open WebSockets would otherwise hold a shutdown (go_offline, stop) until its timeout.
    app.on_shutdown.append(close_sockets)
