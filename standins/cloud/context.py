"""One emulator process's state: the backend, the key it accepts, faults, counts, late commits."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from standins.cloud.backend import Backend
from standins.cloud.faults import FaultPlan, Faults


@dataclass
class Emulator:
    """Everything one emulator process serves from."""

    backend: Backend
    access_key_id: str
    access_key_secret: str
    faults: Faults = field(default_factory=Faults)
    calls: Counter[str] = field(default_factory=Counter)
    # The client ends (host, port) that sent cloud calls: how many connections callers opened.
    peers: set[tuple[str, int]] = field(default_factory=set)
    # Late commits still to come; a reset cancels them so they cannot touch the next estate.
    late: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.backend.hidden = frozenset(self.faults.plan.hidden)

    def apply_faults(self, plan: FaultPlan) -> None:
        """Put ``plan`` in force, with the resources it hides from ECS."""
        self.faults.replace(plan)
        self.backend.hidden = frozenset(plan.hidden)

    def cancel_late_commits(self) -> None:
        for task in self.late:
            task.cancel()
        self.late.clear()


EMULATOR = web.AppKey("emulator", Emulator)
