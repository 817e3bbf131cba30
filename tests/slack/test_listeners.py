"""Listeners called in-process, as Bolt's starter template tests them: no server, no signing.

Each test builds the context the middleware would (``provide_deps`` and ``read_click`` run for
real), calls the module-level listener with a recorded ``ack`` and a ``client`` that talks to
the local Slack stand-in, which records every call. Redis, the workflow and the cloud emulator
behind the service are the real ones.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from approvals.model import RequestState
from handlers import actions, commands
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId
from handlers.middleware import provide_deps, read_click
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
    demo_directory,
)
from standins.slack.payloads import block_actions, slash_command
from tests.slack.in_process import worked_request

pytestmark = pytest.mark.redis


class RecordedAck:
    """Bolt's ``ack``: records each call's arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


async def pending_request(deps: Deps) -> str:
    request = await deps.service.status(await worked_request(deps, "t:1", DEV_CHANNEL_ID))
    assert request.state is RequestState.PENDING
    return request.id


async def through_middleware(deps: Deps, body: dict[str, Any]) -> dict[str, Any]:
    """The context Bolt would hand a card-button listener, built by the real middleware."""
    context: dict[str, Any] = {}

    async def done() -> None:
        return None

    await provide_deps(deps)(body=body, context=context, next=done)
    await read_click(context=context, body=body, next=done)
    return context


def click(local_slack: LocalSlack, user: str, action: ActionId, value: str) -> dict[str, Any]:
    return block_actions(
        demo_directory(),
        user=user,
        action_id=action,
        block_id=BlockId.DECISION,
        value=value,
        channel=SECURITY_CHANNEL_ID,
        message={"ts": "1700000000.000100", "text": "card"},
        message_ts="1700000000.000100",
        response_url=local_slack.new_response_url(user, SECURITY_CHANNEL_ID),
        trigger_id=local_slack.new_trigger_id(user),
        action_ts="1700000001.000000",
    )


def notes(local_slack: LocalSlack, body: dict[str, Any]) -> str:
    return str(local_slack.responses(str(body["response_url"])))


class ApproveClick(NamedTuple):
    clicker: str
    state: RequestState  # the request's, after the click
    told: str | None  # what the clicker's note says; None: the request id


@pytest.mark.parametrize(
    "case",
    [
        ApproveClick(APPROVER_IDS[0], RequestState.APPROVED, None),
        ApproveClick(DEVELOPER_ID, RequestState.PENDING, "not an approver"),
    ],
    ids=["an approver's decision is recorded", "anyone else's changes nothing and says why"],
)
async def test_an_approve_click_acks_then_tells_the_clicker(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack, case: ApproveClick
) -> None:
    request_id = await pending_request(deps)
    body = click(local_slack, case.clicker, ActionId.APPROVE, request_id)
    ack = RecordedAck()
    await actions.approve(ack, body, client, await through_middleware(deps, body))
    assert ack.calls == [{}]
    assert (await deps.service.status(request_id)).state is case.state
    assert (case.told or request_id) in notes(local_slack, body)


async def test_a_tampered_button_value_is_refused(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    body = click(local_slack, APPROVER_IDS[0], ActionId.APPROVE, "not-a-request")
    context = await through_middleware(deps, body)
    assert context["click"].request_id is None
    assert context["click"].person.user_id == APPROVER_IDS[0]
    await actions.approve(RecordedAck(), body, client, context)
    assert notes(local_slack, body) != "[]"


async def test_deny_opens_the_reason_form_then_acks(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    request_id = await pending_request(deps)
    body = click(local_slack, APPROVER_IDS[1], ActionId.DENY, request_id)
    ack = RecordedAck()
    await actions.deny(ack, body, client, await through_middleware(deps, body))
    assert ack.calls == [{}]
    [opened] = local_slack.calls("views.open")
    assert request_id in str(opened)
    assert (await deps.service.status(request_id)).state is RequestState.PENDING


async def test_list_pending_is_answered_in_the_ack(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    request_id = await pending_request(deps)
    body: dict[str, Any] = slash_command(
        demo_directory(),
        user=APPROVER_IDS[0],
        channel=DEV_CHANNEL_ID,
        text="list pending",
        command="/sg",
        response_url=local_slack.new_response_url(APPROVER_IDS[0], DEV_CHANNEL_ID),
        trigger_id=local_slack.new_trigger_id(APPROVER_IDS[0]),
    )
    context: dict[str, Any] = {"deps": deps}
    ack = RecordedAck()
    await commands.slash(ack, body, client, context)
    [answer] = ack.calls
    assert answer["response_type"] == "ephemeral"
    assert request_id in answer["text"] + str(answer["blocks"])
