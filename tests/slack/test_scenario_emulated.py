"""An emulated cloud: the emulator the endpoint settings name, else one the process starts.

``sgbot serve`` with ``SGBOT_CLOUD=emulator`` and the endpoints set uses that emulator with its
documented demo keys, and every message says the cloud is emulated. Endpoints given only in part
are refused, and a standalone worker never starts an emulator of its own.
"""

from __future__ import annotations

import json

import pytest

from bot.deps import cloud_for, emulated_cloud, emulator_keys, external_emulator
from bot.settings import load_settings
from handlers.block_parts import EMULATED_NOTICE
from standins.cloud.keys import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
from standins.slack import LocalSlack
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import REQUEST, StartChat, private_notes, text_of, wait_for_card
from vocabulary.errors import ConfigError


@pytest.mark.scenario
@pytest.mark.redis
def test_cards_at_an_external_emulator_say_the_cloud_is_emulated(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    # No keys and no protocol: the emulator's demo keys and plain HTTP are the defaults.
    defaulted = {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}
    defaulted.add("SGBOT_CLOUD_PROTOCOL")
    env = {name: value for name, value in sgbot_env.items() if name not in defaulted}
    chat = start_chat(env | {"SGBOT_CLOUD": "emulator"})
    status, health = chat.sgbot.get("/healthz")
    assert (status, json.loads(health)["cloud"]) == (200, "emulator")

    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    answer = chat.ask(DEVELOPER_ID, REQUEST, response_url=url)
    card = wait_for_card(local_slack)

    assert EMULATED_NOTICE in answer
    assert EMULATED_NOTICE in card["text"]
    assert EMULATED_NOTICE in json.dumps(card["blocks"], ensure_ascii=False)
    # Resolved at the emulator the endpoints name, not at one the bot started for itself.
    assert emulator.calls()
    local_slack.wait_for(lambda: "for approval" in private_notes(local_slack, url), 30)
    told = [text_of(reply) for reply in local_slack.responses(url)]
    assert all(EMULATED_NOTICE in text for text in told)


def test_the_demo_keys_unless_both_keys_are_set() -> None:
    demo = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    assert emulator_keys({}) == demo
    assert emulator_keys({"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIown"}) == demo
    own = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIown", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}
    assert emulator_keys(own) == ("LTAIown", "s")


def test_endpoints_name_the_emulator_over_http_unless_told_otherwise() -> None:
    endpoints = {f"SGBOT_{product}_ENDPOINT": "127.0.0.1:18080" for product in ("MSE", "ECS", "CS")}
    assert external_emulator(load_settings()) is None
    external = external_emulator(load_settings(**endpoints))
    assert external is not None
    assert (external.cloud, external.cloud_protocol) == ("emulator", "http")
    explicit = external_emulator(load_settings(**endpoints, SGBOT_CLOUD_PROTOCOL="https"))
    assert explicit is not None
    assert explicit.cloud_protocol == "https"


async def test_endpoints_given_in_part_are_refused() -> None:
    # The missing ones would default to Alibaba Cloud's public endpoints.
    settings = load_settings(SGBOT_CLOUD="emulator", SGBOT_MSE_ENDPOINT="127.0.0.1:18080")
    with pytest.raises(ConfigError, match="SGBOT_ECS_ENDPOINT"):
        external_emulator(settings)
    with pytest.raises(ConfigError, match="SGBOT_ECS_ENDPOINT"):
        async with emulated_cloud(settings):
            pass


async def test_without_endpoints_the_emulator_is_served_in_process() -> None:
    async with emulated_cloud(load_settings()) as settings:
        assert settings.cloud == "emulator"
        assert settings.mse_endpoint is not None
        assert settings.mse_endpoint == settings.ecs_endpoint == settings.cs_endpoint
        assert settings.mse_endpoint.startswith("127.0.0.1:")


def test_a_standalone_worker_needs_the_shared_emulator() -> None:
    with pytest.raises(ConfigError, match="SGBOT_MSE_ENDPOINT"):
        cloud_for(load_settings(SGBOT_CLOUD="emulator"))
