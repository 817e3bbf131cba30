"""Listeners called in-process, as Bolt's starter template tests them: no server, no signing.

Each test builds the context the middleware would (``provide_deps`` and ``read_click`` run for
real), calls the module-level listener with a recorded ``ack`` and a ``client`` that talks to
the local Slack stand-in, which records every call. Redis, the workflow and the cloud emulator
behind the service are the real ones.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from approvals.jobs import JobContext
from approvals.model import ReplyTo, RequestState, Surface
from approvals.worker import Worker, WorkerConfig
from bot.deps import open_deps
from bot.settings import load_settings
from handlers import actions, commands
from handlers.deps import Deps
from handlers.ids import ActionId, BlockId
from handlers.middleware import provide_deps, read_click
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_GROUP_ID,
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
    demo_directory,
)
from standins.slack.payloads import block_actions, slash_command
from tests.approvals.workflow import authorize
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.redis


class RecordedAck:
    """Bolt's ``ack``: records each call's arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


@pytest.fixture
async def deps(
    redis_url: str, local_slack: LocalSlack, emulator: EmulatorHandle
) -> AsyncIterator[Deps]:
    settings = load_settings(
        SLACK_BOT_TOKEN=local_slack.bot_token,
        SLACK_API_URL=local_slack.base_url,
        SGBOT_SECURITY_CHANNEL=SECURITY_CHANNEL_ID,
        SGBOT_APPROVER_GROUP=APPROVER_GROUP_ID,
        SGBOT_APPROVERS="",
        REDIS_URL=redis_url,
        SGBOT_KEY_PREFIX=f"t{secrets.token_hex(6)}",
        SGBOT_MSE_ENDPOINT=emulator.endpoint,
        SGBOT_ECS_ENDPOINT=emulator.endpoint,
        SGBOT_CS_ENDPOINT=emulator.endpoint,
        SGBOT_CLOUD_PROTOCOL="http",
    )
    async with open_deps(settings, emulated=True) as opened:
        yield opened


@pytest.fixture
def client(local_slack: LocalSlack) -> AsyncWebClient:
    return AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)


async def pending_request(deps: Deps) -> str:
    requester = await deps.approvers.person(DEVELOPER_ID)
    reply_to = ReplyTo(surface=Surface.DM, channel_id=DEV_CHANNEL_ID)
    submitted = await deps.service.submit(authorize(), requester, reply_to, intake_key="t:1")
    context = JobContext(store=deps.store, cloud=deps.cloud, clock=deps.clock, policy=deps.policy)
    await Worker(context, WorkerConfig(consumer="worker")).run_until_idle()
    request = await deps.service.status(submitted.request_id)
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


async def test_approve_records_the_decision_and_tells_the_clicker(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    request_id = await pending_request(deps)
    body = click(local_slack, APPROVER_IDS[0], ActionId.APPROVE, request_id)
    ack = RecordedAck()
    await actions.approve(ack, body, client, await through_middleware(deps, body))
    assert ack.calls == [{}]
    assert (await deps.service.status(request_id)).state is RequestState.APPROVED
    assert request_id in notes(local_slack, body)


async def test_a_refused_click_changes_nothing_and_says_why(
    deps: Deps, client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    request_id = await pending_request(deps)
    body = click(local_slack, DEVELOPER_ID, ActionId.APPROVE, request_id)
    ack = RecordedAck()
    await actions.approve(ack, body, client, await through_middleware(deps, body))
    assert ack.calls == [{}]
    assert (await deps.service.status(request_id)).state is RequestState.PENDING
    assert "not an approver" in notes(local_slack, body)


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
