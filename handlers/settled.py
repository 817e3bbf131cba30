"""What a click on a request that can no longer be decided tells the clicker.

It names the people who settled the request, so it lives on the chat side: the workflow returns
the request, and the mentions are rendered here.
"""

from __future__ import annotations

from approvals.model import Request, RequestState, Verdict
from bot.catalogue import say
from handlers.describe import state_reason_text


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def settled_message(request: Request) -> str:
    """Why a request can no longer be decided, for the person who clicked."""
    state = request.state
    if state in {RequestState.RECEIVED, RequestState.RESOLVING}:
        return say("settled.preparing", request_id=request.id)
    deniers = [d.actor for d in request.decisions if d.verdict is Verdict.DENY]
    if state is RequestState.DENIED and deniers:
        return say("settled.denied", request_id=request.id, who=mention(deniers[-1].user_id))
    if state is RequestState.EXPIRED:
        return say("settled.expired", request_id=request.id)
    if state is RequestState.CANCELLED:
        return say("settled.cancelled", request_id=request.id)
    if state is RequestState.REJECTED:
        return say("settled.rejected", request_id=request.id, reason=state_reason_text(request))
    names = ", ".join(mention(actor.user_id) for actor in request.approvers)
    state_name = say(f"state_name.{state.value}")
    if not names:
        return say("settled.approved_by_someone", request_id=request.id, state=state_name)
    return say("settled.approved", request_id=request.id, who=names, state=state_name)
