"""The sgbot error tree.

    SgbotError
    ├── UserError              the person typed or clicked something we must refuse;
    │   │                      the message says what to type instead and nothing changed
    │   ├── UsageError         the text is not a command (grammar)
    │   │   └── NeedsConfirmation  it is one only by inference (``bot.grammar``; carries
    │   │                          the reading, which the person confirms)
    │   ├── IncompleteCommand  a verb with missing parts; carries what was given
    │   └── PolicyRefused      the policy says no (not an approver, self-approval, ...)
    ├── ConfigError            a setting is missing or malformed (start-up)
    └── CloudError             Alibaba Cloud refused or failed; carries the RequestId
        ├── NotFound
        ├── PermissionDenied   names the missing RAM action
        ├── Throttled          transient
        ├── InvalidInput
        ├── Conflict           the target cannot be authorized as asked (pre-flight)
        └── CloudUnavailable   transient: 5xx, timeouts, connection failures

User errors become a private reply; other errors are logged with an incident id that the
user sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalogue import say


class SgbotError(Exception):
    """Base of every error sgbot raises on purpose."""


class UserError(SgbotError):
    """Refused input or action; ``str(err)`` is safe to show to the person."""


class UsageError(UserError):
    """Text that is not a command; the message names the offending word and the expected form."""


class IncompleteCommand(UserError):
    """A recognised verb with missing parts.

    ``verb`` is the canonical verb (``authorize``, ``revoke``), ``given`` what the text did
    provide (keys such as ``gateway``, ``target``, ``ports``, ``duration``, ``reason``) and
    ``missing`` the parts still needed, in the order a form should ask for them.
    """

    def __init__(self, verb: str, given: Mapping[str, Any], missing: tuple[str, ...]) -> None:
        self.verb = verb
        self.given = dict(given)
        self.missing = missing
        named = say("usage.list_separator").join(say(_PARTS.get(part, part)) for part in missing)
        super().__init__(say("usage.incomplete", verb=verb, missing=named))


# The parts a command can lack, as the catalogue names them.
_PARTS = {
    "gateway": "part.gateway",
    "target": "part.target",
    "ports": "part.ports",
    "rule_id": "part.rule_id",
}


class PolicyRefused(UserError):
    """The approval policy refused an action."""


class ConfigError(SgbotError):
    """A setting is missing or malformed; the message is one line naming the variable."""


class CloudError(SgbotError):
    """Alibaba Cloud refused or failed. ``request_id`` is the cloud's RequestId, if any."""

    transient = False

    def __init__(self, message: str, *, request_id: str | None = None, code: str | None = None):
        self.request_id = request_id
        self.code = code
        text = say("cloud.with_request_id", message=message, request_id=request_id)
        super().__init__(text if request_id else message)


class NotFound(CloudError):
    pass


class PermissionDenied(CloudError):
    def __init__(self, message: str, *, action: str | None = None, **kw: Any) -> None:
        self.action = action
        super().__init__(message, **kw)


class Throttled(CloudError):
    transient = True


class InvalidInput(CloudError):
    pass


class Conflict(CloudError):
    pass


class CloudUnavailable(CloudError):
    transient = True
