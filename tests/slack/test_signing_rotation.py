"""Rotating the signing secret: while ``SLACK_SIGNING_SECRET`` holds the new and the old one,
a request signed with either is served; one signed with neither is refused before anything
is stored."""

from __future__ import annotations

import pytest
import redis

from bot.settings import load_settings
from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID
from tests.slack.scenario import StartChat, slash_answer
from vocabulary.errors import ConfigError

pytestmark = [pytest.mark.scenario, pytest.mark.redis]

OLD_SECRET = "old-signing-secret-being-rotated-out"
NEW_SECRET = "new-signing-secret-from-slack"


def signer(secret: str, local_slack: LocalSlack) -> SlackSigner:
    return SlackSigner(secret, local_slack.directory, interactions=local_slack)


def test_either_secret_is_accepted_during_a_rotation(
    start_chat: StartChat, sgbot_env: dict[str, str], local_slack: LocalSlack, redis_url: str
) -> None:
    chat = start_chat({**sgbot_env, "SLACK_SIGNING_SECRET": f"{NEW_SECRET}, {OLD_SECRET}"})
    for secret in (OLD_SECRET, NEW_SECRET):
        command = signer(secret, local_slack).slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, "help")
        status, body = chat.post(command)
        assert status == 200, body
        assert "authorize" in slash_answer(body)

    forged = signer("a-secret-nobody-configured", local_slack).slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, "authorize gateway prod-gw to service orders on 8080"
    )
    assert chat.post(forged)[0] == 401
    prefix = sgbot_env["SGBOT_KEY_PREFIX"]
    with redis.Redis.from_url(redis_url) as client:
        assert client.keys(f"{{{prefix}}}:req:*") == []  # "help" stores nothing; forged neither


def test_after_the_rotation_the_old_secret_is_refused(
    start_chat: StartChat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    chat = start_chat({**sgbot_env, "SLACK_SIGNING_SECRET": NEW_SECRET})
    old = signer(OLD_SECRET, local_slack).slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, "help")
    assert chat.post(old)[0] == 401
    new = signer(NEW_SECRET, local_slack).slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, "help")
    assert chat.post(new)[0] == 200


@pytest.mark.parametrize("value", ["a,b,c", "a,", ",b", " , "])
def test_more_than_two_secrets_or_an_empty_one_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(SLACK_SIGNING_SECRET=value)
    message = str(raised.value)
    assert message.startswith("SLACK_SIGNING_SECRET: ")
    assert "two separated by a comma" in message
    assert value not in message or value.strip(", ") == ""
