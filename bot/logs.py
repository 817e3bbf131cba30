"""Logging set-up for every sgbot process, and the context each line of a request carries.

``configure_logging`` installs one handler on the root logger: text for people (the default,
``SGBOT_LOG_FORMAT=text``) or one JSON object per line (``json``, via python-json-logger) for a
log pipeline. Either way a filter copies the current *log context* onto every record, so a JSON
line has ``request_id``, ``user_id``, ``gateway`` and ``region`` as fields wherever the code
that logged it knew them, without each call passing them. The context lives in a
``ContextVar``: ``log_context`` opens a scope (a Slack request, one job, one delivery) and
restores what was there on exit; ``bind`` adds to the scope already open, so a handler that
learns the request id half-way binds it for the rest of that scope only. Each asyncio task
starts with a copy of its creator's context, so concurrent requests never see each other's
fields. A field a caller passes in ``extra`` (the cloud's ``cloud_request_id``, say) wins over
the context unless it is None.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Literal, Protocol


class _Person(Protocol):
    @property
    def user_id(self) -> str: ...


class LoggedRequest(Protocol):
    """What ``request_fields`` reads of a stored request; a structural type, so logging sits
    below the workflow that logs."""

    @property
    def requester(self) -> _Person: ...

    @property
    def gateway_id(self) -> str | None: ...

    @property
    def command(self) -> object: ...

    @property
    def region(self) -> str | None: ...


LogFormat = Literal["text", "json"]
CONTEXT_FIELDS = ("request_id", "user_id", "gateway", "region")
"""The fields every line about a request carries in JSON, when known."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_EMPTY: Mapping[str, str] = MappingProxyType({})
_context: ContextVar[Mapping[str, str]] = ContextVar("sgbot_log_context", default=_EMPTY)


def _merged(fields: Mapping[str, object]) -> Mapping[str, str]:
    current = _context.get()
    added = {name: str(value) for name, value in fields.items() if value not in (None, "")}
    return MappingProxyType({**current, **added}) if added else current


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Lines logged inside the block carry ``fields`` (None and empty values are left out)."""
    token = _context.set(_merged(fields))
    try:
        yield
    finally:
        _context.reset(token)


def bind(**fields: object) -> None:
    """Add ``fields`` to the scope already open; they go when its ``log_context`` ends."""
    _context.set(_merged(fields))


def current_context() -> Mapping[str, str]:
    return _context.get()


def request_fields(request: LoggedRequest | None) -> dict[str, str | None]:
    """What a stored request tells about itself: requester and gateway (id once resolved,
    else the gateway as the requester named it)."""
    if request is None:
        return {}
    named = getattr(request.command, "gateway", None)
    return {
        "user_id": request.requester.user_id,
        "gateway": request.gateway_id or (str(named) if named is not None else None),
        "region": request.region,  # None: the process-wide default region applies
    }


class ContextFilter(logging.Filter):
    """Copies the log context (and process-wide ``defaults`` such as the region) onto records."""

    def __init__(self, defaults: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._defaults = dict(defaults or {})

    def filter(self, record: logging.LogRecord) -> bool:
        for source in (_context.get(), self._defaults):
            for name, value in source.items():
                if getattr(record, name, None) is None:
                    setattr(record, name, value)
        return True


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def configure_logging(
    log_format: LogFormat = "text", *, region: str | None = None, level: int = logging.INFO
) -> None:
    """Send every logger's INFO and above to stderr in ``log_format``; ``region`` is put on
    every line (the default region; a request's own region replaces it on that request's lines)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(ContextFilter({"region": region} if region else None))
    # Neither format shows the caller, thread or process, so records need not gather them:
    # finding the caller walks the stack on every line (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
