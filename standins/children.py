"""Stopping the child processes the stand-ins, the demo and the benchmarks start."""

from __future__ import annotations

import subprocess
from typing import Any

STOP_TIMEOUT_SECONDS = 15.0


def stop_child(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """SIGTERM, so the child can shut down cleanly; SIGKILL if it has not within ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
