"""``sgbot audit``: print the audit trail as JSON lines, oldest first.

``--since`` takes an ISO 8601 instant (``2025-03-01T09:00:00Z``) or a span back from now
(``30m``, ``4h``, ``2d``); ``--gateway`` keeps the entries of one gateway (its unique id).
Each line is one entry, its ``event`` saying which kind: a state change (from and to which
state), an approver's decision (``detail``: the verdict and how many approvals it made), a
cloud write sgbot sent (``detail``: which add or delete; the cloud request id), or a policy
refusal (``detail``: what was refused; ``reason``: why). Every line has when, who, which
request, the gateway, groups, ports, cloud request ids and reason.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from bot.settings import Settings, load_settings
from vocabulary.commands import GATEWAY_ID_RE
from vocabulary.durations import parse_duration
from vocabulary.errors import UsageError

SUMMARY = "print the audit trail as JSON lines"
DESCRIPTION = "Print state changes, decisions, cloud writes and refusals, oldest first."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="ISO 8601 instant, or a span such as 30m, 4h, 2d")
    parser.add_argument("--gateway", help="only this gateway (gw-… unique id)")
    parser.add_argument("--limit", type=int, default=1000, help="most entries to print")


def parse_since(text: str, now: datetime) -> datetime:
    """An aware instant from ISO 8601 (UTC when no zone is given) or a span back from ``now``."""
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since {text!r} is neither an ISO 8601 time nor a span such as 30m or 2d"
        ) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    try:
        since = parse_since(args.since, datetime.now(UTC)) if args.since else None
        if args.gateway and not GATEWAY_ID_RE.fullmatch(args.gateway):
            raise UsageError(f"--gateway wants a unique id (gw- and 32 hex), not {args.gateway!r}")
    except UsageError as exc:
        print(f"sgbot audit: {exc}", file=sys.stderr)
        return 2
    asyncio.run(_print(load_settings(), since, args.gateway, args.limit))
    return 0


async def _print(
    settings: Settings, since: datetime | None, gateway: str | None, limit: int
) -> None:
    from approvals.audit import AuditLog
    from bot.core import open_core

    async with open_core(settings) as core:
        log = AuditLog(core.redis, core.keys.audit)
        for entry in await log.read(since=since, gateway_id=gateway, limit=limit):
            print(entry.model_dump_json())
