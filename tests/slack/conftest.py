"""Fixtures for scenario tests: a started ``sgbot serve`` wrapped in a ``Chat``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack, SlackSigner
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.scenario import Chat, StartChat


@pytest.fixture
def client(local_slack: LocalSlack) -> AsyncWebClient:
    """A Web API client of the local Slack, holding the bot's token."""
    return AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)


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
