"""The description sgbot gives every MSE rule it adds, in both directions.

A rule's ``Description`` names the request that made it, and for a time-bound grant when that
grant ends: ``sgbot REQ-7F3K2`` or ``sgbot REQ-7F3K2 until 2026-12-04T02:42Z`` (UTC, minute
precision). The end is rounded *up* to the minute, so a grant rebuilt from the cloud's records
never ends before the real one did. Readers accept anything after that prefix, so a later
version may add words without breaking older readers. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DESCRIPTION_RE = re.compile(
    r"^sgbot (REQ-[0-9A-HJKMNP-TV-Z]{5})(?: until (\d{4}-\d\d-\d\dT\d\d:\d\dZ))?"
)
_UNTIL_FORMAT = "%Y-%m-%dT%H:%MZ"


@dataclass(frozen=True)
class ParsedDescription:
    """What a rule's description says: the request that made it, and when its grant ends."""

    request_id: str
    until: datetime | None


def _minute_up(instant: datetime) -> datetime:
    instant = instant.astimezone(UTC)
    floor = instant.replace(second=0, microsecond=0)
    return floor if floor == instant else floor + timedelta(minutes=1)


def rule_description(request_id: str, until: datetime | None) -> str:
    """The description of a rule added for ``request_id``; ``until`` None: a permanent grant."""
    if until is None:
        return f"sgbot {request_id}"
    if until.tzinfo is None:
        raise ValueError(f"{until.isoformat()} has no time zone; give an aware datetime")
    return f"sgbot {request_id} until {_minute_up(until).strftime(_UNTIL_FORMAT)}"


def parse_description(text: str) -> ParsedDescription | None:
    """The request and end a description names; None when it is not an sgbot description."""
    match = DESCRIPTION_RE.match(text)
    if match is None:
        return None
    until_text = match.group(2)
    if until_text is None:
        return ParsedDescription(request_id=match.group(1), until=None)
    try:
        until = datetime.strptime(until_text, _UNTIL_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None  # shaped like ours but no real instant (month 13): not one sgbot wrote
    return ParsedDescription(request_id=match.group(1), until=until)
