"""The event loop the long-running commands (``serve``, ``socket``, ``worker``) run on.

uvloop when it is installed (it is a dependency; ``docs/benchmarks.md`` has the row that keeps
it), asyncio's own loop otherwise. The one-shot commands use ``asyncio.run``: they make a few
calls and exit, so a faster loop buys them nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the loop ``loop_factory`` picks."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
