"""The processes a benchmark runs against, each in its own process on 127.0.0.1.

``Child`` starts a command, waits for the line it prints once it listens and stops it on exit;
its stderr goes to a file, never a pipe nobody drains. ``redis_server`` is a private
``redis-server`` without persistence (its ``INFO commandstats`` counts only the bench's
traffic), ``emulator`` the cloud emulator (optionally with latency or an estate file),
``local_slack`` the local Slack Web API (``bench.slack_process``), ``sgbot`` an ``sgbot serve``
configured as a user deploys it, ``bare_bolt`` the acks-only baseline or the durable one. RSS
comes from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import redis

from standins.children import stop_child
from standins.slack.directory import APPROVER_GROUP_ID, SECURITY_CHANNEL_ID

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 - only the local processes know it
BOT_TOKEN = "xoxb-local-sgbot"  # noqa: S105 - the token the local Slack accepts
EMULATOR_KEY_ID = "LTAIsgbotEmulatorDemo"
EMULATOR_KEY_SECRET = "sgbot-emulator-demo-secret"  # noqa: S105 - documented demo key
REGION_ID = "cn-hangzhou"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 15.0


def pin_servers() -> tuple[set[int], set[int]] | None:
    """Pin this process (and the helpers it starts) to CPU 0; servers under test get CPU 1.

    Returns (helper CPUs, server CPUs), or None on a machine with fewer than two CPUs.
    """
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None
    helpers, servers = {available[0]}, set(available[1:2])
    os.sched_setaffinity(0, helpers)
    return helpers, servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Child:
    """A started process, the URL it announced and the file its stderr goes to."""

    process: subprocess.Popen[str]
    url: str
    log: IO[str] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_kib(self) -> int:
        """Resident set size from ``/proc/<pid>/status`` (``VmRSS``), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for pid {self.pid}")

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        self.log.seek(0)
        return "".join(self.log.readlines()[-lines:])


@contextmanager
def child(
    command: list[str], prefix: str, env: dict[str, str], cpus: set[int] | None = None
) -> Iterator[Child]:
    """Run ``command`` until the context exits; its first stdout line must start ``prefix``.

    ``cpus`` pins the process to those CPUs (it inherits the caller's affinity otherwise).
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={**os.environ, **env},
            preexec_fn=None if cpus is None else lambda: os.sched_setaffinity(0, cpus),  # noqa: PLW1509
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            if not line.startswith(prefix):
                log.seek(0)
                raise RuntimeError(f"{command[2:4]} did not start: {line!r}\n{log.read()[-3000:]}")
            yield Child(process, line.removeprefix(prefix), log)
        finally:
            stop_child(process, STOP_TIMEOUT_SECONDS)
            if process.stdout is not None:
                process.stdout.close()


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


@contextmanager
def redis_server() -> Iterator[str]:
    """A private ``redis-server`` on a free port, no persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            client.close()
            yield url
        finally:
            process.terminate()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class EmulatorAdmin:
    """The emulator's unsigned admin API (``/_emulator/…``)."""

    url: str

    @property
    def endpoint(self) -> str:
        return self.url.removeprefix("http://")

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{self.url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null")

    def calls(self) -> dict[str, int]:
        counts: dict[str, int] = self.call("GET", "calls")
        return counts

    def lenient(self, *readings: str) -> None:
        """Switch ``readings`` to their friendlier side as well (``docs/emulator.md``)."""
        now = self.call("GET", "readings")
        self.call("POST", "readings", {"lenient": sorted({*now["lenient"], *readings})})


@contextmanager
def emulator(latency_ms: int = 0, estate: Path | None = None) -> Iterator[EmulatorAdmin]:
    args = ["emulator", "--host", "127.0.0.1", "--port", "0", "--latency-ms", str(latency_ms)]
    if estate is not None:
        args += ["--estate", str(estate)]
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": EMULATOR_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": EMULATOR_KEY_SECRET,
    }
    with child(python_module("bot", *args), "sgbot emulator listening on ", env) as running:
        yield EmulatorAdmin(running.url)


@contextmanager
def local_slack(users: int) -> Iterator[str]:
    """``bench.slack_process`` with ``users`` extra developers; yields its origin URL."""
    command = python_module("bench.slack_process", "--users", str(users))
    with child(command, "local slack listening on ", {}) as running:
        yield running.url


def sgbot_env(redis_url: str, slack_origin: str, cloud: EmulatorAdmin) -> dict[str, str]:
    """The environment of an ``sgbot serve`` that a user deploys, pointed at the local pieces."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack_origin}/api/",
        "SGBOT_SECURITY_CHANNEL": SECURITY_CHANNEL_ID,
        "SGBOT_APPROVER_GROUP": APPROVER_GROUP_ID,
        "SGBOT_APPROVERS": "",
        "SGBOT_HOME_ORGS": "",
        "SGBOT_RATE_LIMIT": "1000000",
        "REDIS_URL": redis_url,
        "SGBOT_KEY_PREFIX": "bench",
        "SGBOT_CLOUD": "aliyun",
        "SGBOT_MSE_ENDPOINT": cloud.endpoint,
        "SGBOT_ECS_ENDPOINT": cloud.endpoint,
        "SGBOT_CS_ENDPOINT": cloud.endpoint,
        "SGBOT_CLOUD_PROTOCOL": "http",
        "ALIBABA_CLOUD_REGION_ID": REGION_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": EMULATOR_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": EMULATOR_KEY_SECRET,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    }


@contextmanager
def sgbot(env: dict[str, str], *flags: str, cpus: set[int] | None = None) -> Iterator[Child]:
    command = python_module("bot", "serve", "--host", "127.0.0.1", "--port", "0", *flags)
    with child(command, "sgbot listening on ", env, cpus) as running:
        yield running


@contextmanager
def without(modules: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The environment of a child for which importing each of ``modules`` fails.

    How one run times sgbot with and without an optional speed-up (uvloop, hiredis, orjson):
    a directory first on ``PYTHONPATH`` holds a module of each name that raises
    ``ImportError``, which is what the code that prefers the module sees when it is not
    installed.
    """
    if not modules:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="sgbot-bench-without-") as shadow:
        for module in modules:
            Path(shadow, f"{module}.py").write_text(
                f"raise ImportError('{module} is left out by the benchmark')\n", encoding="utf-8"
            )
        yield {"PYTHONPATH": os.pathsep.join([shadow, os.environ.get("PYTHONPATH", "")])}


@contextmanager
def bare_bolt(
    slack_origin: str, cpus: set[int] | None = None, *, redis_url: str | None = None
) -> Iterator[Child]:
    """The acks-only baseline, or with ``redis_url`` the durable one (``XADD``, then ack)."""
    flags = [] if redis_url is None else ["--redis-url", redis_url]
    with child(
        python_module("bench.bare_bolt", "--slack-api-url", f"{slack_origin}/api/", *flags),
        f"{'bare' if redis_url is None else 'durable'} bolt listening on ",
        {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": BOT_TOKEN},
        cpus,
    ) as running:
        yield running
