"""``LocalSlack``: the local Slack server's lifecycle and the handle tests hold.

The server always runs on a loop of its own in a background thread, so the same object serves
sync tests (``start_in_thread``/``stop``), async tests (``async with``) and a ``sgbot serve``
or ``sgbot socket`` subprocess talking to it over loopback. It binds 127.0.0.1 on a free port
and keeps that port across ``go_offline``/``come_online``, which close and reopen the listener
(and drop open connections) to simulate Slack being unreachable. Query and fault methods
delegate to the workspace and fault switches, ``socket_*`` to Socket Mode; ``wait_for`` polls
them for scenario tests.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from standins.slack.directory import Directory, demo_directory
from standins.slack.faults import Faults
from standins.slack.socket_mode import SocketAck, SocketHub
from standins.slack.webapi import create_web_app
from standins.slack.workspace import JsonObject, RecordedCall, Workspace

DEFAULT_BOT_TOKEN = "xoxb-local-sgbot"  # noqa: S105 - a fake token only this server accepts
DEFAULT_APP_TOKEN = "xapp-1-A0SGBOT01-local-sgbot"  # noqa: S105 - the app-level one, likewise
POLL_INTERVAL_SECONDS = 0.02

T = TypeVar("T")


class LocalSlack:
    """A local Slack workspace served over HTTP on 127.0.0.1."""

    def __init__(
        self,
        directory: Directory | None = None,
        bot_token: str = DEFAULT_BOT_TOKEN,
        clock: Callable[[], float] = time.time,
        trigger_ttl_seconds: float | None = None,
        port: int = 0,
        *,
        app_token: str = DEFAULT_APP_TOKEN,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = Workspace(directory or demo_directory(), clock)
        self.faults = Faults(clock)
        self.socket = SocketHub(self.workspace, app_token)
        self._trigger_ttl = trigger_ttl_seconds
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def directory(self) -> Directory:
        return self.workspace.directory

    @property
    def origin(self) -> str:
        if self._port == 0:
            raise RuntimeError("LocalSlack is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)`` and ``SLACK_API_URL``."""
        return f"{self.origin}/api/"

    # Lifecycle

    def start_in_thread(self) -> LocalSlack:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="local-slack", daemon=True)
        self._thread.start()
        self._run(self._listen())
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
        self._loop = self._thread = None

    def go_offline(self) -> None:
        """Close the listener and every open connection; the port stays reserved for us."""
        self._run(self._close())

    def come_online(self) -> None:
        self._run(self._listen())

    async def __aenter__(self) -> LocalSlack:
        return await asyncio.to_thread(self.start_in_thread)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def __enter__(self) -> LocalSlack:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("LocalSlack is not started")
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _listen(self) -> None:
        if self._runner is not None:
            return
        app = create_web_app(
            self.workspace, self.faults, self.bot_token, self.socket, self._trigger_ttl
        )
        # A short shutdown keeps stop() quick when a client left a request half sent.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port, reuse_address=True)
        await site.start()
        self._runner = runner
        if self._port == 0:
            self._port = runner.addresses[0][1]
        self.socket.origin = self.origin

    async def _close(self) -> None:
        if self._runner is not None:
            server = self._runner.server
            await self._runner.cleanup()
            # Connections still open after the graceful shutdown would otherwise outlive
            # the loop and be reported as unclosed transports long after this server stopped.
            for handler in server.connections if server is not None else ():
                if handler.transport is not None:
                    handler.transport.abort()
            self._runner = None

    # Interaction URLs the signer embeds in payloads

    def new_response_url(self, user: str, channel: str) -> str:
        return f"{self.origin}/response/{self.workspace.new_response_hook(user, channel)}"

    def new_trigger_id(self, user: str) -> str:
        """A single-use trigger id; like Slack, ``views.open``/``push`` refuse any other."""
        return self.workspace.new_trigger_id(user)

    # Socket Mode

    def socket_send(self, kind: str, payload: JsonObject) -> str:
        """Send an envelope (``slash_commands``, ``interactive``, ``events_api``); its id."""
        if self._loop is None:
            raise RuntimeError("LocalSlack is not started")
        sending = asyncio.run_coroutine_threadsafe(self.socket.send(kind, payload), self._loop)
        return sending.result()

    def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Send every connection a ``disconnect``; a Socket Mode client then reconnects."""
        self._run(self.socket.disconnect(reason))

    def socket_connections(self) -> list[int]:
        """Serial numbers (1, 2, … in opening order) of the Socket Mode connections open now."""
        return self.socket.connections()

    def socket_acked(self, envelope_id: str) -> SocketAck | None:
        return self.socket.ack(envelope_id)

    def socket_ack(self, envelope_id: str, within: float = 10.0) -> SocketAck:
        """Wait for the app's ack of an envelope; ``TimeoutError`` if none comes."""
        ack = self.wait_for(lambda: self.socket.ack(envelope_id), within)
        assert ack is not None  # wait_for returns only a truthy result
        return ack

    async def socket_ack_async(self, envelope_id: str, within: float = 10.0) -> SocketAck:
        """``socket_ack`` for async tests, where the acking client shares the loop."""
        ack = await self.wait_for_async(lambda: self.socket.ack(envelope_id), within)
        assert ack is not None  # wait_for_async returns only a truthy result
        return ack

    # Faults

    def rate_limit(self, method: str, count: int, retry_after_seconds: int) -> None:
        self.faults.rate_limit(method, count, retry_after_seconds)

    def outage(self, seconds: float | None = None) -> None:
        self.faults.outage(seconds)

    def clear_outage(self) -> None:
        self.faults.clear_outage()

    # Queries

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        return self.workspace.calls(method)

    def messages(self, channel: str) -> list[JsonObject]:
        return self.workspace.messages(channel)

    def thread(self, channel: str, parent_ts: str) -> list[JsonObject]:
        return self.workspace.thread(channel, parent_ts)

    def ephemerals(self, user: str) -> list[JsonObject]:
        return self.workspace.ephemerals(user)

    def views(self, user: str) -> list[JsonObject]:
        return self.workspace.views(user)

    def home(self, user: str) -> JsonObject | None:
        return self.workspace.home(user)

    def responses(self, token_or_url: str) -> list[JsonObject]:
        return self.workspace.responses(token_or_url.rsplit("/", 1)[-1])

    def wait_for(self, predicate: Callable[[], T], within: float = 10.0) -> T:
        """Poll until ``predicate()`` is truthy and return its value; ``TimeoutError`` if not."""
        deadline = time.monotonic() + within
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"local Slack: condition not met within {within} s")
            time.sleep(POLL_INTERVAL_SECONDS)
        return result

    async def wait_for_async(self, predicate: Callable[[], T], within: float = 10.0) -> T:
        """``wait_for`` for async tests: polls without blocking the loop."""
        # Polling, not an Event: the state changes on the server's own thread and loop.
        async with asyncio.timeout(within):
            while not (result := predicate()):  # noqa: ASYNC110
                await asyncio.sleep(POLL_INTERVAL_SECONDS)
        return result
