"""The request state machine: one transition table and the only function that changes state.

Choices the table encodes:

* ``received`` may go straight to ``rejected`` when input turns out bad before resolution.
* ``failed`` is not an end: an approver may retry (back to ``applying``, which skips rules that
  already exist) or give up (``cancelled``). A grant that failed after creating some of its
  rules is ``partly_applied`` instead: it holds those rules, so it is ended (``revoking``) like
  an applied grant, or retried to completion; it is never cancelled with rules left behind.
* A failed removal goes back to the holding state it came from (``applied`` or
  ``partly_applied``): the rules are still in the cloud, so that stays true; ``state_reason``
  carries the error and the grant's end is tried again.

``transition`` leaves ``version`` alone; the store bumps it when it writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from approvals.model import Request, RequestState
from vocabulary.errors import SgbotError

_S = RequestState

TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = MappingProxyType(
    {
        _S.RECEIVED: frozenset({_S.RESOLVING, _S.REJECTED}),
        _S.RESOLVING: frozenset({_S.PENDING, _S.REJECTED}),
        _S.PENDING: frozenset({_S.APPROVED, _S.DENIED, _S.EXPIRED, _S.CANCELLED}),
        _S.REJECTED: frozenset(),
        _S.APPROVED: frozenset({_S.APPLYING}),
        _S.APPLYING: frozenset({_S.APPLIED, _S.PARTLY_APPLIED, _S.FAILED}),
        _S.APPLIED: frozenset({_S.REVOKING}),
        _S.PARTLY_APPLIED: frozenset({_S.APPLYING, _S.REVOKING}),
        _S.FAILED: frozenset({_S.APPLYING, _S.CANCELLED}),
        _S.DENIED: frozenset(),
        _S.EXPIRED: frozenset(),
        _S.CANCELLED: frozenset(),
        _S.REVOKING: frozenset({_S.REVOKED, _S.APPLIED, _S.PARTLY_APPLIED}),
        _S.REVOKED: frozenset(),
    }
)

TERMINAL: frozenset[RequestState] = frozenset(
    state for state, following in TRANSITIONS.items() if not following
)
"""States nothing follows; a request in one can be archived."""

HOLDING: frozenset[RequestState] = frozenset({_S.APPLIED, _S.PARTLY_APPLIED})
"""States of a grant that holds rules in the cloud: it has an end to reach (time or revoke)."""


class IllegalTransition(SgbotError):
    """A move the table does not allow, e.g. approving a request that already expired."""

    def __init__(self, from_state: RequestState, to_state: RequestState) -> None:
        self.from_state = from_state
        self.to_state = to_state
        super().__init__(f"a request cannot go from {from_state} to {to_state}")


def can_transition(from_state: RequestState, to_state: RequestState) -> bool:
    return to_state in TRANSITIONS[from_state]


def transition(
    request: Request, to: RequestState, *, at: datetime, reason: str | None = None
) -> Request:
    """``request`` moved to ``to`` at ``at``; ``reason`` replaces the previous state reason."""
    if not can_transition(request.state, to):
        raise IllegalTransition(request.state, to)
    return request.evolve(state=to, updated_at=at, state_reason=reason)
