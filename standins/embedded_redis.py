"""An in-process Redis for ``sgbot demo`` when no real one is at hand. Nothing is persisted.

It serves RESP2 and RESP3 on a loopback port, so the bot connects to it exactly as to a real Redis,
and answers with fakeredis's command engine (Lua through lupa, Streams, ``XAUTOCLAIM``). The
engine is driven directly, one fake socket per TCP connection on its own thread, because the
TCP server fakeredis ships does not block on ``XREADGROUP … BLOCK``. Three gaps of the engine
are closed here, each for something the bot relies on:

- ``XREADGROUP`` with ``COUNT`` and ``BLOCK`` returns at once when nothing is new; real Redis
  waits, and the bot's workers depend on that wait instead of spinning.
- ``INFO`` is unknown to it; the bot reads ``INFO replication`` to decide whether to ``WAIT``.
- ``WAIT`` is unknown to it; with no replicas the answer is always 0.

fakeredis is pinned to one minor release because these hooks use its socket class.
"""

from __future__ import annotations

import logging
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from fakeredis import FakeServer
from fakeredis._helpers import SimpleError, SimpleString
from fakeredis._socket import FakeSocket

logger = logging.getLogger(__name__)

READ_CHUNK_BYTES = 65536
REPLICATION_INFO = b"# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"


def encode_reply(value: Any, resp: int) -> bytes:
    """One reply in RESP2 or RESP3, from what the fake socket queued before client-side decoding.

    The engine has already shaped the value for the client's protocol (a RESP2 client gets maps
    as flat lists); what remains is writing the types only RESP3 has a notation for.
    """
    if isinstance(value, SimpleString):
        return b"+" + value.value + b"\r\n"
    if isinstance(value, SimpleError):
        return b"-" + value.value.encode() + b"\r\n"
    if isinstance(value, Exception):
        return b"-ERR " + str(value).replace("\r", " ").replace("\n", " ").encode() + b"\r\n"
    if value is None:
        return b"_\r\n" if resp == 3 else b"$-1\r\n"
    if isinstance(value, bool) and resp == 3:
        return b"#t\r\n" if value else b"#f\r\n"
    if isinstance(value, bool | int):
        return b":%d\r\n" % int(value)
    if isinstance(value, float):
        if resp == 3:
            return b",%r\r\n" % value
        value = repr(value)
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"$%d\r\n%s\r\n" % (len(value), value)
    if isinstance(value, dict):
        pairs = [item for pair in value.items() for item in pair]
        header = b"%%%d\r\n" % len(value) if resp == 3 else b"*%d\r\n" % len(pairs)
        return header + b"".join(encode_reply(item, resp) for item in pairs)
    if isinstance(value, set | frozenset):
        header = b"~%d\r\n" if resp == 3 else b"*%d\r\n"
        return header % len(value) + b"".join(encode_reply(item, resp) for item in value)
    if isinstance(value, list | tuple):
        return b"*%d\r\n" % len(value) + b"".join(encode_reply(item, resp) for item in value)
    raise TypeError(f"no RESP encoding for {type(value).__name__}")


class _EngineSocket(FakeSocket):
    """One client's view of the shared engine, with the gaps in the module docstring closed."""

    @property
    def resp_version(self) -> int:
        version: int = self._client_info.protocol_version
        return version

    def _decode_result(self, result: Any) -> Any:
        # Keep simple strings and errors as they are: they are encoded for the wire, not decoded
        # for redis-py.
        return result

    def _process_command(self, fields: list[bytes]) -> None:
        name = fields[0].lower() if fields else b""
        if name == b"info":
            self.put_response(REPLICATION_INFO)
        elif name == b"wait":
            self.put_response(0)
        else:
            super()._process_command(fields)

    def _xreadgroup(self, consumer: bytes, params: list[Any], *rest: Any) -> Any:
        found = super()._xreadgroup(consumer, params, *rest)
        only_new = all(start_id == b">" for _group, _stream, start_id in params)
        if only_new and not found:
            # Nothing new yet (a write to another key woke it, or this is the first look):
            # keep blocking, as Redis does.
            return None
        return found


class _Connection(socketserver.BaseRequestHandler):
    server: EmbeddedRedisServer

    def handle(self) -> None:
        engine = _EngineSocket(self.server.engine, 0, client_class=redis.Redis)
        replies = engine.responses
        assert replies is not None  # only close() clears it
        try:
            while chunk := self.request.recv(READ_CHUNK_BYTES):
                try:
                    # Runs every complete command in the chunk; a blocking one waits here.
                    engine.sendall(chunk)
                except SimpleError as refused:  # raised outside a command, e.g. an empty one
                    self.request.sendall(encode_reply(refused, engine.resp_version))
                    return
                except Exception:  # the engine's parser could not read the bytes at all
                    self.request.sendall(b"-ERR Protocol error\r\n")
                    return
                answer = b""
                while not replies.empty():
                    answer += encode_reply(replies.get_nowait(), engine.resp_version)
                if answer:
                    self.request.sendall(answer)
        except OSError as error:
            logger.debug("embedded Redis client went away: %s", error)
        finally:
            engine.close()


class EmbeddedRedisServer(socketserver.ThreadingTCPServer):
    daemon_threads = True  # a client blocked in XREADGROUP must not keep the process alive
    allow_reuse_address = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Connection)
        self.engine = FakeServer()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server_address[1]}/0"


@contextmanager
def embedded_redis() -> Iterator[EmbeddedRedisServer]:
    """An embedded Redis serving on a free loopback port for as long as the block runs."""
    server = EmbeddedRedisServer()
    thread = threading.Thread(target=server.serve_forever, name="embedded-redis", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
