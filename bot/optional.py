"""Loading the local stand-ins (the ``sgbot-standins`` distribution), which images leave out.

Only entry commands use them, and only inside the function that runs the command, so a
production install never imports them. When they are missing the command stops with one
``ConfigError`` line saying how to install them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vocabulary.errors import ConfigError

INSTALL_HINT = "pip install -e ./standins from a checkout of sgbot (make install does it)"


@contextmanager
def standins_required(what: str) -> Iterator[None]:
    """Turn a missing ``standins`` package, imported inside the block, into a ConfigError."""
    try:
        yield
    except ModuleNotFoundError as exc:
        # Only the stand-ins' own absence is explained; any other missing module is a bug.
        if (exc.name or "").partition(".")[0] != "standins":
            raise
        raise ConfigError(
            f"{what} needs the local stand-ins, which are not installed; {INSTALL_HINT}"
        ) from None
