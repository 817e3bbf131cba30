"""With ``SGBOT_LANGUAGE=zh`` the check answer, drift posts, policy lines and extensions read
in Chinese.

The check answers come from the real doctor reading the emulator through the SDK, one per
FAQ cause, so every cause, coverage reason, note and blind spot is the doctor's own sentence;
the drift post is built for every kind and status; the policy's line on a card for every
decision and mode; and the refusals a requester or approver reads are raised by the code that
refuses. Each text is searched for English phrasing left behind, as the sibling test does for
the older surfaces, with the product names of Alibaba Cloud allowed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.drift import DriftItem, DriftKind, DriftStatus
from approvals.extend import check_extendable
from approvals.model import RequestState
from approvals.policy_note import PolicyNote
from bot import catalogue
from bot.cloud.doctor import check
from bot.cloud.doctor_model import CauseKind, Diagnosis
from bot.grammar import parse_command
from handlers.blocks import card_for, requester_message
from handlers.blocks_check import check_message
from handlers.drift_messages import drift_message
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from tests.handlers.blockkit import check_message as valid
from tests.handlers.test_blocks_chinese import (
    NAMES,
    NOW,
    chinese_request,
    message_texts,
)
from tests.handlers.test_blocks_chinese import (
    english_left as phrases_left,
)
from tests.handlers.test_drift_messages import item
from vocabulary.commands import Check, PortRange
from vocabulary.errors import PolicyRefused

# Product names stay as Alibaba Cloud writes them, in Chinese consoles too.
PRODUCTS = NAMES | {"Serverless", "Kubernetes", "CIDR", "SGBOT_REGIONS"}


pytestmark = pytest.mark.usefixtures("chinese")


def english_left(texts: list[str]) -> list[str]:
    return phrases_left(texts, PRODUCTS)


async def doctor(emulator: EmulatorHandle, text: str, *added: tuple[str, str, str]) -> Diagnosis:
    cloud = make_cloud(emulator)
    for group_id, ports, description in added:
        await cloud.add_rule(PROD_GW, group_id, PortRange.from_mse(ports), description)
    command = parse_command(text)
    assert isinstance(command, Check)
    return await check(cloud, command)


CASES = [
    (
        "check gateway prod-gw to service legacy",
        ("sg-legacy20", "8080/8080", "sgbot REQ-7F3K2 by U1"),
    ),
    ("check gateway prod-gw to service legacy", ("sg-legacyapp01", "8080/8080", "by hand")),
    ("check gateway prod-gw to service legacy-billing", ("sg-legacyapp01", "8080/8080", "by hand")),
    ("check gateway prod-gw to service inventory-canary", None),
    (
        "check gateway prod-gw to service legacy",
        ("sg-legacy20", "8081/8081", "sgbot REQ-7F3K2 by U1"),
    ),
    ("check gateway prod-gw to service jobs in batch", ("sg-batchpool01", "8080/8080", "by hand")),
    ("check gateway prod-gw to service orders", ("sg-ackpoola01", "8080/8080", "by hand")),
    ("check gateway prod-gw to sg-othervpc01 on 80", None),
    ("check gateway prod-gw to sg-enterprise01, sg-legacy20 on 80", None),
    ("check gateway edge-gw to service crm on 9443", None),
    ("check gateway prod-gw to instance i-ackweb001 on 8080", None),
]


@pytest.mark.parametrize(("text", "added"), CASES)
async def test_every_check_answer_is_chinese(
    emulator: EmulatorHandle, text: str, added: tuple[str, str, str] | None
) -> None:
    diagnosis = await doctor(emulator, text, *((added,) if added else ()))
    prefills = [("sg-b 的端口 8080", "r" * 22)] if not diagnosis.reachable else []
    message = check_message(diagnosis, {"REQ-7F3K2": "U0DEV0001"}, prefills, emulated=True)
    valid(message)
    texts = message_texts(message)
    assert english_left(texts) == [], text
    assert any(("可以到达" in t) or ("不通" in t) for t in texts)


async def test_the_causes_the_doctor_finds_are_all_said_in_chinese(
    emulator: EmulatorHandle,
) -> None:
    found: set[CauseKind] = set()
    for text, added in CASES:
        catalogue.use("zh")
        diagnosis = await doctor(emulator, text, *((added,) if added else ()))
        found |= {cause.kind for cause in diagnosis.causes}
        for cause in diagnosis.causes:
            assert english_left([cause.text]) == [], cause
        emulator.reset()
    # The cases above meet every cause but the gateway's own state and untraced addresses.
    assert found >= set(CauseKind) - {CauseKind.GATEWAY_NOT_RUNNING, CauseKind.UNTRACED}


def drift_item(kind: DriftKind) -> DriftItem:
    return item(kind, description="手工添加")


@pytest.mark.parametrize("kind", list(DriftKind))
@pytest.mark.parametrize("status", list(DriftStatus))
def test_every_drift_post_is_chinese(kind: DriftKind, status: DriftStatus) -> None:
    item = drift_item(kind)
    if status is not DriftStatus.OPEN:
        item = item.settled(status, "U0APPR001", "REQ-FGHJK")
    message = drift_message(item, emulated=True)
    valid(message)
    assert english_left(message_texts(message)) == []
    assert "漂移" in message["text"]


NOTES = [
    PolicyNote(rule="dev-small", digest="abc123", decision="auto_approve"),
    PolicyNote(rule="no-db", digest="abc123", decision="deny"),
    PolicyNote(
        rule="prod",
        digest="abc123",
        decision="2 approvals from user group S0SEC",
        approvals=2,
        approver_group="S0SEC",
    ),
    PolicyNote(rule="prod", digest="abc123", decision="1 approval", approvals=1, mode="audit"),
    PolicyNote(
        rule="dev-small",
        digest="abc123",
        decision="auto_approve",
        mode="audit",
        note="规则 dev-small 已达到每天 3 次自动批准的上限",
    ),
]


@pytest.mark.parametrize("note", NOTES)
def test_the_policy_line_on_a_card_is_chinese_and_the_audit_keeps_english(
    note: PolicyNote,
) -> None:
    request = chinese_request(state=RequestState.APPROVED, policy=note)
    message = card_for(request, now=NOW, emulated=False)
    valid(message)
    assert english_left(message_texts(message)) == []
    assert "策略规则" in "\n".join(message_texts(message))
    assert "policy rule" in note.text_in("en")


def test_the_grant_end_warning_offers_extend_in_chinese() -> None:
    ending = chinese_request(state=RequestState.APPLIED)
    message = requester_message(ending, emulated=False, grant_ending=True)
    assert "延长 1 小时" in str(message["blocks"])
    assert english_left(message_texts(message)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"extends": "REQ-FGHJK"},
        {"state": RequestState.EXPIRED},
        {"grant_expires_at": None},
        {"extensions": 1},
        {"extensions": 3},
    ],
)
def test_extension_refusals_are_chinese(changes: dict[str, object]) -> None:
    grant = chinese_request(**({"state": RequestState.APPLIED} | changes))
    with pytest.raises(PolicyRefused) as refused:
        check_extendable(grant, max_extensions=1, now=NOW + timedelta(minutes=1))
    assert english_left([str(refused.value)]) == []


def test_a_change_in_another_region_names_it_in_chinese() -> None:
    command = parse_command("authorize gateway prod-gw in cn-shanghai to service orders on 8080")
    assert getattr(command, "region", None) == "cn-shanghai"
    request = chinese_request(region="cn-shanghai", state=RequestState.APPLIED)
    texts = [
        *message_texts(card_for(request, now=NOW, emulated=False)),
        *message_texts(requester_message(request, emulated=False)),
    ]
    assert any("地域 `cn-shanghai`" in text for text in texts), texts
    assert english_left(texts) == []
