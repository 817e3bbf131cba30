"""The policy in force, and its reloads: on ``SIGHUP`` and when the file's content changes.

``PolicySource.current`` is what every decision reads. ``check`` re-reads the file and swaps
the policy when its text changed and still validates; a file that no longer validates is
refused, the previous policy kept, an error logged and ``on_broken`` called once for that
content (the serving process posts it to the security channel). ``watch`` checks every
``every`` until stopped; ``install_sighup`` makes ``SIGHUP`` check at once. Without a file the
built-in default is the policy and nothing is reloaded.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from approvals.policy_file import Policy, PolicyFileError, default_policy, load_policy, text_digest
from bot.catalogue import say, say_in

logger = logging.getLogger(__name__)

Reporter = Callable[[str], Awaitable[None]]
DEFAULT_CHECK_EVERY = timedelta(seconds=30)


def read_policy_file(path: Path) -> Policy:
    """The policy in ``path``; ``PolicyFileError`` when it cannot be read or is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(path.name, [f"file: cannot read it ({exc.strerror})"]) from None
    return load_policy(text, path.name)


class PolicySource:
    def __init__(
        self,
        *,
        region: str,
        default: Policy,
        path: Path | None = None,
        on_broken: Reporter | None = None,
    ) -> None:
        self.region = region
        self.default = default  # the built-in rules; what people decide by in audit mode
        self.path = path
        self._on_broken = on_broken
        self._policy = read_policy_file(path) if path is not None else default
        self._reported: str | None = None  # digest of the broken text already reported

    @classmethod
    def built_in(cls, sensitive: frozenset[int], broad: int, region: str = "") -> PolicySource:
        return cls(region=region, default=default_policy(sensitive, broad))

    def current(self) -> Policy:
        return self._policy

    async def check(self, why: str = "file check") -> bool:
        """Reload if the file's content changed; True when a new policy took effect."""
        if self.path is None:
            return False
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            await self._broken(f"cannot read it ({exc.strerror})", f"unreadable:{exc.errno}")
            return False
        digest = text_digest(text)
        if digest == self._policy.digest:
            return False
        try:
            policy = load_policy(text, self.path.name)
        except PolicyFileError as exc:
            await self._broken("; ".join(exc.problems), digest)
            return False
        self._policy = policy
        self._reported = None
        logger.info(
            "policy %s reloaded on %s: %d rules, hash %s, mode %s",
            self.path.name, why, len(policy.document.rules), policy.digest, policy.document.mode,
        )  # fmt: skip
        return True

    async def _broken(self, problems: str, digest: str) -> None:
        fields = {
            "file": self.path.name if self.path else "?",
            "digest": self._policy.digest,
            "problems": problems,
        }
        logger.error("%s", say_in("en", "policy.broken", **fields))
        message = say("policy.broken", **fields)
        if self._reported == digest:
            return
        self._reported = digest
        if self._on_broken is not None:
            try:
                await self._on_broken(message)
            except Exception:
                logger.exception("could not report the broken policy file")

    async def watch(self, stop: asyncio.Event, every: timedelta = DEFAULT_CHECK_EVERY) -> None:
        """Check the file every ``every`` until ``stop`` is set."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), every.total_seconds())
            except TimeoutError:
                await self.check()

    def install_sighup(self, loop: asyncio.AbstractEventLoop) -> None:
        """``SIGHUP`` checks the file at once (the usual way to say "reload" to a daemon)."""
        if self.path is None:
            return
        pending: set[asyncio.Task[bool]] = set()

        def on_hup() -> None:
            task = loop.create_task(self.check("SIGHUP"))
            pending.add(task)  # held until done, so it is not collected mid-way
            task.add_done_callback(pending.discard)

        loop.add_signal_handler(signal.SIGHUP, on_hup)
