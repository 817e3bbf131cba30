"""Attacks on the request URL and the approval flow: none may create, decide or apply anything.

Requests that are not Slack's (forged, stale, unsigned) are refused before any handler runs;
replays change nothing twice; tampered button values and ineligible clickers (the requester,
guests, bots, people from another organisation, non-approvers) leave requests pending; a denied
request stays denied. The guest, the bot and the foreign user are configured as approvers here,
so what refuses them is the policy, not the approver list.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from handlers.ids import ActionId
from standins.slack import SlackSigner
from standins.slack.directory import (
    APPROVER_IDS,
    DEMO_TEAM_ID,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    FOREIGN_USER_ID,
    GUEST_ID,
    OTHER_BOT_ID,
    SECURITY_CHANNEL_ID,
)
from tests.proof.denials import deny
from tests.proof.harness import ProofCluster, authorize_text
from tests.proof.invariants import Acked, stored_request, stored_requests
from tests.slack.scenario import card_click, click, private_notes

pytestmark = [pytest.mark.security, pytest.mark.redis]
STALE_SECONDS = 6 * 60  # Slack's window is five minutes


def start(cluster: ProofCluster) -> dict[str, Any]:
    cluster.env["SGBOT_APPROVERS"] = ",".join(
        (*APPROVER_IDS, GUEST_ID, OTHER_BOT_ID, FOREIGN_USER_ID)
    )
    cluster.env["SGBOT_HOME_ORGS"] = DEMO_TEAM_ID
    cluster.start_replica()
    return cluster.emulator.state()


def state_of(cluster: ProofCluster, request_id: str) -> str:
    request = stored_request(cluster.redis_url, cluster.prefix, request_id)
    assert request is not None
    return request.state.value


def click_value(cluster: ProofCluster, user: str, card: dict[str, Any], value: str) -> str:
    """Click Approve on ``card`` with a tampered ``value``; what the clicker was told."""
    note_url = cluster.slack.new_response_url(user, SECURITY_CHANNEL_ID)
    signed = card_click(
        cluster.signer, user, card, ActionId.APPROVE, value=value, response_url=note_url
    )
    assert cluster.post(signed)[0] == 200
    return str(cluster.wait_until(lambda: private_notes(cluster.slack, note_url), 15))


def test_forged_stale_unsigned_and_replayed_requests(cluster: ProofCluster) -> None:
    baseline = start(cluster)
    url = cluster.next_url()
    text = authorize_text(30000)
    forger = SlackSigner("not-the-signing-secret", interactions=cluster.slack)
    forged = forger.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, text)
    stale = cluster.signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, text, ts=int(time.time()) - STALE_SECONDS
    )
    for signed in (forged, stale):
        assert signed.post(url)[0] == 401
    unsigned = urllib.request.Request(url, data=forged.body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 401
    assert stored_requests(cluster.redis_url, cluster.prefix) == {}

    # A replay of a genuine request (within Slack's window) makes one request, not three.
    asked = Acked(DEVELOPER_ID, cluster.slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID))
    genuine = cluster.signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, text, response_url=asked.response_url
    )
    assert [genuine.post(url)[0] for _ in range(3)] == [200, 200, 200]
    (request_id,) = stored_requests(cluster.redis_url, cluster.prefix)
    cluster.acked[request_id] = asked
    card = cluster.wait_for_card(request_id)
    approve = card_click(cluster.signer, APPROVER_IDS[0], card, ActionId.APPROVE, value=request_id)
    assert [approve.post(url)[0] for _ in range(3)] == [200, 200, 200]
    assert cluster.settle(baseline, 30) == []
    assert cluster.emulator.calls().get("AddSecurityGroupRule", 0) == 1


def test_tampered_button_values(cluster: ProofCluster) -> None:
    baseline = start(cluster)
    theirs = cluster.submit(authorize_text(30100))
    own = cluster.submit(authorize_text(30101), user=APPROVER_IDS[0])
    assert theirs is not None
    assert own is not None
    card = cluster.wait_for_card(theirs)
    cluster.wait_for_card(own)
    # The value names the approver's own request: the policy judges that one, and refuses.
    assert "yourself" in click_value(cluster, APPROVER_IDS[0], card, own)
    assert "no request REQ-ZZZZZ" in click_value(cluster, APPROVER_IDS[0], card, "REQ-ZZZZZ")
    for value in ("not a request", "REQ-" + "A" * 3000, '{"request_id": 1}', ""):
        assert "does not name a request" in click_value(cluster, APPROVER_IDS[0], card, value)
    assert {state_of(cluster, theirs), state_of(cluster, own)} == {"pending"}
    assert cluster.emulator.state() == baseline


def test_ineligible_clickers_and_self_approval(cluster: ProofCluster) -> None:
    baseline = start(cluster)
    request_id = cluster.submit(authorize_text(30200), user=APPROVER_IDS[0])
    assert request_id is not None
    card = cluster.wait_for_card(request_id)
    refusals = {
        APPROVER_IDS[0]: "yourself",
        GUEST_ID: "guest",
        OTHER_BOT_ID: "bots",
        FOREIGN_USER_ID: "another organisation",
        DEVELOPER_ID: "not an approver",
    }
    for clicker, expected in refusals.items():
        assert expected in click_value(cluster, clicker, card, request_id)
    assert state_of(cluster, request_id) == "pending"
    assert cluster.emulator.state() == baseline
    # The one eligible approver left can approve: the refusals were the policy, not a fault.
    assert cluster.approve(request_id, APPROVER_IDS[1]) == 200
    assert cluster.settle(baseline, 30) == []
    assert state_of(cluster, request_id) == "applied"


def test_a_denied_request_cannot_be_approved_afterwards(cluster: ProofCluster) -> None:
    baseline = start(cluster)
    request_id = cluster.submit(authorize_text(30300))
    assert request_id is not None
    card = cluster.wait_for_card(request_id)
    deny(cluster, request_id, "not this quarter")
    cluster.wait_until(lambda: state_of(cluster, request_id) == "denied", 30)
    for approver in APPROVER_IDS:
        assert click(cluster.signer, cluster.next_url(), approver, card, ActionId.APPROVE)[0] == 200
    assert cluster.settle(baseline, 30) == []
    assert state_of(cluster, request_id) == "denied"
    assert cluster.emulator.calls().get("AddSecurityGroupRule", 0) == 0
