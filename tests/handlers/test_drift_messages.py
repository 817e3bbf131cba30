"""The drift post: the buttons each kind allows, valued with the item id only, and inert text."""

from __future__ import annotations

import pytest

from approvals.drift import DriftItem, DriftKind, DriftStatus, item_id
from handlers.drift_messages import drift_message
from handlers.ids import ActionId
from tests.approvals.examples import T0
from tests.handlers.blockkit import action_ids, assert_inert, check_message, text_objects
from tests.handlers.test_blocks_injection import HOSTILE

UNAPPROVED_BUTTONS = [ActionId.DRIFT_ADOPT, ActionId.DRIFT_IGNORE, ActionId.DRIFT_REVOKE]


def item(kind: DriftKind, **changes: object) -> DriftItem:
    made = DriftItem(
        id=item_id(kind, "gw-1", "sg-1", "8080/8080", "7"),
        kind=kind,
        gateway_id="gw-1",
        security_group_id="sg-1",
        ports="8080/8080",
        rule_id=7,
        backend_rule_id="sgr-1" if kind is DriftKind.ORPHAN else None,
        description=HOSTILE,
        request_ids=("REQ-ABCDE",),
        found_at=T0,
    )
    return made.model_copy(update=changes)


@pytest.mark.parametrize(
    ("kind", "buttons"),
    [
        (DriftKind.GONE, [ActionId.DRIFT_REAPPLY, ActionId.DRIFT_FORGET]),
        (
            DriftKind.UNAPPROVED,
            [ActionId.DRIFT_ADOPT, ActionId.DRIFT_IGNORE, ActionId.DRIFT_REVOKE],
        ),
        (DriftKind.ORPHAN, [ActionId.DRIFT_IGNORE]),
    ],
)
def test_an_open_item_has_the_buttons_of_its_kind(kind: DriftKind, buttons: list[str]) -> None:
    drift = item(kind)
    message = drift_message(drift, emulated=False)

    check_message(message)
    assert action_ids(message) == buttons
    values = {e["value"] for b in message["blocks"] for e in b.get("elements", []) if "value" in e}
    assert values == {drift.id}
    assert_inert(text_objects(message, "mrkdwn"))


def test_a_settled_item_has_no_buttons_and_says_who() -> None:
    settled = item(DriftKind.UNAPPROVED).settled(DriftStatus.ADOPTED, "U0APPR001", "REQ-FGHJK")

    message = drift_message(settled, emulated=True)

    check_message(message)
    assert action_ids(message) == []
    assert "<@U0APPR001> adopted it" in str(message["blocks"])
    assert_inert(text_objects(message, "mrkdwn"), known_users=["U0APPR001"])
