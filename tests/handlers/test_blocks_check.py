"""The check answer's Block Kit: valid, within limits, inert with hostile names, one button
per pre-filled request, and the asker of each sgbot authorization named."""

from __future__ import annotations

from bot.cloud.doctor_model import (
    Cause,
    CauseKind,
    Diagnosis,
    Endpoint,
    EndpointCheck,
    PortCheck,
)
from bot.cloud.port import Gateway
from handlers.blocks_check import check_message
from handlers.ids import ActionId
from tests.handlers.blockkit import action_ids, assert_inert, message_texts
from tests.handlers.blockkit import check_message as valid
from vocabulary.commands import PortRange

HOSTILE = "<!channel> *bold* <https://evil.example|click> \u202e"
PORT = PortRange(start=8080, end=8080)
GATEWAY = Gateway(unique_id="gw-" + "a" * 32, name=HOSTILE, security_group_id="sg-gw", vpc_id="v")


def diagnosis(*, covered: bool) -> Diagnosis:
    endpoint = Endpoint("10.0.0.1", f"ECS i-1 {HOSTILE}", ("sg-a", "sg-b"))
    port = PortCheck(PORT, covered, HOSTILE, group_id="sg-a", request_id="REQ-7F3K2")
    return Diagnosis(
        gateway=GATEWAY,
        target=f"service {HOSTILE}",
        ports=(PORT,),
        endpoints=(EndpointCheck(endpoint, (port,)),) * 30,
        causes=(Cause(CauseKind.WRONG_NODE, HOSTILE),),
        missing=() if covered else (("sg-b", PORT),),
        cannot_see=(HOSTILE,),
        notes=(HOSTILE,),
    )


def test_blocked_answer_is_inert_and_offers_the_missing_access() -> None:
    message = check_message(
        diagnosis(covered=False), {"REQ-7F3K2": "U0DEV0001"}, [("sg-b on 8080", "r" * 22)],
        emulated=True,
    )  # fmt: skip
    valid(message)
    assert_inert(message_texts(message), known_users={"U0DEV0001"})
    assert action_ids(message["blocks"]) == [ActionId.REQUEST_MISSING]
    text = "\n".join(message_texts(message))
    assert "blocked for 30 endpoints of 30" in text
    assert "and 10 more endpoints" in text
    assert "<@U0DEV0001>" in text
    assert "wrong node" in text


def test_reachable_answer_has_no_button() -> None:
    message = check_message(diagnosis(covered=True), {}, [], emulated=False)
    valid(message)
    assert action_ids(message["blocks"]) == []
    assert "reachable as far as security groups go" in message["text"]
