"""Hostile text: markup and mention injection, 40 KB messages, control characters, look-alikes.

Whatever a requester types comes back in cards, replies and DMs; none of it may form a
broadcast, a mention, a link or formatting, and no look-alike or invisible character may make a
name resolve to a real gateway. Oversized text is answered, never a server error.
"""

from __future__ import annotations

import json

import pytest

from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID
from tests.proof.denials import deny
from tests.proof.harness import BACKEND_GROUP, PROD_GW, ProofCluster
from tests.proof.invariants import stored_requests
from tests.slack.scenario import private_notes

pytestmark = [pytest.mark.security, pytest.mark.redis]
INJECTED = (
    "<!channel> <!here> <!everyone> <@U0APPR002> <!subteam^S0SECAPPR> <http://evil.example|click>"
)
FORMED_MARKUP = ("<!channel>", "<!here>", "<!everyone>", "<@U0APPR002>", "<!subteam", "<http")
FORTY_KB = 40 * 1024
# Visibly different or control characters: the name must not resolve at all.
LOOKALIKES = (
    "prod\u2010gw",  # Unicode hyphen
    "\u0440rod-gw",  # Cyrillic er
    "prod-gw\u202e",  # right-to-left override
    "prod\x1b[31m-gw",  # terminal escape
    "prod-gw\x00",
    "prod-gw\x07",
)
# Invisible or compatibility forms that fold to the real name: allowed only if what the approver
# sees is the real gateway's name.
FOLDED = ("prod-gw\u200b", "\uff50\uff52\uff4f\uff44-\uff47\uff57")


def everything_the_bot_said(cluster: ProofCluster) -> str:
    said = [
        json.dumps(call.args) for call in cluster.slack.calls() if call.method.startswith("chat.")
    ]
    said += [private_notes(cluster.slack, asked.response_url) for asked in cluster.acked.values()]
    return "\n".join(said)


def test_markup_and_mentions_in_reasons_and_names_stay_text(cluster: ProofCluster) -> None:
    cluster.start_replica()
    baseline = cluster.emulator.state()
    reasoned = cluster.submit(
        f"authorize gateway {PROD_GW} to {BACKEND_GROUP} on 30400 because {INJECTED}"
    )
    assert reasoned is not None
    cluster.wait_for_card(reasoned)
    named = cluster.submit(f'authorize gateway "{INJECTED}" to service "*{INJECTED}*" on 30401')
    cluster.approve(reasoned)
    assert cluster.settle(baseline, 60) == []
    said = everything_the_bot_said(cluster)
    assert reasoned in said
    assert named is None or named in said
    for markup in FORMED_MARKUP:
        assert markup not in said


def test_forty_kilobyte_messages_are_answered(cluster: ProofCluster) -> None:
    replica = cluster.start_replica()
    padding = "x" * FORTY_KB
    texts = (
        padding,
        f"authorize gateway {PROD_GW} to {BACKEND_GROUP} on 30500 because {padding}",
        f"authorize gateway {padding} to {BACKEND_GROUP} on 30501",
    )
    for text in texts:
        note_url = cluster.slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
        signed = cluster.signer.slash_command(
            DEVELOPER_ID, DEV_CHANNEL_ID, text, response_url=note_url
        )
        status, body = signed.post(replica.events_url)
        assert status == 200
        assert len(body) < FORTY_KB
        dm = cluster.signer.event_callback(cluster.signer.direct_message(DEVELOPER_ID, text))
        assert dm.post(replica.events_url)[0] == 200
    assert all(len(json.dumps(call.args)) < FORTY_KB for call in cluster.slack.calls())
    assert stored_requests(cluster.redis_url, cluster.prefix) == {}


def test_control_characters_and_lookalikes_never_reach_a_real_gateway(
    cluster: ProofCluster,
) -> None:
    cluster.start_replica()
    baseline = cluster.emulator.state()
    port = iter(range(30600, 30700))
    spoofed = [
        cluster.submit(f'authorize gateway "{name}" to {BACKEND_GROUP} on {next(port)}')
        for name in LOOKALIKES
    ]
    spoofed += [
        cluster.submit(f'authorize gateway {PROD_GW} to service "{name}" on {next(port)}')
        for name in (n.replace("prod", "orders").replace("gw", "") for n in LOOKALIKES)
    ]
    folded = [
        cluster.submit(f'authorize gateway "{name}" to {BACKEND_GROUP} on {next(port)}')
        for name in FOLDED
    ]
    for request_id in (i for i in folded if i):
        if cluster.approve_if_carded(request_id, decide=False):
            assert PROD_GW in cluster.card_text(request_id)
            deny(cluster, request_id, "checking look-alikes")
    assert cluster.settle(baseline, 60) == []
    requests = stored_requests(cluster.redis_url, cluster.prefix)
    for request_id in (i for i in spoofed if i):
        assert requests[request_id].state.value == "rejected"
    for request_id in (i for i in folded if i):
        assert requests[request_id].state.value == "rejected" or (
            requests[request_id].gateway_name == PROD_GW
        )
    assert cluster.emulator.state() == baseline
