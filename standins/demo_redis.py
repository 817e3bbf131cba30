"""Which Redis ``sgbot demo`` runs on, and keeping it alive while the demo runs.

In order of preference: the Redis at ``REDIS_URL`` when it answers a ping; otherwise a private
``redis-server`` on a free loopback port, without persistence, when one is installed; otherwise
the embedded in-process Redis (``standins.embedded_redis``), which keeps nothing once the demo stops
and says so in its label. ``embedded=True`` skips straight to the last.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis

from approvals.connect import redacted_url
from vocabulary.errors import ConfigError

START_TIMEOUT_SECONDS = 15.0
PING_TIMEOUT_SECONDS = 0.5
EMBEDDED_LABEL = (
    "embedded in-process Redis on port {port}, NOT persistent: requests and history go when"
    " the demo stops (set REDIS_URL or install redis-server to keep them)"
)

NO_EMBEDDED = (
    "REDIS_URL: no Redis answers there, no redis-server is installed, and the embedded one"
    " cannot load ({missing}); install it with `pip install 'sgbot[demo]'`, or start a Redis"
    " (`redis-server --port 6379 --save ''`)"
)


@dataclass(frozen=True)
class DemoRedis:
    """The Redis the demo uses: its URL and a line saying what it is."""

    url: str
    label: str


def answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=PING_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, ValueError):
        return False


def installed_redis_server() -> str | None:
    return shutil.which("redis-server")


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answers(url: str, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not answers(url):
        if not alive() or time.monotonic() > deadline:
            raise ConfigError(f"REDIS_URL: the demo's own Redis at {url} did not start")
        # A fresh redis-server needs a few milliseconds before it accepts connections.
        time.sleep(0.05)


@contextmanager
def _redis_server(binary: str) -> Iterator[DemoRedis]:
    port = free_loopback_port()
    url = f"redis://127.0.0.1:{port}/0"
    with tempfile.TemporaryDirectory(prefix="sgbot-demo-redis-") as data_dir:
        arguments = ["--port", str(port), "--bind", "127.0.0.1", "--dir", data_dir]
        # Nothing is saved: the demo's data lives as long as the demo.
        arguments += ["--save", "", "--appendonly", "no"]
        process = subprocess.Popen(  # noqa: S603 - the installed redis-server, fixed arguments
            [binary, *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_answers(url, lambda: process.poll() is None)
            label = f"redis-server on port {port}, started for this demo; its data goes with it"
            yield DemoRedis(url, label)
        finally:
            process.terminate()
            process.wait()


@contextmanager
def demo_redis(
    redis_url: str | None,
    find_redis_server: Callable[[], str | None] = installed_redis_server,
    *,
    embedded: bool = False,
) -> Iterator[DemoRedis]:
    """The demo's Redis for as long as the block runs."""
    if not embedded and redis_url and answers(redis_url):
        yield DemoRedis(redis_url, f"Redis at {redacted_url(redis_url)}")
        return
    redis_server = None if embedded else find_redis_server()
    if redis_server is not None:
        with _redis_server(redis_server) as chosen:
            yield chosen
        return
    try:
        from standins.embedded_redis import embedded_redis
    except ImportError as missing:
        raise ConfigError(NO_EMBEDDED.format(missing=missing)) from missing
    with embedded_redis() as server:
        yield DemoRedis(server.url, EMBEDDED_LABEL.format(port=server.server_address[1]))
