"""The MSE description of every rule sgbot adds, written and read in one place.

A rule's description names the request that made it and, for a time-bound grant, when the
grant ends: ``sgbot REQ-7F3K2`` or ``sgbot REQ-7F3K2 until 2026-12-04T02:42Z`` (UTC, to the
minute, rounded up so a grant rebuilt from it never ends before the real one). That is what
lets ``sgbot reconcile --recover`` rebuild the applied grants and their ends from the cloud
alone after Redis was lost. Readers accept anything after that prefix, so a description an
operator extended in the console still parses. Pure: no I/O.
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
    """What a rule's description says: the request that made it and when its grant ends."""

    request_id: str
    until: datetime | None  # None: a permanent grant


def _minute_up(instant: datetime) -> datetime:
    utc = instant.astimezone(UTC)
    floor = utc.replace(second=0, microsecond=0)
    return floor if floor == utc else floor + timedelta(minutes=1)


def rule_description(request_id: str, until: datetime | None) -> str:
    """The description of a rule added for ``request_id`` (``until``: the grant's end)."""
    if until is None:
        return f"sgbot {request_id}"
    return f"sgbot {request_id} until {_minute_up(until).strftime(_UNTIL_FORMAT)}"


def parse_description(text: str) -> ParsedDescription | None:
    """The request and end a description names; None for a rule sgbot did not describe."""
    match = DESCRIPTION_RE.match(text)
    if match is None:
        return None
    request_id, until_text = match.groups()
    until = None
    if until_text is not None:
        try:
            until = datetime.strptime(until_text, _UNTIL_FORMAT).replace(tzinfo=UTC)
        except ValueError:  # e.g. month 13: the regex is only the shape
            return None
    return ParsedDescription(request_id=request_id, until=until)
