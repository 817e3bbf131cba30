"""slack_sdk's AsyncWebClient against the local Web API: answers, errors and recorded state."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack

SECURITY = "C0SEC0001"
DEV = "C0DEV0001"
CARD_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Gateway access request"}}
]


@pytest.fixture
def client(local_slack: LocalSlack) -> AsyncWebClient:
    return AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)


async def _slack_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value


async def test_auth_test_names_the_bot(client: AsyncWebClient) -> None:
    identity = await client.auth_test()
    assert identity["team_id"] == "T0SGBOT01"
    assert identity["user_id"] == "U0SGBOT00"
    assert identity["bot_id"] == "B0SGBOT00"


async def test_post_update_and_thread(client: AsyncWebClient, local_slack: LocalSlack) -> None:
    card = await client.chat_postMessage(channel=SECURITY, text="request", blocks=CARD_BLOCKS)
    reply = await client.chat_postMessage(channel=SECURITY, text="audit", thread_ts=card["ts"])
    assert card["channel"] == SECURITY
    assert card["message"]["blocks"] == CARD_BLOCKS
    assert float(reply["ts"]) > float(card["ts"])

    updated = await client.chat_update(channel=SECURITY, ts=card["ts"], text="approved")
    assert updated["message"]["blocks"] == CARD_BLOCKS  # omitted blocks are kept
    messages = local_slack.messages(SECURITY)
    assert [m["text"] for m in messages] == ["approved", "audit"]
    assert [m["text"] for m in local_slack.thread(SECURITY, card["ts"])] == ["audit"]

    await client.chat_update(channel=SECURITY, ts=card["ts"], text="approved", blocks=[])
    assert local_slack.messages(SECURITY)[0]["blocks"] == []
    recorded = local_slack.calls("chat.update")
    assert [call.args["ts"] for call in recorded] == [card["ts"], card["ts"]]


async def test_message_errors_are_slacks(client: AsyncWebClient) -> None:
    unknown = await _slack_error(client.chat_postMessage(channel="C0NOPE", text="x"))
    assert unknown.response["error"] == "channel_not_found"
    # Through api_call: chat_postMessage itself warns before sending a message without text.
    empty = await _slack_error(client.api_call("chat.postMessage", json={"channel": DEV}))
    assert empty.response["error"] == "no_text"
    missing = await _slack_error(client.chat_update(channel=DEV, ts="1.000001", text="x"))
    assert missing.response["error"] == "message_not_found"


async def test_user_id_as_channel_is_the_dm(
    client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    opened = await client.conversations_open(users="U0DEV0001")
    posted = await client.chat_postMessage(channel="U0DEV0001", text="your request is in")
    assert posted["channel"] == opened["channel"]["id"] == "D0DEV0001"
    assert local_slack.messages("D0DEV0001")[0]["text"] == "your request is in"
    again = await client.conversations_open(users="U0DEV0001")
    assert again["channel"]["id"] == "D0DEV0001"


async def test_ephemeral_needs_a_channel_member(
    client: AsyncWebClient, local_slack: LocalSlack
) -> None:
    outsider = await _slack_error(
        client.chat_postEphemeral(channel=SECURITY, user="U0DEV0001", text="x")
    )
    assert outsider.response["error"] == "user_not_in_channel"
    await client.chat_postEphemeral(channel=SECURITY, user="U0APPR001", text="only you")
    assert [e["text"] for e in local_slack.ephemerals("U0APPR001")] == ["only you"]
    assert local_slack.ephemerals("U0DEV0001") == []


async def test_directory_lookups(client: AsyncWebClient) -> None:
    guest = (await client.users_info(user="U0GUEST01"))["user"]
    assert guest["is_restricted"] is True
    assert guest["profile"]["real_name"] == "Gus Guest"
    foreign = (await client.users_info(user="U0FRGN001"))["user"]
    assert foreign["team_id"] == "T0OTHER01"
    bot = (await client.users_info(user="U0BOTX001"))["user"]
    assert bot["is_bot"] is True
    unknown = await _slack_error(client.users_info(user="U0NOBODY"))
    assert unknown.response["error"] == "user_not_found"

    group = await client.usergroups_users_list(usergroup="S0SECAPPR")
    assert group["users"] == ["U0APPR001", "U0APPR002"]
    no_group = await _slack_error(client.usergroups_users_list(usergroup="S0NOPE"))
    assert no_group.response["error"] == "no_such_subteam"
    members = await client.conversations_members(channel=SECURITY)
    assert set(members["members"]) == {"U0APPR001", "U0APPR002", "U0SGBOT00", "U0GUEST01"}


async def test_modals_and_home(client: AsyncWebClient, local_slack: LocalSlack) -> None:
    modal = {
        "type": "modal",
        "callback_id": "request",
        "title": {"type": "plain_text", "text": "R"},
    }
    trigger = local_slack.new_trigger_id("U0DEV0001")
    opened = (await client.views_open(trigger_id=trigger, view=modal))["view"]
    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "request"
    reused = await _slack_error(client.views_open(trigger_id=trigger, view=modal))
    assert reused.response["error"] == "exchanged_trigger_id"
    forged = await _slack_error(client.views_open(trigger_id="1.2.3", view=modal))
    assert forged.response["error"] == "invalid_trigger_id"

    pushed = await client.views_push(
        trigger_id=local_slack.new_trigger_id("U0DEV0001"), view={**modal, "callback_id": "more"}
    )
    assert pushed["view"]["previous_view_id"] == opened["id"]
    await client.views_update(view_id=opened["id"], view={**modal, "callback_id": "edited"})
    assert [v["callback_id"] for v in local_slack.views("U0DEV0001")] == ["edited", "more"]
    stale = await _slack_error(
        client.views_update(view_id=opened["id"], view=modal, hash=opened["hash"])
    )
    assert stale.response["error"] == "hash_conflict"

    home = {"type": "home", "blocks": CARD_BLOCKS}
    await client.views_publish(user_id="U0APPR001", view=home)
    published = local_slack.home("U0APPR001")
    assert published is not None
    assert published["blocks"] == CARD_BLOCKS
    assert local_slack.home("U0APPR002") is None


async def test_token_and_method_checks(local_slack: LocalSlack) -> None:
    impostor = AsyncWebClient(token="xoxb-wrong", base_url=local_slack.base_url)
    wrong = await _slack_error(impostor.auth_test())
    assert wrong.response["error"] == "invalid_auth"
    client = AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    unknown = await _slack_error(client.api_call("chat.teleport"))
    assert unknown.response["error"] == "unknown_method"
    assert [(c.method, c.error) for c in local_slack.calls()] == [
        ("auth.test", "invalid_auth"),
        ("chat.teleport", "unknown_method"),
    ]
