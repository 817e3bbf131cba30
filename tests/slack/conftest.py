"""Fixtures for scenario tests: a started ``sgbot serve`` wrapped in a ``Chat``."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import open_deps
from bot.settings import load_settings
from handlers.deps import Deps
from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import APPROVER_GROUP_ID, SECURITY_CHANNEL_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.scenario import Chat, StartChat


@pytest.fixture
def client(local_slack: LocalSlack) -> AsyncWebClient:
    """A Web API client of the local Slack, holding the bot's token."""
    return AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)


@pytest.fixture
async def deps(
    redis_url: str, local_slack: LocalSlack, emulator: EmulatorHandle
) -> AsyncIterator[Deps]:
    """A serving process's dependencies opened in this process (no server, no worker loop):
    Redis, the local Slack and the emulator, with the directory's approver group."""
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
def start_chat(
    start_sgbot: Callable[..., SgbotProcess], local_slack: LocalSlack, slack_signer: SlackSigner
) -> StartChat:
    """For tests that start the bot on an environment of their own (shorter TTLs, no keys)."""

    def start(env: dict[str, str]) -> Chat:
        return Chat(start_sgbot(env), local_slack, slack_signer)

    return start


@pytest.fixture
def chat(start_chat: StartChat, sgbot_env: dict[str, str]) -> Chat:
    """The bot on the default test environment: Redis, the local Slack and the emulator."""
    return start_chat(sgbot_env)


@pytest.fixture
def chinese_chat(start_chat: StartChat, sgbot_env: dict[str, str]) -> Chat:
    """The bot on the default test environment, speaking Chinese (``SGBOT_LANGUAGE=zh``)."""
    return start_chat({**sgbot_env, "SGBOT_LANGUAGE": "zh"})
