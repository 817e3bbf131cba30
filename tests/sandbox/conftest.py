"""``sgbot demo`` as a child process for the sandbox tests.

``start_demo(*options)`` runs ``sgbot demo [options]`` on a free port with the test's Redis
(``REDIS_URL``) and a unique key prefix, waits for its ``listening`` line and returns a
``Demo``; the demo and its whole process tree are stopped when the test ends, and its log
shows in a failed test's report.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.fixtures.redis_server import free_port

READY_PREFIX = "sgbot demo listening on "
STOP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Demo:
    """A running demo: the page address, what it printed before it, and its process."""

    url: str
    announced: list[str]
    process: subprocess.Popen[str]


@pytest.fixture
def start_demo(redis_url: str) -> Iterator[Callable[..., Demo]]:
    processes: list[subprocess.Popen[str]] = []
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed below

    def start(*options: str) -> Demo:
        command = [sys.executable, "-m", "bot", "demo", *options, "--port", str(free_port())]
        command += ["--key-prefix", f"t{secrets.token_hex(6)}"]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={**os.environ, "REDIS_URL": redis_url},
        )
        processes.append(process)
        assert process.stdout is not None
        announced: list[str] = []
        for line in process.stdout:
            if line.startswith(READY_PREFIX):
                return Demo(line.removeprefix(READY_PREFIX).strip(), announced, process)
            announced.append(line.strip())
        log.seek(0)
        pytest.fail(f"sgbot demo did not start:\n{log.read()}")

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        assert process.stdout is not None
        process.stdout.close()
    log.seek(0)
    sys.stderr.write(f"--- sgbot demo log ---\n{log.read()}\n")
    log.close()
